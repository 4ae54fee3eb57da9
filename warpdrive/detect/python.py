"""Kind `python`: an app.py (or APP_FILE) that runs its own server on $PORT."""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.detect.entry import entry_file
from warpdrive.detect.spec import AppSpec, Reads

KIND = "python"
READS = Reads(files={"app.py": ""}, settings=("APP_FILE", "APP_MODULE"))
NEEDS = "app.py (or APP_FILE)"


def detect(ctx: Context) -> AppSpec | None:
    found = entry_file(ctx, "app.py", "APP_FILE")
    if found is None:
        return None
    entry, _, rule = found
    return AppSpec(KIND, ctx.app_home, entry, detected_by=rule)
