"""Which framework makes a module's app object, and whether the module starts a server
of its own: read from the source with `ast`, never by importing it.

An app object is a module-level `app` or `application` assigned the result of a known
framework's constructor (`app = FastAPI()`, `app = fastapi.FastAPI()`, `application =
get_asgi_application()`), or another module-level name holding one (`application = app`).
An app factory is a module-level function that returns one: `def create_app(...):` whose
body returns a framework's constructor call (`return Starlette(...)`) or a name assigned
one in the function (`app = FastAPI()` ... `return app`).

A module starts its own server when a call to one of SERVER_CALLS (`app.run(...)`,
`uvicorn.run(...)`, `serve(...)`, `make_server(...)`, ...) is a statement at module
level or inside a module-level statement (an `if __name__ == "__main__":` block), or in
a module-level function called there (`def main(): uvicorn.run(app)` ... `main()`).
Calls inside other functions (a view calling `subprocess.run`) do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
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
    factory: bool = False  # a function that returns the app, not the app

    def describe(self, file: str) -> str:
        maker = self.maker.rsplit(".", 1)[-1]
        if self.factory:
            return f"{file}: {self.name}() returns {maker}()"
        return f"{file}: {self.name} = {maker}()"


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


def _own_nodes(statements: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of a function's body, not descending into the functions, lambdas and
    classes it defines (a route handler's `return` is not the factory's)."""
    stack: list[ast.AST] = list(reversed(statements))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(reversed(list(ast.iter_child_nodes(node))))


def factory_object(tree: ast.Module, name: str) -> AppObject | None:
    """The app a module-level function `name` returns, when a known framework makes it:
    `return FastAPI()`, or `app = FastAPI()` ... `return app` (imports in the module or
    in the function)."""
    function = next(
        (s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == name), None
    )
    if function is None:
        return None
    nodes = list(_own_nodes(function.body))
    local: list[ast.stmt] = [n for n in nodes if isinstance(n, ast.Import | ast.ImportFrom)]
    imports = {**imported_names(tree), **imported_names(ast.Module(local, []))}
    made: dict[str, str] = {}  # local name -> maker

    def maker_of(expr: ast.expr | None) -> str | None:
        if isinstance(expr, ast.Name):
            return made.get(expr.id)
        maker = qualified(expr.func, imports) if isinstance(expr, ast.Call) else None
        return maker if maker in FRAMEWORKS else None

    for node in nodes:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            maker = maker_of(node.value)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and maker is not None:
                    made[target.id] = maker
        elif isinstance(node, ast.Return) and (maker := maker_of(node.value)) is not None:
            return AppObject(name, maker, FRAMEWORKS[maker], factory=True)
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
