"""ASGI entry point that uvicorn, gunicorn's ASGI worker and granian load when an ASGI
app has static files (served with ServeStatic, WhiteNoise's fork that serves ASGI apps,
in front of the app) or is an app factory called with literal arguments (uvicorn's
--factory calls one without arguments only).

warpdrive sets WARPDRIVE_ASGI_APP ("module:attribute" or "module:create_app(literals)")
and WARPDRIVE_STATIC (JSON list of [url prefix, directory]). This file runs in the app's
environment and imports nothing from warpdrive; warpdrive_app.py beside it (on
PYTHONPATH too) loads the app.
"""

import json
import os

from warpdrive_app import load


def load_app():
    return load(os.environ["WARPDRIVE_ASGI_APP"])


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
