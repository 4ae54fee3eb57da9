"""Kind `python`: an app.py (or APP_FILE) that runs its own server on $PORT.

An app.py that only defines an app object (FastAPI(), Flask(), ...) and starts no
server of its own (detect/appobject.py) is left to the `asgi` and `wsgi` detectors,
which serve it with a production server; APP_FILE or an explicit `python` mode still
runs it as a script."""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.detect import pyfile
from warpdrive.detect.appobject import app_object, server_call
from warpdrive.detect.entry import entry_file
from warpdrive.detect.spec import AppSpec, Reads

KIND = "python"
READS = Reads(files={"app.py": ""}, settings=("APP_FILE", "APP_MODULE"))
NEEDS = "app.py (or APP_FILE)"


def detect(ctx: Context) -> AppSpec | None:
    found = entry_file(ctx, "app.py", "APP_FILE")
    if found is None:
        return None
    entry, path, rule = found
    mode = ctx.setting("WARPDRIVE_DEPLOY_MODE", key="mode")
    if rule == "app.py" and not (mode and mode.value == KIND):
        tree = pyfile.parse(path)
        if tree is not None:
            own_server = server_call(tree)
            if own_server is None and app_object(tree) is not None:
                return None
            if own_server is not None:
                rule = f"app.py starts its own server: {own_server}"
    return AppSpec(KIND, ctx.app_home, entry, detected_by=rule)
