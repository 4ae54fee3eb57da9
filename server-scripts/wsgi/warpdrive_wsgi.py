"""WSGI entry point that servers load when the app needs help they lack: static files
(served with WhiteNoise), a Paste Deploy ini (waitress cannot read one), or an app
factory called with literal arguments (which only gunicorn could call itself).

warpdrive sets WARPDRIVE_WSGI_APP ("module:callable", "module:create_app(literals)" or
"paste:/path/to/paste.ini") and WARPDRIVE_STATIC (JSON list of [url prefix, directory]).
This file runs in the app's environment and imports nothing from warpdrive.
"""

import ast
import importlib
import json
import os


def load_app():
    target = os.environ["WARPDRIVE_WSGI_APP"]
    if target.startswith("paste:"):
        from paste.deploy import loadapp

        return loadapp("config:" + target.removeprefix("paste:"))
    module, _, name = target.partition(":")
    module = importlib.import_module(module)
    if "(" not in name:
        return getattr(module, name or "application")
    # The factory is called once, here, with the literal arguments warpdrive validated.
    call = ast.parse(name, mode="eval").body
    args = [ast.literal_eval(a) for a in call.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    return getattr(module, call.func.id)(*args, **kwargs)


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
