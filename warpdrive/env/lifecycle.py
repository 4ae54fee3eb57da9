"""An environment's life: which Python it gets, creating it, binding it to a source
directory when activated, and the process variables of an activated one."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from warpdrive import output
from warpdrive.env import generations, registry
from warpdrive.env.registry import ENV_PREFIX, EnvRecord
from warpdrive.errors import PythonNotFound


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


def find_python(flag: str) -> str | None:
    """The interpreter --python names (a path, or a name on PATH); None when there is none."""
    found = flag if os.sep in flag else shutil.which(flag)
    if not found or not os.access(found, os.X_OK) or os.path.isdir(found):
        return None
    return os.path.abspath(found)


def choose_python(src: Path, flag: str | None) -> tuple[str, str]:
    """(interpreter path, why): --python, else .python-version when that Python is on
    PATH, else the Python warpdrive runs under."""
    if flag:
        found = find_python(flag)
        if found is None:
            raise PythonNotFound(flag, "--python")
        return found, "--python"
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


def create(
    name: str, src: Path, python_flag: str | None = None, app_root: Path | None = None
) -> EnvRecord:
    app_root = app_root or registry.app_root_for(name)
    python, why = choose_python(src, python_flag)
    output.step(f"Creating environment {ENV_PREFIX}{name} in {app_root}")
    output.detail(f"Python: {python} (from {why})")
    try:
        generations.make_app_root(app_root, python)
    except BaseException:
        shutil.rmtree(app_root, ignore_errors=True)
        raise
    record = EnvRecord(name, app_root, src, python, why)
    registry.write_record(record)
    return record


def ensure(app_root: Path, src: Path) -> EnvRecord:
    """The environment at `app_root`, created for `src` when it does not exist yet."""
    record = registry.read_record(app_root)
    if record.exists:
        return record
    return create(record.name, src, None, app_root)


def build_python(record: EnvRecord, src: Path) -> str:
    """The Python a build uses: the one given with --python at creation, else chosen
    again, so that a changed .python-version takes effect."""
    if record.python_source == "--python" and record.python:
        return record.python
    return choose_python(src, None)[0]


def activate(
    name: str, src: Path | None = None, python_flag: str | None = None, rebind: bool = False
) -> EnvRecord:
    """The environment NAME, created and bound to `src` on first use.

    An existing environment keeps the source directory it was bound to, so that it
    can be activated from anywhere; `rebind` (or a vanished source) binds it to `src`,
    and says so. `src` None is the current directory, looked up only when needed: an
    environment bound elsewhere activates by name even from a deleted directory.
    """
    registry.validate_name(name)
    app_root = registry.app_root_for(name)
    record = registry.read_record(app_root)
    if not record.exists:
        return create(name, src or registry.current_directory().resolve(), python_flag)
    if python_flag and not same_python(python_flag, record.python):
        output.warn(
            f"{ENV_PREFIX}{name} exists, so --python is ignored; "
            f"`warpdrive destroy {name}` first to change its Python"
        )
    vanished = record.src is None or not record.src.is_dir()
    if rebind or vanished:
        src = src or registry.current_directory().resolve()
        if src != record.src:
            output.notice(f"{ENV_PREFIX}{name} is now bound to {src} ({was(record.src)})")
        record = EnvRecord(name, app_root, src, record.python, record.python_source)
        registry.write_record(record)
    return record


def same_python(flag: str, python: str | None) -> bool:
    """Whether --python names the interpreter the environment was made with."""
    found = find_python(flag)
    if not found or not python:
        return False
    return os.path.realpath(found) == os.path.realpath(python)


def was(old: Path | None) -> str:
    if old is None:
        return "it was bound to no directory"
    if not old.is_dir():
        return f"it was bound to {old}, which no longer exists"
    return f"it was bound to {old}"


def activated_environ(record: EnvRecord, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The process variables with `record` activated, for `shell` and `exec`."""
    from warpdrive.env.activation import activation_values  # build has no use for it

    activated = dict(environ)
    for var, value in activation_values(record).items():
        if value is None:
            activated.pop(var, None)
        else:
            activated[var] = value
    activated["PATH"] = str(record.app_root / "bin") + os.pathsep + environ.get("PATH", "")
    return activated
