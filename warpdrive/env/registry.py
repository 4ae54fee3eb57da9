"""Where environments live: WARPDRIVE_HOME and the `warpdrive+NAME` app roots in it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from warpdrive.errors import InvalidEnvName, WorkingDirectoryGone

ENV_PREFIX = "warpdrive+"
# The record that binds an environment to its source directory.
ENV_RECORD = "warpdrive-env.json"
# The record of the last successful build, in the app root.
BUILD_RECORD = "warpdrive-build.json"

# Names end up in paths, prompts and printed shell code: allow only what is inert in all.
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*\Z")


def validate_name(name: str) -> str:
    if not _NAME.match(name) or len(name) > 100:
        raise InvalidEnvName(name)
    return name


def name_for_directory(src: Path) -> str:
    """The default environment name for a source directory: its basename, made valid."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", src.name).lstrip(".-") or "app"
    return name[:100]


def current_directory() -> Path:
    """The process's current directory; an error a person can act on when it was deleted
    (the shell's PWD then still names it)."""
    try:
        return Path.cwd()
    except FileNotFoundError:
        raise WorkingDirectoryGone(os.environ.get("PWD")) from None


def warpdrive_home(environ: os._Environ[str] | dict[str, str] = os.environ) -> Path:
    home = environ.get("WARPDRIVE_HOME")
    return Path(home) if home else Path.home() / ".warpdrive"


def app_root_for(name: str, environ=os.environ) -> Path:
    return warpdrive_home(environ) / (ENV_PREFIX + validate_name(name))


class EnvRecord:
    """What `activate` wrote when it created or bound an environment.

    A plain class rather than a dataclass: `activate` imports this module in every new
    shell, and importing dataclasses alone costs more than the rest of its work."""

    __slots__ = ("app_root", "name", "python", "python_source", "src")

    def __init__(
        self,
        name: str,
        app_root: Path,
        src: Path | None,
        python: str | None,
        python_source: str | None = None,  # why that Python: "--python", ".python-version"
    ):
        self.name, self.app_root, self.src = name, app_root, src
        self.python, self.python_source = python, python_source

    def _fields(self) -> tuple:
        return (self.name, self.app_root, self.src, self.python, self.python_source)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EnvRecord) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return "EnvRecord" + repr(self._fields())

    @property
    def python_path(self) -> Path:
        return self.app_root / "bin" / "python"

    @property
    def exists(self) -> bool:
        return self.python_path.exists()


def read_env(app_root: Path) -> EnvRecord:
    name = app_root.name.removeprefix(ENV_PREFIX)
    try:
        data = json.loads((app_root / ENV_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    src = data.get("src")
    return EnvRecord(
        name, app_root, Path(src) if src else None, data.get("python"), data.get("python_source")
    )


def write_env(record: EnvRecord) -> None:
    data = {
        "name": record.name,
        "src": str(record.src),
        "python": record.python,
        "python_source": record.python_source,
    }
    path = record.app_root / ENV_RECORD
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def list_envs(environ=os.environ) -> list[EnvRecord]:
    home = warpdrive_home(environ)
    if not home.is_dir():
        return []
    roots = sorted(p for p in home.iterdir() if p.name.startswith(ENV_PREFIX) and p.is_dir())
    return [read_env(root) for root in roots]
