"""Kind `python`: an app.py (or APP_FILE) that runs its own server on $PORT."""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import ExplicitAppMissing

KIND = "python"
LOOKS_FOR = ["app.py"]
NEEDS = "app.py (or APP_FILE)"


def detect(ctx: Context) -> AppSpec | None:
    if ctx.setting("APP_MODULE"):
        return None
    explicit = ctx.setting("APP_FILE")
    entry = explicit.value if explicit else "app.py"
    path = ctx.app_home / entry
    if not path.is_file():
        if explicit:
            raise ExplicitAppMissing(explicit.name, explicit.value, path)
        return None
    return AppSpec(KIND, ctx.app_home, entry, detected_by=explicit.source if explicit else "app.py")
