"""WSGI entry point that gunicorn and waitress load when the app needs help they lack:
static files (served with WhiteNoise) or a Paste Deploy ini (waitress cannot read one).

warpdrive sets WARPDRIVE_WSGI_APP ("module:callable" or "paste:/path/to/paste.ini")
and WARPDRIVE_STATIC (JSON list of [url prefix, directory]). This file runs in the
app's environment and imports nothing from warpdrive.
"""

import importlib
import json
import os


def load_app():
    target = os.environ["WARPDRIVE_WSGI_APP"]
    if target.startswith("paste:"):
        from paste.deploy import loadapp

        return loadapp("config:" + target.removeprefix("paste:"))
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name or "application")


def with_static(app):
    mounts = json.loads(os.environ.get("WARPDRIVE_STATIC") or "[]")
    if not mounts:
        return app
    from whitenoise import WhiteNoise

    app = WhiteNoise(app)
    for url, directory in mounts:
        app.add_files(directory, prefix=url)
    return app


application = with_static(load_app())
