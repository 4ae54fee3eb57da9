"""ASGI entry point that uvicorn, gunicorn's ASGI worker and granian load when an ASGI
app has static files (served with ServeStatic, WhiteNoise's fork that serves ASGI apps,
in front of the app) or is an app factory called with literal arguments (uvicorn's
--factory calls one without arguments only).

warpdrive sets WARPDRIVE_ASGI_APP ("module:attribute" or "module:create_app(literals)")
and WARPDRIVE_STATIC (JSON list of [url prefix, directory]). This file runs in the app's
environment and imports nothing from warpdrive; warpdrive_app.py beside it (on
PYTHONPATH too) loads the app.
"""

import os

from warpdrive_app import load, with_static


def load_app():
    return load(os.environ["WARPDRIVE_ASGI_APP"])


def static_middleware(app):
    # Imported only when there are static files to serve.
    from servestatic import ServeStaticASGI

    return ServeStaticASGI(app)


application = with_static(load_app(), static_middleware)
