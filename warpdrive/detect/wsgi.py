"""Kind `wsgi`: APP_MODULE=module:callable (or an app factory, module:create_app(...)
with literal arguments), a wsgi.py (or wsgi/__init__.py) defining `application`, an
app.py or main.py whose `app`/`application` a WSGI framework makes (Flask(), Bottle(),
falcon.App(); detect/appobject.py: the `python` detector has already taken an app.py
that starts its own server), or else the module named like the setup.py project (its
literal `name=`, or setup.cfg's `[metadata] name` beside it, as `setup.py --name` gives
it to OpenShift's Python builder) or the pyproject.toml [project]."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from warpdrive.context import Context, pyproject
from warpdrive.detect import pyfile
from warpdrive.detect.appobject import first_app_in
from warpdrive.detect.spec import AppSpec, Reads
from warpdrive.errors import BadSetting

KIND = "wsgi"
READS = Reads(
    files={
        "wsgi.py": "defining application",
        "wsgi/__init__.py": "defining application",
        "app.py": "with an app a WSGI framework makes",
        "main.py": "with an app a WSGI framework makes",
        "setup.py": "its project name",
        "setup.cfg": "its project name",
        "pyproject.toml": "its project name",
    },
    settings=("APP_MODULE", "WARPDRIVE_INTERFACE"),
    names_app=("APP_MODULE",),
)
NEEDS = "wsgi.py defining application (or APP_MODULE)"

_MODULE = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*\Z")


EXPECTED = (
    "module:callable, e.g. myproject.wsgi:application, or an app factory called with "
    "literal arguments, e.g. myproject:create_app() or myproject:create_app('production')"
)


def split_app_module(name: str, value: str) -> tuple[str, str, str | None]:
    """`pkg.mod:callable` (callable defaults to `application`), or `pkg.mod:factory(args)`
    whose arguments are Python literals (as gunicorn reads them): the module, the
    callable, and the factory's arguments as text (None when it is no factory)."""
    module, _, func = value.partition(":")
    func = func.strip() or "application"
    if not _MODULE.match(module):
        raise BadSetting(name, value, EXPECTED)
    if "(" not in func:
        if not _MODULE.match(func):
            raise BadSetting(name, value, EXPECTED)
        return module, func, None
    factory, args = factory_call(func)
    if factory is None:
        raise BadSetting(name, value, EXPECTED)
    return module, factory, args


def factory_call(text: str) -> tuple[str | None, str]:
    """`name(literal, key=literal)` -> (name, the arguments as canonical text);
    (None, "") for anything else: an attribute, a nested call, *args, a variable."""
    try:
        call = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None, ""
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return None, ""
    values = [*call.args, *(k.value for k in call.keywords)]
    if any(k.arg is None for k in call.keywords) or not all(map(is_literal, values)):
        return None, ""
    args = [ast.unparse(a) for a in call.args]
    args += [f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords]
    return call.func.id, ", ".join(args)


def is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def detect(ctx: Context) -> AppSpec | None:
    explicit = ctx.setting("APP_MODULE")
    if explicit:
        module, func, args = split_app_module(explicit.name, explicit.value)
        spec = AppSpec(KIND, ctx.app_home, "", module, func, explicit.source, factory_args=args)
        spec.entry = spec.target
        return spec
    for entry in ("wsgi.py", "wsgi/__init__.py"):
        path = ctx.app_home / entry
        tree = pyfile.parse(path) if path.is_file() else None
        if tree is not None and "application" in pyfile.top_level_names(tree):
            return AppSpec(KIND, ctx.app_home, "wsgi:application", "wsgi", "application", entry)
    first = first_app_in(ctx.app_home, ("app.py", "main.py"), "wsgi")
    if first is not None:
        entry, found = first
        module = entry.removesuffix(".py")
        return AppSpec(
            KIND, ctx.app_home, f"{module}:{found.name}", module, found.name, found.describe(entry)
        )
    named = setup_py_name(ctx.app_home / "setup.py") or pyproject_name(ctx.app_home)
    if named:
        name, rule = named
        module = re.sub(r"[^\w.]", "_", name)
        return AppSpec(KIND, ctx.app_home, f"{module}:application", module, "application", rule)
    return None


def setup_py_name(path: Path) -> tuple[str, str] | None:
    """The project name of a setup.py: its literal `name=`, else the `[metadata] name`
    of the setup.cfg beside it (a setup.py that only calls setup())."""
    tree = pyfile.parse(path) if path.is_file() else None
    name = pyfile.setup_py_name(tree) if tree is not None else None
    if name:
        return name, f"setup.py project name {name!r}"
    name = setup_cfg_name(path.parent / "setup.cfg") if tree is not None else None
    return (name, f"setup.cfg project name {name!r}") if name else None


def setup_cfg_name(path: Path) -> str | None:
    import configparser  # here: only an app with a setup.cfg needs it

    config = configparser.ConfigParser(interpolation=None)
    try:
        config.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    return config.get("metadata", "name", fallback="").strip() or None


def pyproject_name(home: Path) -> tuple[str, str] | None:
    """The `[project] name` of pyproject.toml (PEP 621)."""
    project = (pyproject(home) or {}).get("project")
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str) or not name:
        return None
    return name, f"pyproject.toml project name {name!r}"
