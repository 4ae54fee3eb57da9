"""The build record: JSON in the app root saying what the last successful build
detected, from which inputs, with which tools, and how long each step took.
`start` and `info` read it instead of introspecting the app again."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from warpdrive.context import Context
from warpdrive.env import registry as paths

RECORD_VERSION = 1
# Settings that change what detection finds.
DETECTION_SETTINGS = (
    "APP_MODULE",
    "APP_FILE",
    "APP_SCRIPT",
    "APP_HOME",
    "WARPDRIVE_APP_HOME",
    "WARPDRIVE_DEPLOY_MODE",
    "WARPDRIVE_PASTE_INI",
    "DJANGO_SETTINGS_MODULE",
    "WARPDRIVE_STATIC_URL",
    "WARPDRIVE_STATIC_ROOT",
)
# Files detection reads, relative to the app home.
DETECTION_FILES = (
    "gunicorn.conf.py",
    "app.sh",
    "app.py",
    "manage.py",
    "paste.ini",
    "wsgi.py",
    "wsgi/__init__.py",
    "setup.py",
    "pyproject.toml",
)
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


def load(app_root: Path) -> dict | None:
    try:
        data = json.loads((app_root / paths.BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("record_version") == RECORD_VERSION else None


def write(app_root: Path, data: dict) -> None:
    path = app_root / paths.BUILD_RECORD
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps({"record_version": RECORD_VERSION, **data}, indent=2) + "\n", encoding="utf-8"
    )
    tmp.replace(path)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_of(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def detection_fingerprint(ctx: Context, settings_module: str | None = None) -> str:
    """Changes whenever what detection would find may have changed."""
    files = {}
    for name in (*DETECTION_FILES, ".warpdrive/environment"):
        base = ctx.src if name.startswith(".warpdrive") else ctx.app_home
        path = base / name
        if path.is_file():
            files[name] = [file_digest(path), os.access(path, os.X_OK)]
    if settings_module:
        package = ctx.app_home.joinpath(*settings_module.split(".")[:-1])
        for path in sorted(package.rglob("*.py")) if package.is_dir() else []:
            files[str(path.relative_to(ctx.app_home))] = [file_digest(path)]
    settings = {name: ctx.environ.get(name) for name in DETECTION_SETTINGS}
    return digest_of(
        {"files": files, "settings": settings, "tool": ctx.tool, "home": str(ctx.app_home)}
    )


def recorded_spec(ctx: Context, data: dict | None = None):
    """The AppSpec of the last build, if nothing detection reads has changed since;
    None otherwise (then detection runs again)."""
    from warpdrive.detect.spec import AppSpec

    data = data if data is not None else load(ctx.app_root)
    if not data or data.get("src") != str(ctx.src):
        return None
    django = data["spec"].get("django") or {}
    if django.get("ok") and not all(key in django for key in NEWER_DJANGO_FACTS):
        return None
    if data.get("detection") != detection_fingerprint(ctx, django.get("settings_module")):
        return None
    return AppSpec.from_json(data["spec"])


def source_fingerprint(root: Path, skip: Path | None = None) -> str:
    """Names, sizes and modification times of the source files: cheap, and changes
    when any file is edited, added or removed. `skip` is a directory the build itself
    writes into (a STATIC_ROOT inside the source)."""
    h = hashlib.sha256()
    skip_path = str(skip) if skip else None
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and os.path.join(dirpath, d) != skip_path
        )
        for name in sorted(filenames):
            if name.endswith(SKIP_SUFFIXES):
                continue
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            h.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()
