"""Copies of the examples and fixtures to build and serve, and the world-readable work
directory some tests need."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import EXAMPLES, FIXTURES, IN_CI, require_tool
from tests.support.cli import WARPDRIVE, Result, base_env, run_warpdrive

# What each example answers on GET /.
BODIES = {
    "django": b"Hello from Django",
    "paste": b"Hello from Paste",
    "wsgi": b"Hello from WSGI",
    "python": b"Hello from Python",
    "shell": b"Hello from shell",
    "procfile": b"Hello from Procfile",
    "asgi": b'{"hello":"from FastAPI"}',
}
SYSTEM_PYTHON = "/usr/bin/python3.11"


def copy_app(name: str, target: Path) -> Path:
    """The example `examples/NAME`, or else the fixture `tests/fixtures/NAME`, copied to
    `target` (links kept as links)."""
    source = EXAMPLES / name if (EXAMPLES / name).is_dir() else FIXTURES / name
    shutil.copytree(source, target, symlinks=True)
    return target


@contextlib.contextmanager
def world_readable_dir(prefix: str) -> Iterator[Path]:
    """A world-readable temp directory: pytest's are private to root, and mod_wsgi's
    unprivileged user (or an ordinary test user) must read the app."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def need_system_python() -> str:
    """As root, mod_wsgi runs the app as www-data, who cannot read a Python under /root."""
    if not Path(SYSTEM_PYTHON).exists():
        message = f"{SYSTEM_PYTHON} is missing (.ci/run installs python3-venv)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    return SYSTEM_PYTHON


class Apps:
    """Copies of examples and fixtures under one world-readable directory, one
    environment each, made on Debian's Python (or, for an ordinary `user`, on the
    Python warpdrive runs under). Building again with another server reuses the same
    environment (a new generation with that server in it)."""

    def __init__(
        self, base: Path, env: dict[str, str], warpdrive: str = WARPDRIVE, user: str | None = None
    ):
        self.base, self.env, self.warpdrive, self.user = base, env, warpdrive, user
        self.paths: dict[str, Path] = {}

    @classmethod
    def as_root(cls, base: Path, cache: Path) -> Apps:
        """This checkout's warpdrive, its home under `base`, the installer cache `cache`."""
        return cls(base, {**base_env(base / "home"), "WARPDRIVE_CACHE_DIR": str(cache)})

    def run(self, *args: str, cwd: Path, extra: dict[str, str] | None = None) -> Result:
        return run_warpdrive(
            *args,
            env=self.env,
            cwd=cwd,
            extra=extra,
            user=self.user,
            timeout=600,
            warpdrive=self.warpdrive,
        )

    def app(self, name: str, copy: str | None = None) -> Path:
        """The example or fixture `name`, copied (as `copy`, to have several) with an
        environment of its own."""
        copy = copy or name
        if copy not in self.paths:
            src = copy_app(name, self.base / "src" / copy)
            if self.user:
                subprocess.run(
                    ["chown", "-R", f"{self.user}:{self.user}", str(self.base)], check=True
                )
            python = [] if self.user else ["--python", need_system_python()]
            result = self.run("activate", *python, cwd=src)
            assert result.returncode == 0, result.stderr
            self.paths[copy] = src
        return self.paths[copy]

    def build(self, name: str, server: str | None = None, copy: str | None = None) -> Path:
        if server == "mod_wsgi":
            require_tool("apxs")
        src = self.app(name, copy)
        result = self.run("build", *(["--server", server] if server else []), cwd=src)
        assert result.returncode == 0, result.stderr
        return src
