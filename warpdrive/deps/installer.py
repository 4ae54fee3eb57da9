"""The two installers: uv (fast, the default) and pip (the fallback)."""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from warpdrive import appenv, output, proc, tools
from warpdrive.errors import InstallFailed

# pip writes "ERROR: ..."; uv writes "error: ..." (or a multiplication sign on a
# terminal) and gives the reason on the next lines, after "cause:" (or an arrow).
_ERROR_LINE = re.compile(r"^\s*(?:error|ERROR|\u00d7)\W*\s*(.+)")
_CAUSE_LINE = re.compile(r"^\s*(?:cause:|\u2570\u2500\u25b6)\s*(.+)")
OFFLINE_LINE = "Every requirement is pinned and in the cache: installed without the network"


@dataclass(frozen=True)
class Installer:
    name: str  # "uv" or "pip"
    program: str | None  # uv's path; None for pip, which runs inside the venv
    version: str
    cache: Path

    def argv(self, python: Path, args: list[str]) -> list[str]:
        if self.name == "uv":
            return [self.program, "pip", "install", "--python", str(python), *args]
        return [str(python), "-m", "pip", "install", "--disable-pip-version-check", *args]

    def environ(self, environ: dict[str, str], venv: Path) -> dict[str, str]:
        env = proc.with_venv(environ, venv)
        if self.name == "uv":
            env["UV_CACHE_DIR"] = str(self.cache)
            # uv reads only its own variables; pip's are what users (and OpenShift) set.
            for pip_name, uv_name in (
                ("PIP_INDEX_URL", "UV_INDEX_URL"),
                ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL"),
            ):
                if pip_name in env and uv_name not in env:
                    env[uv_name] = env[pip_name]
        else:
            env["PIP_CACHE_DIR"] = str(self.cache)
        return env

    def install_pinned(
        self, venv: Path, requirements: list[str], environ: dict[str, str], cwd: Path
    ) -> None:
        """Pinned `name==version` packages through a local wheelhouse. mod_wsgi and
        uWSGI ship only as sources and take a while to compile, and neither installer
        reuses the wheels it builds (uv 0.13 compiles mod_wsgi again every time), so
        warpdrive keeps the wheels itself, in the cache that S2I builds carry."""
        wheelhouse = wheelhouse_dir(self.cache.parent, venv)
        wheelhouse.mkdir(parents=True, exist_ok=True)
        python_tag = "cp" + ".".join(venv_python(venv)[1].split(".")[:2]).replace(".", "")
        missing = [r for r in requirements if not in_wheelhouse(wheelhouse, r, python_tag)]
        if missing:
            argv = [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                # Old pips build setup.py projects without PEP 517 and need `wheel`.
                "--use-pep517",
                # pip's own wheel cache is keyed by version tag (cp311), not by the
                # interpreter: it would hand a mod_wsgi built for another Python 3.11.
                "--no-cache-dir",
                "--disable-pip-version-check",
                "--wheel-dir",
                str(wheelhouse),
                *missing,
            ]
            env = proc.with_venv(environ, venv)
            returncode, tail = proc.run_streamed(argv, env, cwd)
            if returncode != 0:
                raise InstallFailed("pip wheel", " ".join(missing), summarise(tail, returncode))
        self.install(
            venv,
            ["--find-links", str(wheelhouse), *requirements],
            " ".join(requirements),
            environ,
            cwd,
            pinned=True,
        )

    def install(
        self,
        venv: Path,
        args: list[str],
        what: str,
        environ: dict[str, str],
        cwd: Path,
        pinned: bool = False,
    ) -> None:
        """Install; with `pinned` (every requirement an exact version), uv first tries
        its cache alone. An exact pin means the same files either way, and a build
        whose cache came back (an incremental S2I build) then uses no network at all;
        uv would otherwise ask the index again about every package."""
        argv = self.argv(venv / "bin" / "python", args)
        env = self.environ(environ, venv)
        if pinned and self.name == "uv":
            offline = subprocess.run(
                [*argv, "--offline"],
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                check=False,
            )
            if offline.returncode == 0:
                output.detail(OFFLINE_LINE)
                output.detail((offline.stdout + offline.stderr).rstrip("\n"))
                return
            output.detail("Not all of it is in the cache: installing from the package index")
        returncode, tail = proc.run_streamed(argv, env, cwd)
        if returncode != 0:
            raise InstallFailed(self.name, what, summarise(tail, returncode))


def venv_python(venv: Path) -> tuple[str, str]:
    """(home, full version) of a virtualenv's base Python, from its pyvenv.cfg."""
    values = {}
    for line in (venv / "pyvenv.cfg").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values.get("home", ""), values.get("version_info") or values.get("version", "")


def wheelhouse_dir(cache_root: Path, venv: Path) -> Path:
    """The wheelhouse for the venv's base Python. A compiled wheel fits one exact
    interpreter, not just its version tag: mod_wsgi built against one Python 3.11
    embeds that installation and fails to import `math` under another."""
    home, version = venv_python(venv)
    key = hashlib.sha256(f"{home}|{version}".encode()).hexdigest()[:12]
    return cache_root / "wheels" / f"python{version}-{key}"


def in_wheelhouse(wheelhouse: Path, requirement: str, python_tag: str) -> bool:
    """A wheel of exactly that name and version that this Python can install."""
    from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

    name, _, version = requirement.partition("==")
    for wheel in wheelhouse.glob("*.whl"):
        try:
            wheel_name, wheel_version, _, tags = parse_wheel_filename(wheel.name)
        except InvalidWheelFilename:
            continue
        installable = any(
            t.interpreter in (python_tag, "py3")
            or t.interpreter == "py2.py3"
            or t.interpreter.startswith("py3")
            for t in tags
        )
        if wheel_name == canonicalize_name(name) and str(wheel_version) == version and installable:
            return True
    return False


def summarise(lines: list[str], returncode: int) -> str:
    """The installer's own error in one line: its first error line and what follows
    it on the same logical message."""
    for i, line in enumerate(lines):
        match = _ERROR_LINE.match(line)
        if match:
            detail = match.group(1).strip()
            # uv puts the reason on the indented lines after its first error line.
            causes = [m.group(1).strip() for m in map(_CAUSE_LINE.match, lines[i + 1 : i + 4]) if m]
            return ": ".join([detail, *causes])[:400]
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return last[:300] or f"exit code {returncode}"


def _pip_version(venv: Path) -> str:
    """pip's version from its dist-info directory: no need to start pip (slow)."""
    for site in sorted((venv / "lib").glob("python*/site-packages")):
        for dist in site.glob("pip-*.dist-info"):
            return "pip " + dist.name.removeprefix("pip-").removesuffix(".dist-info")
    return "pip (not installed)"


def choose(app_root: Path, venv: Path) -> Installer:
    cache = appenv.cache_root(app_root)
    uv = tools.find_uv()
    if uv:
        result = subprocess.run([uv, "--version"], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return Installer("uv", uv, result.stdout.strip(), cache / "uv")
        output.warn(f"{uv} --version failed, so pip installs instead")
    return Installer("pip", None, _pip_version(venv), cache / "pip")
