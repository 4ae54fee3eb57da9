"""Driving the original warpdrive 0.34.0 from PyPI, as its users did: `eval "$(warpdrive
activate NAME)"`, then `warpdrive build` and `warpdrive start` in the activated shell.

Its commands are bash scripts. Its `activate` makes the environment with `virtualenv`
(found on PATH) and pip-installs warpdrive 0.34.0 into it; `build` pip-installs
requirements.txt and mod_wsgi (its default server) and runs collectstatic; `start`
execs `mod_wsgi-express start-server`, which refuses to run as root without a user to
switch to, so as root everything here runs as an ordinary user who owns the files."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from benchmarks.ours import EVAL, copy_example
from benchmarks.procs import BenchError, Server, as_user, free_port, run, user_env

VERSION = "0.34.0"
# virtualenv: the original's `activate` calls it to make environments.
PACKAGES = [f"warpdrive=={VERSION}", "virtualenv"]


@dataclass
class Original:
    work: Path  # owned by `user`: its install, environments, pip cache and source copy
    python: str  # the interpreter its own virtualenv (and so every environment) is made with
    environ: dict[str, str]
    logs: Path
    user: str | None  # who runs it; None: the harness's own user (not root)

    @property
    def venv(self) -> Path:
        return self.work / "venv"

    @property
    def src(self) -> Path:
        return self.work / "src" / "django"

    def env(self) -> dict[str, str]:
        env = user_env(self.environ, self.user)
        return {
            **env,
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
            "WARPDRIVE_VIRTUALENVS": str(self.work / "envs"),
            # Its own pip cache, kept between runs like a user's ~/.cache/pip.
            "PIP_CACHE_DIR": str(self.work / "pip-cache"),
        }

    def _chown(self, path: Path) -> None:
        if self.user:
            subprocess.run(["chown", "-R", f"{self.user}:{self.user}", str(path)], check=True)

    def install(self) -> None:
        """Its virtualenv with warpdrive 0.34.0 and virtualenv, made once and kept."""
        self.work.mkdir(parents=True, exist_ok=True)
        self.work.chmod(0o755)
        self._chown(self.work)
        marker = self.venv / f".warpdrive-{VERSION}"
        if not marker.exists():
            if self.venv.exists():
                shutil.rmtree(self.venv)
            log = self.logs / "original-install.log"
            venv = [self.python, "-m", "venv", str(self.venv)]
            run(venv, self.env(), log, cwd=self.work, user=self.user)
            pip = [str(self.venv / "bin/pip"), "install", "--quiet", *PACKAGES]
            run(pip, self.env(), log, cwd=self.work, user=self.user)
            marker.touch()
        (self.work / "envs").mkdir(exist_ok=True)
        self._chown(self.work / "envs")
        copy_example("django", self.src)
        self._chown(self.work / "src")

    def activate(self, name: str, log: str) -> float:
        """`eval "$(warpdrive activate NAME)"` in bash, in the app's directory."""
        argv = ["bash", "--noprofile", "--norc", "-c", EVAL, "bash", "warpdrive", "activate", name]
        return run(argv, self.env(), self.logs / log, cwd=self.src, user=self.user)

    def activated(self, name: str) -> dict[str, str]:
        """The environment of a shell in which `eval "$(warpdrive activate NAME)"` ran."""
        script = EVAL + " && env -0"
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-c", script, "bash", "warpdrive", "activate", name],
            env=self.env(),
            cwd=self.src,
            capture_output=True,
            check=False,
            **as_user(self.user),
        )
        if proc.returncode != 0:
            raise BenchError(f"original warpdrive activate {name} failed: {proc.stderr[-2000:]!r}")
        pairs = (item.partition("=") for item in proc.stdout.decode().split("\0") if item)
        return {key: value for key, _, value in pairs if key and not key.startswith("BASH_FUNC")}

    def build(self, name: str, log: str) -> float:
        """`warpdrive build` in the activated shell."""
        env = self.activated(name)
        return run([env["WARPDRIVE"], "build"], env, self.logs / log, cwd=self.src, user=self.user)

    def server(self, name: str, log: str, port: int | None = None) -> Server:
        """`warpdrive start` in the activated shell, at its defaults (mod_wsgi, 1 process
        of 5 threads); its port comes from WARPDRIVE_HTTP_PORT."""
        port = port or free_port()
        env = {**self.activated(name), "WARPDRIVE_HTTP_PORT": str(port)}
        argv = [env["WARPDRIVE"], "start"]
        return Server(argv, env, port, self.logs / log, cwd=self.src, user=self.user)

    def destroy(self, name: str) -> None:
        shutil.rmtree(self.work / "envs" / f"warpdrive+{name}", ignore_errors=True)
