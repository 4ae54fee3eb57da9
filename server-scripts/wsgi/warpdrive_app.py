"""Loading the app the wrappers (warpdrive_wsgi.py, warpdrive_asgi.py) serve, from what
warpdrive names it: "module:attribute", or an app factory "module:create_app(literals)",
called here once with the literal arguments warpdrive validated (as gunicorn reads them);
and putting the static file server in front of it.

This file runs in the app's environment and imports nothing from warpdrive.
"""

import ast
import importlib
import json
import os


def load(target):
    module, _, name = target.partition(":")
    module = importlib.import_module(module)
    if "(" not in name:
        return getattr(module, name or "application")
    call = ast.parse(name.strip(), mode="eval").body
    args = [ast.literal_eval(a) for a in call.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    return getattr(module, call.func.id)(*args, **kwargs)


def with_static(app, middleware):
    """The app behind `middleware` (WhiteNoise or ServeStaticASGI, whose `add_files` is
    the same) serving each of WARPDRIVE_STATIC's [url prefix, directory] mounts."""
    mounts = json.loads(os.environ.get("WARPDRIVE_STATIC") or "[]")
    if not mounts:
        return app
    app = middleware(app)
    for url, directory in mounts:
        app.add_files(directory, prefix=url)
    return app
