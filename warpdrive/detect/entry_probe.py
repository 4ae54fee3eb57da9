"""Run by the app's own Python after the build installed its dependencies
(`python -I entry_probe.py APP_HOME TARGET OUT`): import the entry point TARGET
(module:callable or module:factory(literals)) once and write what was found as JSON
to OUT: {"result": ..., "detail": ..., "shape": ...}.

result: "ok", "missing-module" (the app's own module is not there), "missing-attribute",
"not-callable", "factory-needs-call" (a factory named without its call), "factory-failed"
(a factory returned no app), or "import-failed" (anything else the import raised:
often the environment of the build, a database not reachable, so only a warning).
shape: "asgi" when the app object is an ASGI app, "wsgi" otherwise.

This file must import nothing from warpdrive: it runs in the app's environment.
"""

import ast
import importlib
import inspect
import json
import os
import sys


def own_module_missing(exc, module):
    """The missing module is the entry module itself or one of its packages (not a
    module the app imports)."""
    missing = getattr(exc, "name", None)
    return bool(missing) and (module == missing or module.startswith(missing + "."))


def is_asgi(obj):
    """An ASGI 3 app: a coroutine function, or an object whose __call__ is one."""
    if inspect.iscoroutinefunction(obj):
        return True
    call = getattr(type(obj), "__call__", None)  # noqa: B004 - the method, not the object
    return not inspect.isclass(obj) and inspect.iscoroutinefunction(call)


def takes_nothing(obj):
    try:
        inspect.signature(obj).bind()
    except (TypeError, ValueError):
        return False
    return True


def probe(target):
    module_name, _, name = target.partition(":")
    call = ast.parse(name, mode="eval").body if "(" in name else None
    attribute = call.func.id if call is not None else name
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        if own_module_missing(exc, module_name):
            return {"result": "missing-module", "detail": str(exc)}
        return failed(exc)
    except Exception as exc:
        return failed(exc)
    obj = module
    for part in attribute.split("."):
        if not hasattr(obj, part):
            return {"result": "missing-attribute", "detail": f"{module_name} has no {part!r}"}
        obj = getattr(obj, part)
    if not callable(obj):
        return {"result": "not-callable", "detail": f"it is {type(obj).__name__}"}
    if call is not None:
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        try:
            app = obj(*args, **kwargs)
        except Exception as exc:
            return failed(exc)
        if not callable(app):
            detail = f"it returned {type(app).__name__}, not an application"
            return {"result": "factory-failed", "detail": detail}
        return {"result": "ok", "shape": "asgi" if is_asgi(app) else "wsgi"}
    # A WSGI function needs environ and start_response; one that can be called with
    # nothing is a factory if what it returns is callable.
    if inspect.isfunction(obj) and not is_asgi(obj) and takes_nothing(obj):
        try:
            made = obj()
        except Exception:
            made = None
        if callable(made):
            return {"result": "factory-needs-call", "detail": attribute}
    return {"result": "ok", "shape": "asgi" if is_asgi(obj) else "wsgi"}


def failed(exc):
    return {"result": "import-failed", "detail": f"{type(exc).__name__}: {exc}"}


def main():
    app_home, target, out = sys.argv[1:4]
    sys.path.insert(0, app_home)
    os.chdir(app_home)
    try:
        result = probe(target)
    except BaseException as exc:  # SystemExit from an app that exits on import
        result = failed(exc)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(result, fh)


main()
