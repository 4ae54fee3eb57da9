"""Shared fixtures, thin wrappers over tests/support: run the real `warpdrive` command in
real temp directories. Each test's tier (in-process, integration, docker, slow) is
marked here from where it lives; `make test-fast` runs the in-process tier.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import IN_CI, ROOT, require_tool
from tests.support.apps import copy_app
from tests.support.cli import Result, base_env, run_warpdrive

# Tiers by directory, and the files of integration tests that are all slow (load,
# faults, packaging, the quick start); a file that mixes tiers marks its slow tests
# itself. README.md, "Development", lists the tiers.
TIER_BY_DIRECTORY = {"integration": ("integration",), "images": ("integration", "docker", "slow")}
SLOW_FILES = {"test_soak.py", "test_faults.py", "test_package.py", "test_quickstart.py"}


# First, so that `-m` selects on these marks.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).resolve().parent
    for item in items:
        path = Path(item.path).resolve()
        if not path.is_relative_to(tests):
            continue
        top = path.relative_to(tests).parts[0]
        for name in TIER_BY_DIRECTORY.get(top, ()):
            item.add_marker(name)
        if top == "integration" and path.name in SLOW_FILES:
            item.add_marker("slow")


def require_apache() -> None:
    """Apache's development files and its server program, as .ci/run installs them:
    what `auto` needs to choose mod_wsgi."""
    from warpdrive.serve import apache

    require_tool("apxs")
    missing = apache.missing_for_build(dict(os.environ))
    if missing is not None:
        message = f"{missing.reason} (.ci/run installs {missing.packages})"
        pytest.fail(message) if IN_CI else pytest.skip(message)


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
        return run_warpdrive(*args, env=env, cwd=cwd, extra=extra, input=input, prefix=prefix)

    return run


@pytest.fixture
def app_dir(tmp_path: Path):
    """Copy an example (`examples/NAME`) or a fixture (`tests/fixtures/NAME`) to a temp dir."""

    def make(name: str) -> Path:
        return copy_app(name, tmp_path / "src" / name)

    return make


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with warpdrive installed from a copy of this checkout by pip."""
    work = tmp_path_factory.mktemp("pkg")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin/pip"), "install", "-q", str(ROOT)], check=True, cwd=work)
    return venv
