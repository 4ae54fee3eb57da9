"""Loading the app the wrappers (warpdrive_wsgi.py, warpdrive_asgi.py) serve, from what
warpdrive names it: "module:attribute", or an app factory "module:create_app(literals)",
called here once with the literal arguments warpdrive validated (as gunicorn reads them).

This file runs in the app's environment and imports nothing from warpdrive.
"""

import ast
import importlib


def load(target):
    module, _, name = target.partition(":")
    module = importlib.import_module(module)
    if "(" not in name:
        return getattr(module, name or "application")
    call = ast.parse(name.strip(), mode="eval").body
    args = [ast.literal_eval(a) for a in call.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    return getattr(module, call.func.id)(*args, **kwargs)
