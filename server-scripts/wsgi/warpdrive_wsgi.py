"""WSGI entry point that servers load when the app needs help they lack: static files
(served with WhiteNoise), a Paste Deploy ini (waitress cannot read one), or an app
factory called with literal arguments (which only gunicorn could call itself).

warpdrive sets WARPDRIVE_WSGI_APP ("module:callable", "module:create_app(literals)" or
"paste:/path/to/paste.ini") and WARPDRIVE_STATIC (JSON list of [url prefix, directory]).
This file runs in the app's environment and imports nothing from warpdrive; warpdrive_app.py
beside it loads the app.
"""

import os
import sys

# mod_wsgi loads this file by its path: its directory (for warpdrive_app) may not be on
# sys.path, as it is for the servers that import it through PYTHONPATH.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from warpdrive_app import load, with_static


def load_app():
    target = os.environ["WARPDRIVE_WSGI_APP"]
    if target.startswith("paste:"):
        from paste.deploy import loadapp

        return loadapp("config:" + target.removeprefix("paste:"))
    return load(target)


def static_middleware(app):
    # Imported only when there are static files to serve.
    from whitenoise import WhiteNoise

    return WhiteNoise(app)


application = with_static(load_app(), static_middleware)
