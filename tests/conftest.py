"""Shared fixtures: run the real `warpdrive` command in real temp directories.

The environment every test command gets is deliberately hostile (junk PYTHONPATH,
VIRTUAL_ENV and PIP_* values) to prove warpdrive relies on its own settings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
WARPDRIVE = str(Path(sys.executable).parent / "warpdrive")
# What each example answers on GET /.
BODIES = {
    "django": b"Hello from Django",
    "paste": b"Hello from Paste",
    "wsgi": b"Hello from WSGI",
    "python": b"Hello from Python",
    "shell": b"Hello from shell",
}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(name: str) -> str:
    """The tool's path; a test that needs a missing tool skips locally and fails in CI."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (.ci/run installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def require_apache() -> None:
    """Apache's development files and its server program, as .ci/run installs them:
    what `auto` needs to choose mod_wsgi."""
    from warpdrive.serve import apache

    require_tool("apxs")
    missing = apache.missing_for_build(dict(os.environ))
    if missing is not None:
        message = f"{missing.reason} (.ci/run installs {missing.packages})"
        pytest.fail(message) if IN_CI else pytest.skip(message)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def base_env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WARPDRIVE_", "VIRTUAL_ENV", "APP_", "DJANGO_"))
    }
    env.pop("PORT", None)
    env.pop("WEB_CONCURRENCY", None)
    env.update(
        WARPDRIVE_HOME=str(home),
        NO_COLOR="1",
        PYTHONPATH="/nonexistent/junk-pythonpath",
        VIRTUAL_ENV="/nonexistent/junk-venv",
        PIP_REQUIRE_VIRTUALENV="junk",
    )
    # The tests' venv first, so `warpdrive` in a shell is this checkout's.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


@pytest.fixture
def wd_home(tmp_path: Path) -> Path:
    home = tmp_path / "wdhome"
    home.mkdir()
    return home


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    """One installer cache for the whole run, so each wheel is fetched (and mod_wsgi
    compiled) once, not once per test."""
    return tmp_path_factory.mktemp("installer-cache")


@pytest.fixture
def env(wd_home: Path, shared_cache: Path) -> dict[str, str]:
    return {**base_env(wd_home), "WARPDRIVE_CACHE_DIR": str(shared_cache)}


@pytest.fixture
def run_wd(env):
    """Run `warpdrive ARGS...` as a real process; returns its exit code and output."""

    def run(
        *args: str,
        cwd: Path | None = None,
        extra: dict[str, str] | None = None,
        input: str | None = None,
        prefix: tuple[str, ...] = (),  # a command that runs warpdrive (unshare ...)
    ) -> Result:
        proc = subprocess.run(
            [*prefix, WARPDRIVE, *args],
            cwd=cwd,
            env={**env, **(extra or {})},
            capture_output=True,
            text=True,
            input=input,
            timeout=300,
            check=False,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def app_dir(tmp_path: Path):
    """Copy an example (`examples/NAME`) or a fixture (`tests/fixtures/NAME`) to a temp dir."""

    def make(name: str) -> Path:
        source = EXAMPLES / name if (EXAMPLES / name).is_dir() else FIXTURES / name
        target = tmp_path / "src" / name
        shutil.copytree(source, target, symlinks=True)
        return target

    return make


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with warpdrive installed from a copy of this checkout by pip."""
    work = tmp_path_factory.mktemp("pkg")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin/pip"), "install", "-q", str(ROOT)], check=True, cwd=work)
    return venv
