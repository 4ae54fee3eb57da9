"""WSGI entry point that servers load when the app needs help they lack: static files
(served with WhiteNoise), a Paste Deploy ini (waitress cannot read one), or an app
factory called with literal arguments (which only gunicorn could call itself).

warpdrive sets WARPDRIVE_WSGI_APP ("module:callable", "module:create_app(literals)" or
"paste:/path/to/paste.ini") and WARPDRIVE_STATIC (JSON list of [url prefix, directory]).
This file runs in the app's environment and imports nothing from warpdrive; warpdrive_app.py
beside it loads the app.
"""

import json
import os
import sys

# mod_wsgi loads this file by its path: its directory (for warpdrive_app) may not be on
# sys.path, as it is for the servers that import it through PYTHONPATH.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from warpdrive_app import load


def load_app():
    target = os.environ["WARPDRIVE_WSGI_APP"]
    if target.startswith("paste:"):
        from paste.deploy import loadapp

        return loadapp("config:" + target.removeprefix("paste:"))
    return load(target)


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
