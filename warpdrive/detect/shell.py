"""Kind `shell`: an executable app.sh (or APP_SCRIPT) that execs its own server."""

from __future__ import annotations

import os

from warpdrive import output
from warpdrive.context import Context
from warpdrive.detect.entry import entry_file
from warpdrive.detect.spec import AppSpec, Reads

KIND = "shell"
READS = Reads(files={"app.sh": "executable"}, settings=("APP_SCRIPT", "APP_MODULE"))
NEEDS = "executable app.sh (or APP_SCRIPT)"


def detect(ctx: Context) -> AppSpec | None:
    found = entry_file(ctx, "app.sh", "APP_SCRIPT")
    if found is None:
        return None
    entry, path, rule = found
    if not os.access(path, os.X_OK):
        output.warn(f"{path} is not executable, so it is not used; run: chmod +x {path}")
        return None
    rule = "executable app.sh" if rule == "app.sh" else rule
    return AppSpec(KIND, ctx.app_home, entry, detected_by=rule)
