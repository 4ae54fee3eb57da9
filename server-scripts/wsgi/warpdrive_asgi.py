"""ASGI entry point that uvicorn, gunicorn's ASGI worker and granian load when an ASGI
app has static files: they are served with ServeStatic (WhiteNoise's fork that serves
ASGI apps) in front of the app.

warpdrive sets WARPDRIVE_ASGI_APP ("module:attribute") and WARPDRIVE_STATIC (JSON list
of [url prefix, directory]). This file runs in the app's environment and imports
nothing from warpdrive.
"""

import importlib
import json
import os


def load_app():
    module, _, name = os.environ["WARPDRIVE_ASGI_APP"].partition(":")
    return getattr(importlib.import_module(module), name or "application")


def with_static(app):
    mounts = json.loads(os.environ.get("WARPDRIVE_STATIC") or "[]")
    if not mounts:
        return app
    from servestatic import ServeStaticASGI

    app = ServeStaticASGI(app)
    for url, directory in mounts:
        app.add_files(directory, prefix=url)
    return app


application = with_static(load_app())
