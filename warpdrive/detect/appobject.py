"""Which framework makes a module's app object, and whether the module starts a server
of its own: read from the source with `ast`, never by importing it.

An app object is a module-level `app` or `application` assigned the result of a known
framework's constructor (`app = FastAPI()`, `app = fastapi.FastAPI()`, `application =
get_asgi_application()`), or another module-level name holding one (`application = app`).

A module starts its own server when a call to one of SERVER_CALLS (`app.run(...)`,
`uvicorn.run(...)`, `serve(...)`, `make_server(...)`, ...) is a statement at module
level or inside a module-level statement (an `if __name__ == "__main__":` block), or in
a module-level function called there (`def main(): uvicorn.run(app)` ... `main()`).
Calls inside other functions (a view calling `subprocess.run`) do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warpdrive.detect import pyfile

# The qualified names of what makes an app object -> its interface.
FRAMEWORKS = {
    "fastapi.FastAPI": "asgi",
    "fastapi.applications.FastAPI": "asgi",
    "starlette.applications.Starlette": "asgi",
    "quart.Quart": "asgi",
    "quart.app.Quart": "asgi",
    "litestar.Litestar": "asgi",
    "litestar.app.Litestar": "asgi",
    "falcon.asgi.App": "asgi",
    "django.core.asgi.get_asgi_application": "asgi",
    "channels.routing.ProtocolTypeRouter": "asgi",
    "flask.Flask": "wsgi",
    "flask.app.Flask": "wsgi",
    "bottle.Bottle": "wsgi",
    "bottle.default_app": "wsgi",
    "falcon.App": "wsgi",
    "falcon.API": "wsgi",
    "falcon.app.App": "wsgi",
    "django.core.wsgi.get_wsgi_application": "wsgi",
}
APP_NAMES = ("app", "application")
# Calls that start a server (by the called function's own name).
SERVER_CALLS = frozenset(
    {"run", "run_app", "run_simple", "serve", "serve_forever", "make_server", "run_server"}
)


@dataclass(frozen=True)
class AppObject:
    name: str  # the module-level name: app or application
    maker: str  # the framework's qualified name, e.g. fastapi.FastAPI
    interface: str  # wsgi or asgi

    def describe(self, file: str) -> str:
        return f"{file}: {self.name} = {self.maker.rsplit('.', 1)[-1]}()"


def imported_names(tree: ast.Module) -> dict[str, str]:
    """Module-level import bindings: local name -> qualified name."""
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    names[a.asname] = a.name
                else:
                    top = a.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                names[a.asname or a.name] = f"{node.module}.{a.name}"
    return names


def qualified(expr: ast.expr, imports: dict[str, str]) -> str | None:
    """`FastAPI` or `fastapi.FastAPI` or `fa.applications.FastAPI` -> its qualified name."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name) or expr.id not in imports:
        return None
    return ".".join([imports[expr.id], *reversed(parts)])


def assignments(tree: ast.Module) -> list[tuple[str, ast.expr]]:
    """(name, value) of every simple module-level assignment, in order."""
    found: list[tuple[str, ast.expr]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            found += [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            found.append((node.target.id, node.value))
    return found


def app_object(tree: ast.Module, names: tuple[str, ...] = APP_NAMES) -> AppObject | None:
    """The first of `names` (in that order) that a known framework makes."""
    imports = imported_names(tree)
    made: dict[str, str] = {}  # module-level name -> maker
    for name, value in assignments(tree):
        if isinstance(value, ast.Call):
            maker = qualified(value.func, imports)
            if maker in FRAMEWORKS:
                made[name] = maker
            else:
                made.pop(name, None)
        elif isinstance(value, ast.Name) and value.id in made:
            made[name] = made[value.id]
        else:
            made.pop(name, None)
    for name in names:
        if name in made:
            return AppObject(name, made[name], FRAMEWORKS[made[name]])
    return None


def first_app_in(
    app_home: Path, files: Iterable[str], interface: str
) -> tuple[str, AppObject] | None:
    """The first of `files` in the app home whose module-level app object speaks
    `interface`, with that object."""
    for file in files:
        path = app_home / file
        tree = pyfile.parse(path) if path.is_file() else None
        found = app_object(tree) if tree is not None else None
        if found is not None and found.interface == interface:
            return file, found
    return None


def _calls(statements: list[ast.stmt]) -> list[ast.Call]:
    return [n for s in statements for n in ast.walk(s) if isinstance(n, ast.Call)]


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def server_call(tree: ast.Module) -> str | None:
    """The source of the first call that starts a server, as the module docstring
    defines it; None when the module starts none."""
    functions = {
        s.name: s for s in tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    top = [s for s in tree.body if not isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
    top = [s for s in top if not isinstance(s, ast.ClassDef)]
    statements = list(top)
    for call in _calls(top):
        name = _called_name(call)
        if isinstance(call.func, ast.Name) and name in functions:
            statements += functions[name].body
    for call in _calls(statements):
        if _called_name(call) in SERVER_CALLS:
            return ast.unparse(call)
    return None
