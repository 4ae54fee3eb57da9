"""The entry file of a kind that an explicit setting may name (APP_SCRIPT, APP_FILE,
WARPDRIVE_PASTE_INI), shared by those detectors; and the WARPDRIVE_INTERFACE setting."""

from __future__ import annotations

from pathlib import Path

from warpdrive.context import Context, Setting
from warpdrive.errors import BadSetting, ExplicitAppMissing


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


# The interfaces an app object speaks: WSGI (a callable of environ and start_response)
# or ASGI (a coroutine function of scope, receive and send).
INTERFACES = ("wsgi", "asgi")


def interface_setting(ctx: Context) -> Setting | None:
    """WARPDRIVE_INTERFACE (`interface` in [tool.warpdrive]): `wsgi` or `asgi`, what the
    app's entry point is called as when the source does not say (a Django project, an
    APP_MODULE app); None when not set."""
    setting = ctx.setting("WARPDRIVE_INTERFACE", key="interface")
    if setting is not None and setting.value not in INTERFACES:
        raise BadSetting(setting.name, setting.value, "wsgi or asgi")
    return setting
