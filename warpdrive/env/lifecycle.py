"""An environment's life: which Python it gets, creating it, binding it to a source
directory when activated, and the process variables of an activated one."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from warpdrive import output
from warpdrive.context import pyproject
from warpdrive.env import generations, registry
from warpdrive.env.registry import ENV_PREFIX, EnvRecord
from warpdrive.errors import PythonNotFound, PythonUnavailable


def first_line(path: Path) -> str | None:
    """The first line of `path` that is neither blank nor a comment; None without one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line
    return None


def read_python_version(src: Path) -> str | None:
    return first_line(src / ".python-version")


def read_runtime_txt(src: Path) -> str | None:
    """The version `runtime.txt` names as `python-3.12.1`; None without one."""
    line = first_line(src / "runtime.txt")
    match = re.fullmatch(r"python-(\d+(?:\.\d+)*)", line or "")
    return match.group(1) if match else None


def read_requires_python(src: Path) -> str | None:
    project = (pyproject(src) or {}).get("project")
    value = project.get("requires-python") if isinstance(project, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def find_python(flag: str) -> str | None:
    """The interpreter --python names (a path, or a name on PATH); None when there is none."""
    found = flag if os.sep in flag else shutil.which(flag)
    if not found or not os.access(found, os.X_OK) or os.path.isdir(found):
        return None
    return os.path.abspath(found)


VERSIONED_NAME = re.compile(r"python(\d+\.\d+)")


def available_pythons() -> list[tuple[str, str]]:
    """(version, path) of the interpreters a new environment may get, in order of
    preference: the Python warpdrive runs under (full version), every pythonX.Y on
    PATH (X.Y from its name, newest first), and /usr/bin/python3 (X.Y from the name
    its link resolves to). Nothing else is looked at."""
    own = (".".join(map(str, sys.version_info[:3])), sys.executable)
    on_path: list[tuple[str, str]] = []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            match = VERSIONED_NAME.fullmatch(name)
            path = os.path.join(folder or ".", name)
            if match and os.access(path, os.X_OK) and not os.path.isdir(path):
                on_path.append((match.group(1), os.path.abspath(path)))
    on_path.sort(key=lambda item: tuple(int(p) for p in item[0].split(".")), reverse=True)
    system: list[tuple[str, str]] = []
    match = VERSIONED_NAME.fullmatch(os.path.basename(os.path.realpath("/usr/bin/python3")))
    if match and os.access("/usr/bin/python3", os.X_OK):
        system.append((match.group(1), "/usr/bin/python3"))
    return list(dict.fromkeys([own, *on_path, *system]))


def version_matches(wanted: str, version: str) -> bool:
    """Whether `version` is the `wanted` X.Y (or X); a patch level is not looked at."""
    return version.split(".")[: min(2, wanted.count(".") + 1)] == wanted.split(".")[:2]


REQUIRES_PYTHON = "pyproject.toml's requires-python"


@dataclass(frozen=True)
class AskedPython:
    """The Python an app asks for: a version from `.python-version` or `runtime.txt`,
    or a specifier from pyproject.toml's requires-python."""

    wanted: str  # "3.12", "3.12.1" or ">=3.11,<3.14"
    source: str  # ".python-version", "runtime.txt" or REQUIRES_PYTHON
    written: str  # the value as the file has it

    @property
    def why(self) -> str:
        if self.source == REQUIRES_PYTHON:
            return f"requires-python ({self.wanted})"
        return f"{self.source} ({self.written})"

    def matches(self, version: str) -> bool:
        """Whether Python `version` (X.Y or X.Y.Z) is what the app asks for."""
        if self.source == REQUIRES_PYTHON:
            from packaging.specifiers import SpecifierSet
            from packaging.version import Version

            return SpecifierSet(self.wanted).contains(Version(version), prereleases=True)
        return version_matches(self.wanted, version)


def asked_python(src: Path) -> AskedPython | None:
    """The first of .python-version, runtime.txt and pyproject.toml's requires-python
    that the app has; None when it asks for nothing. A value that is not a version (or
    a specifier) is ignored, with a notice."""
    written = read_python_version(src)
    source = ".python-version"
    if written is None:
        written, source = read_runtime_txt(src), "runtime.txt"
    if written is not None:
        version = written.removeprefix("python")
        if re.fullmatch(r"\d+(\.\d+)*", version):
            return AskedPython(version, source, written)
        output.notice(f"{source} names {written!r}, not a Python version; ignoring it")
    spec = read_requires_python(src)
    if spec is None:
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        SpecifierSet(spec)
    except InvalidSpecifier:
        output.notice(f"pyproject.toml's requires-python {spec!r} is not valid; ignoring it")
        return None
    return AskedPython(spec, REQUIRES_PYTHON, spec)


def choose_python(src: Path, flag: str | None) -> tuple[str, str]:
    """(interpreter path, why): --python; else what `asked_python` finds, met by one of
    `available_pythons()` (PythonUnavailable when none meets it); else the Python
    warpdrive runs under."""
    if flag:
        found = find_python(flag)
        if found is None:
            raise PythonNotFound(flag, "--python")
        return found, "--python"
    asked = asked_python(src)
    if asked is None:
        return sys.executable, "the Python warpdrive runs under"
    pythons = available_pythons()
    if asked.source != REQUIRES_PYTHON:
        # pythonX.Y on PATH first, as asked; then any other that is that version.
        name = "python" + ".".join(asked.wanted.split(".")[:2])
        pythons = [(v, p) for v, p in pythons if os.path.basename(p) == name] + pythons
    for v, path in pythons:
        if asked.matches(v):
            return path, asked.why
    listed = ", ".join(dict.fromkeys(".".join(v.split(".")[:2]) for v, _ in pythons))
    raise PythonUnavailable(asked.wanted, asked.source, listed)


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
