"""Per-app environments: create, bind to a source directory, list, destroy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from warpdrive import output, paths, tools
from warpdrive.errors import (
    CommandFailed,
    EnvIsActive,
    EnvNotFound,
    NoActiveEnv,
    PythonNotFound,
)
from warpdrive.paths import EnvRecord


def read_python_version(src: Path) -> str | None:
    try:
        text = (src / ".python-version").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line
    return None


def choose_python(src: Path, flag: str | None) -> tuple[str, str]:
    """(interpreter path, why): --python, else .python-version when that Python is on
    PATH, else the Python warpdrive runs under."""
    if flag:
        found = flag if os.sep in flag else shutil.which(flag)
        if not found or not os.access(found, os.X_OK) or os.path.isdir(found):
            raise PythonNotFound(flag, "--python")
        return os.path.abspath(found), "--python"
    wanted = read_python_version(src)
    if wanted:
        parts = wanted.removeprefix("python").split(".")
        name = "python" + ".".join(parts[:2])
        found = shutil.which(name)
        if found:
            return found, f".python-version ({wanted})"
        output.notice(
            f".python-version asks for {wanted} but {name} is not on PATH; using {sys.executable}"
        )
    return sys.executable, "the Python warpdrive runs under"


def make_venv(python: str, app_root: Path) -> None:
    """A virtualenv with pip in it: with uv when it is available (a fraction of a
    second), else with the standard library's venv (several seconds: ensurepip)."""
    uv = tools.find_uv()
    attempts = [[python, "-m", "venv", str(app_root)]]
    if uv:
        attempts.insert(0, [uv, "venv", "--quiet", "--seed", "--python", python, str(app_root)])
    for argv in attempts:
        # The tools' own output is progress, so it goes to stderr with ours.
        result = subprocess.run(argv, stdout=sys.stderr, check=False)
        if result.returncode == 0:
            return
        shutil.rmtree(app_root, ignore_errors=True)
    raise CommandFailed("creating the virtualenv", argv, result.returncode)


def create(name: str, src: Path, python_flag: str | None = None) -> EnvRecord:
    app_root = paths.app_root_for(name)
    python, why = choose_python(src, python_flag)
    output.step(f"Creating environment {paths.ENV_PREFIX}{name} in {app_root}")
    output.detail(f"Python: {python} (from {why})")
    app_root.parent.mkdir(parents=True, exist_ok=True)
    make_venv(python, app_root)
    for sub in ("tmp", "data"):
        (app_root / sub).mkdir(exist_ok=True)
    record = EnvRecord(name, app_root, src, python)
    paths.write_env(record)
    return record


def activate(
    name: str, src: Path, python_flag: str | None = None, rebind: bool = False
) -> EnvRecord:
    """The environment NAME, created and bound to `src` on first use.

    An existing environment keeps the source directory it was bound to, so that it
    can be activated from anywhere; `rebind` (or a vanished source) binds it to `src`.
    """
    paths.validate_name(name)
    app_root = paths.app_root_for(name)
    record = paths.read_env(app_root)
    if not record.exists:
        return create(name, src, python_flag)
    if python_flag:
        output.warn(
            f"{paths.ENV_PREFIX}{name} exists, so --python is ignored; "
            f"`warpdrive destroy {name}` first to change its Python"
        )
    if rebind or record.src is None or not record.src.is_dir():
        record = EnvRecord(name, app_root, src, record.python)
        paths.write_env(record)
    return record


def active_name(environ=os.environ) -> str | None:
    return environ.get("WARPDRIVE_ENV_NAME") or None


def find(name: str | None, environ=os.environ) -> EnvRecord:
    """The named environment, else the active one."""
    name = name or active_name(environ)
    if not name:
        raise NoActiveEnv()
    record = paths.read_env(paths.app_root_for(name, environ))
    if not record.exists:
        raise EnvNotFound(name, paths.warpdrive_home(environ))
    return record


def destroy(name: str, environ=os.environ) -> Path:
    paths.validate_name(name)
    record = paths.read_env(paths.app_root_for(name, environ))
    if not record.app_root.is_dir():
        raise EnvNotFound(name, paths.warpdrive_home(environ))
    active_root = environ.get("VIRTUAL_ENV")
    if active_name(environ) == name or (
        active_root and Path(active_root).absolute() == record.app_root.absolute()
    ):
        raise EnvIsActive(name)
    shutil.rmtree(record.app_root)
    return record.app_root


def activated_environ(record: EnvRecord, environ=os.environ) -> dict[str, str]:
    """A process environment with `record` activated, for `shell` and `exec`."""
    from warpdrive.shell import activation_values

    env = dict(environ)
    for var, value in activation_values(record).items():
        if value is None:
            env.pop(var, None)
        else:
            env[var] = value
    env["PATH"] = str(record.app_root / "bin") + os.pathsep + environ.get("PATH", "")
    return env
