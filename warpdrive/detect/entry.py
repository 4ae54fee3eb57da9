"""The entry file of a kind that an explicit setting may name (APP_SCRIPT, APP_FILE,
WARPDRIVE_PASTE_INI): shared by those detectors."""

from __future__ import annotations

from pathlib import Path

from warpdrive.context import Context
from warpdrive.errors import ExplicitAppMissing


def entry_file(
    ctx: Context, default: str, *names: str, key: str | None = None
) -> tuple[str, Path, str] | None:
    """(entry, path, rule) of the kind's file, None when it is not there. A file named
    by a setting must exist; APP_MODULE set means none of these kinds apply."""
    if ctx.setting("APP_MODULE"):
        return None
    explicit = ctx.setting(*names, key=key)
    entry = explicit.value if explicit else default
    path = ctx.app_home / entry
    if not path.is_file():
        if explicit:
            raise ExplicitAppMissing(explicit.name, explicit.value, path)
        return None
    return entry, path, explicit.source if explicit else default
