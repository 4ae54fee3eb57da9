"""Where environments live and what binds them: names, the `warpdrive+NAME` app roots
under WARPDRIVE_HOME, and the record each holds; list, find and destroy."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from warpdrive.errors import (
    EnvIsActive,
    EnvNotFound,
    InvalidEnvName,
    NoActiveEnv,
    WorkingDirectoryGone,
)

# Types for mypy only: the quick activate path imports this module in every new shell,
# and `typing` would be most of what it imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

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


def warpdrive_home(environ: Mapping[str, str] = os.environ) -> Path:
    home = environ.get("WARPDRIVE_HOME")
    return Path(home) if home else Path.home() / ".warpdrive"


def app_root_for(name: str, environ: Mapping[str, str] = os.environ) -> Path:
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

    def _fields(self) -> tuple[str, Path, Path | None, str | None, str | None]:
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

    def to_json(self) -> dict[str, str | None]:
        """What the record file holds; the app root is where it is, not in it."""
        return {
            "name": self.name,
            "src": None if self.src is None else str(self.src),
            "python": self.python,
            "python_source": self.python_source,
        }

    @classmethod
    def from_json(cls, app_root: Path, data: Mapping[str, Any]) -> EnvRecord:
        """The name comes from the app root's: a copied record names another."""
        src = data.get("src")
        return cls(
            app_root.name.removeprefix(ENV_PREFIX),
            app_root,
            Path(src) if src else None,
            data.get("python"),
            data.get("python_source"),
        )


def read_record(app_root: Path) -> EnvRecord:
    """The record in `app_root`; one with no source or Python when it is missing or
    unreadable (`exists` then says whether there is an environment at all)."""
    try:
        data = json.loads((app_root / ENV_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    return EnvRecord.from_json(app_root, data)


def write_record(record: EnvRecord) -> None:
    path = record.app_root / ENV_RECORD
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record.to_json(), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def list_environments(environ: Mapping[str, str] = os.environ) -> list[EnvRecord]:
    home = warpdrive_home(environ)
    if not home.is_dir():
        return []
    roots = sorted(p for p in home.iterdir() if p.name.startswith(ENV_PREFIX) and p.is_dir())
    return [read_record(root) for root in roots]


def active_name(environ: Mapping[str, str] = os.environ) -> str | None:
    return environ.get("WARPDRIVE_ENV_NAME") or None


def find(name: str | None, environ: Mapping[str, str] = os.environ) -> EnvRecord:
    """The named environment, else the active one."""
    name = name or active_name(environ)
    if not name:
        raise NoActiveEnv()
    record = read_record(app_root_for(name, environ))
    if not record.exists:
        raise EnvNotFound(name, warpdrive_home(environ))
    return record


def destroy(name: str, environ: Mapping[str, str] = os.environ) -> Path:
    """Delete the environment `name`, never the active one; its app root."""
    import shutil  # here: the quick activate path imports this module, never destroys

    validate_name(name)
    record = read_record(app_root_for(name, environ))
    if not record.app_root.is_dir():
        raise EnvNotFound(name, warpdrive_home(environ))
    active_root = environ.get("VIRTUAL_ENV")
    if active_name(environ) == name or (
        active_root and Path(active_root).absolute() == record.app_root.absolute()
    ):
        raise EnvIsActive(name)
    shutil.rmtree(record.app_root)
    return record.app_root
