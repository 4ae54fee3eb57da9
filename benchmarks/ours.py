"""Driving this checkout's warpdrive, as its users do: activate, build, start."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.procs import Server, free_port, pinned, run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The warpdrive installed beside the Python running the harness (`make` uses .venv).
WARPDRIVE = str(Path(sys.executable).parent / "warpdrive")
# `eval "$(CMD)"` as a shell runs it, failing when CMD fails (eval of nothing succeeds).
EVAL = 'code="$("$@")" || exit $?; eval "$code"'


def copy_example(name: str, target: Path) -> Path:
    """A fresh copy of examples/NAME (no database or caches a previous run left)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        EXAMPLES / name, target, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3")
    )
    return target


@dataclass
class Ours:
    work: Path  # everything this side writes: sources, environments, its installer cache
    python: str  # interpreter of the app environments
    environ: dict[str, str]
    logs: Path

    def env(self, home: Path, **extra: str) -> dict[str, str]:
        return {
            **self.environ,
            "WARPDRIVE_HOME": str(home),
            # One cache for every environment of the run: a cold build starts from a
            # fresh environment, not from an empty download cache (that would time PyPI).
            "WARPDRIVE_CACHE_DIR": str(self.work / "cache"),
            **extra,
        }

    def home(self, name: str) -> Path:
        """An empty WARPDRIVE_HOME."""
        path = self.work / name  # short: mod_wsgi's daemon socket goes under it
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def source(self, example: str, name: str | None = None) -> Path:
        """A fresh copy of examples/EXAMPLE, named NAME (default: the example's name)."""
        return copy_example(example, self.work / "src" / (name or example))

    def activate(self, home: Path, src: Path, log: str, new: bool = True, **extra: str) -> float:
        """`eval "$(warpdrive activate)"` in bash, in the app's directory; a new env is
        made with `--python PY`, an existing one is activated as users do, by name only."""
        argv = ["bash", "--noprofile", "--norc", "-c", EVAL, "bash", WARPDRIVE, "activate"]
        if new:
            argv += ["--python", self.python]
        return run(argv, self.env(home, **extra), self.logs / log, cwd=src)

    def build(self, home: Path, src: Path, log: str, server: str | None = None, **extra) -> float:
        argv = [WARPDRIVE, "build", str(src), *(["--server", server] if server else [])]
        return run(argv, self.env(home, **extra), self.logs / log, cwd=src)

    def info(self, home: Path, src: Path, cpus: tuple[int, ...] = ()) -> dict:
        """`warpdrive info --json`; on `cpus` when given, as the server will run."""
        proc = subprocess.run(
            pinned([WARPDRIVE, "info", "--json", str(src)], cpus),
            env=self.env(home),
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(proc.stdout)

    def server(
        self,
        home: Path,
        src: Path,
        log: str,
        server: str | None = None,
        port: int | None = None,
        **extra,
    ) -> Server:
        port = port or free_port()
        argv = [WARPDRIVE, "start", str(src), "--port", str(port)]
        argv += ["--server", server] if server else []
        return Server(argv, self.env(home, **extra), port, self.logs / log, cwd=src)

    def version(self) -> str:
        proc = subprocess.run([WARPDRIVE, "--version"], capture_output=True, text=True, check=False)
        return proc.stdout.strip() or proc.stderr.strip()
