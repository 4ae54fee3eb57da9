"""Kind `shell`: an executable app.sh (or APP_SCRIPT) that execs its own server."""

from __future__ import annotations

import os

from warpdrive import output
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import ExplicitAppMissing

KIND = "shell"
LOOKS_FOR = ["app.sh (executable)"]
NEEDS = "executable app.sh (or APP_SCRIPT)"


def detect(ctx: Context) -> AppSpec | None:
    if ctx.setting("APP_MODULE"):
        return None
    explicit = ctx.setting("APP_SCRIPT")
    entry = explicit.value if explicit else "app.sh"
    path = ctx.app_home / entry
    if not path.is_file():
        if explicit:
            raise ExplicitAppMissing(explicit.name, explicit.value, path)
        return None
    if not os.access(path, os.X_OK):
        output.warn(f"{path} is not executable, so it is not used; run: chmod +x {path}")
        return None
    rule = explicit.source if explicit else "executable app.sh"
    return AppSpec(KIND, ctx.app_home, entry, detected_by=rule)
