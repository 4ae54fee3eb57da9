"""The build record: JSON in the app root saying what the last successful build
detected, from which inputs, with which tools, and how long each step took.
`start` and `info` read it instead of introspecting the app again."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from warpdrive import detect
from warpdrive.context import ENV_FILE, Context
from warpdrive.detect.spec import AppSpec
from warpdrive.env import registry

RECORD_VERSION = 1
# Not part of the source's fingerprint: caches, VCS data, and data the app writes.
SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    "node_modules",
    ".venv",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
}
SKIP_SUFFIXES = (".pyc", ".sqlite3", ".sqlite3-journal", ".log")
# Django facts that records of older builds lack: such a record is detected again.
NEWER_DJANGO_FACTS = ("sqlite_databases", "media_root")


@dataclass
class DependencyInputs:
    format: str  # the format's name: requirements.txt, poetry.lock, ...
    files: dict[str, str]  # path (relative to the app home when inside it) -> sha256


@dataclass
class Extras:
    """What OpenShift builder settings add to the environment."""

    upgrade_pip: bool
    tools: list[str]  # requirements installed for the app's own use (pipenv)


@dataclass
class BuildInputs:
    """Everything that decides what gets installed: equal inputs reuse the environment."""

    dependencies: DependencyInputs | None
    python: str  # "path full-version" of the interpreter
    installer: str
    server_package: list[str] | None
    pins: str  # digest of every server's pinned requirements
    extras: Extras

    def to_json(self) -> dict[str, Any]:
        deps = self.dependencies
        return {
            "dependencies": None if deps is None else {"format": deps.format, "files": deps.files},
            "python": self.python,
            "installer": self.installer,
            "server_package": self.server_package,
            "pins": self.pins,
            "extras": {"upgrade_pip": self.extras.upgrade_pip, "tools": self.extras.tools},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BuildInputs:
        deps = data["dependencies"]
        return cls(
            DependencyInputs(deps["format"], dict(deps["files"])) if deps else None,
            data["python"],
            data["installer"],
            data["server_package"],
            data["pins"],
            Extras(data["extras"]["upgrade_pip"], list(data["extras"]["tools"])),
        )

    def changed_since(self, other: BuildInputs) -> list[str]:
        """The names of the inputs that differ from `other`'s, in record order."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


@dataclass
class Tools:
    """The versions that built, for people reading the record."""

    installer: str
    python: str
    server: list[str] | None


@dataclass
class StepTime:
    step: str
    seconds: float


@dataclass
class BuildRecord:
    warpdrive_version: str
    built_at: str  # local time, ISO 8601
    src: str
    app_root: str
    generation: str  # the id of the generation in use
    spec: AppSpec
    server: str | None  # None for apps that run their own server
    server_notes: list[str]  # why `auto` chose this server, repeated at start
    detection: str  # detection_fingerprint
    source: str  # source_fingerprint, for collectstatic
    inputs: BuildInputs
    installed: bool  # False when the build reused the environment
    tools: Tools
    steps: list[StepTime] = field(default_factory=list)
    seconds: float = 0.0
    # What the entry point check passed for (entry.check_key), None when it did not
    # run or only warned: an unchanged build need not import the app again.
    entry_checked: str | None = None
    # Read from a record whose Django facts predate some read now: detect again.
    # Not written: a record written now is current.
    stale_spec: bool = field(default=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "record_version": RECORD_VERSION,
            "warpdrive_version": self.warpdrive_version,
            "built_at": self.built_at,
            "src": self.src,
            "app_root": self.app_root,
            "generation": self.generation,
            "spec": self.spec.to_json(),
            "server": self.server,
            "server_notes": self.server_notes,
            "detection": self.detection,
            "source": self.source,
            "inputs": self.inputs.to_json(),
            "installed": self.installed,
            "tools": {
                "installer": self.tools.installer,
                "python": self.tools.python,
                "server": self.tools.server,
            },
            "steps": [{"step": s.step, "seconds": s.seconds} for s in self.steps],
            "seconds": self.seconds,
            "entry_checked": self.entry_checked,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BuildRecord:
        return cls(
            data["warpdrive_version"],
            data["built_at"],
            data["src"],
            data["app_root"],
            data["generation"],
            AppSpec.from_json(data["spec"]),
            data.get("server"),
            list(data.get("server_notes", [])),
            data["detection"],
            data["source"],
            BuildInputs.from_json(data["inputs"]),
            data["installed"],
            Tools(data["tools"]["installer"], data["tools"]["python"], data["tools"]["server"]),
            [StepTime(s["step"], s["seconds"]) for s in data.get("steps", [])],
            data.get("seconds", 0.0),
            data.get("entry_checked"),
            stale_spec=not _is_current(data),
        )


def _read(app_root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((app_root / registry.BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("record_version") != RECORD_VERSION:
        return None
    return data


def _is_current(data: dict[str, Any]) -> bool:
    """False for a record whose Django facts predate some that are read now."""
    django = data["spec"].get("django") or {}
    return not django.get("ok") or all(key in django for key in NEWER_DJANGO_FACTS)


def load(app_root: Path) -> BuildRecord | None:
    """The last successful build's record; None when there is none, or it is of
    another format (then the next build starts afresh)."""
    data = _read(app_root)
    if data is None:
        return None
    try:
        return BuildRecord.from_json(data)
    except (KeyError, TypeError, ValueError):
        return None


def write(app_root: Path, record: BuildRecord) -> None:
    path = app_root / registry.BUILD_RECORD
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record.to_json(), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_of(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def detection_fingerprint(ctx: Context, spec: AppSpec | None = None) -> str:
    """Changes whenever what detection would find may have changed: the files and
    settings the detectors declare, the files found through `spec` (a Django settings
    package), .warpdrive/environment, [tool.warpdrive] and the app home."""
    files: dict[str, list[object]] = {}
    for glob in detect.declared_files():
        for path in sorted(ctx.app_home.glob(glob)):
            if path.is_file():
                name = str(path.relative_to(ctx.app_home))
                files[name] = [file_digest(path), os.access(path, os.X_OK)]
    env_file = ctx.src / ENV_FILE
    if env_file.is_file():
        files[str(ENV_FILE)] = [file_digest(env_file), os.access(env_file, os.X_OK)]
    for glob in detect.found_files(spec) if spec is not None else []:
        for path in sorted(ctx.app_home.glob(glob)):
            if path.is_file():
                files[str(path.relative_to(ctx.app_home))] = [file_digest(path)]
    settings = {name: ctx.environ.get(name) for name in detect.declared_settings()}
    return digest_of(
        {"files": files, "settings": settings, "tool": ctx.tool, "home": str(ctx.app_home)}
    )


def recorded_spec(ctx: Context, record: BuildRecord | None = None) -> AppSpec | None:
    """The AppSpec of the last build, if nothing detection reads has changed since;
    None otherwise (then detection runs again)."""
    record = record if record is not None else load(ctx.app_root)
    if record is None or record.src != str(ctx.src) or record.stale_spec:
        return None
    if record.detection != detection_fingerprint(ctx, record.spec):
        return None
    return record.spec


def source_fingerprint(
    root: Path, skip: Path | None = None, also_skip: Collection[Path] = ()
) -> str:
    """Names, sizes and modification times of the source files: cheap, and changes
    when any file is edited, added or removed. `skip` is a directory the build itself
    writes into (a STATIC_ROOT inside the source); `also_skip`, more directories or
    files (absolute) that are data, not source."""
    h = hashlib.sha256()
    skipped = {str(path) for path in ([skip] if skip else []) + list(also_skip)}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and os.path.join(dirpath, d) not in skipped
        )
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if name.endswith(SKIP_SUFFIXES) or path in skipped:
                continue
            try:
                st = os.lstat(path)
            except OSError:
                continue
            h.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()
