"""Kind `wsgi`: APP_MODULE=module:callable, a wsgi.py (or wsgi/__init__.py) defining
`application`, an app.py or main.py whose `app`/`application` a WSGI framework makes
(Flask(), Bottle(), falcon.App(); detect/appobject.py: the `python` detector has
already taken an app.py that starts its own server), or else the module named like the
setup.py project, as OpenShift's Python builder does."""

from __future__ import annotations

import re

from warpdrive.context import Context
from warpdrive.detect import pyfile
from warpdrive.detect.appobject import app_object
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
    },
    settings=("APP_MODULE", "WARPDRIVE_INTERFACE"),
    names_app=("APP_MODULE",),
)
NEEDS = "wsgi.py defining application (or APP_MODULE)"

_MODULE = re.compile(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*\Z")


def split_app_module(name: str, value: str) -> tuple[str, str]:
    """`pkg.mod:callable` (callable defaults to `application`), validated."""
    module, _, func = value.partition(":")
    func = func or "application"
    if not _MODULE.match(module) or not _MODULE.match(func):
        raise BadSetting(name, value, "module:callable, e.g. myproject.wsgi:application")
    return module, func


def detect(ctx: Context) -> AppSpec | None:
    explicit = ctx.setting("APP_MODULE")
    if explicit:
        module, func = split_app_module(explicit.name, explicit.value)
        return AppSpec(
            KIND,
            ctx.app_home,
            f"{module}:{func}",
            module,
            func,
            explicit.source,
        )
    for entry in ("wsgi.py", "wsgi/__init__.py"):
        path = ctx.app_home / entry
        tree = pyfile.parse(path) if path.is_file() else None
        if tree is not None and "application" in pyfile.top_level_names(tree):
            return AppSpec(KIND, ctx.app_home, "wsgi:application", "wsgi", "application", entry)
    for entry in ("app.py", "main.py"):
        path = ctx.app_home / entry
        tree = pyfile.parse(path) if path.is_file() else None
        found = app_object(tree) if tree is not None else None
        if found is not None and found.interface == "wsgi":
            module = entry.removesuffix(".py")
            return AppSpec(
                KIND,
                ctx.app_home,
                f"{module}:{found.name}",
                module,
                found.name,
                found.describe(entry),
            )
    setup_py = ctx.app_home / "setup.py"
    tree = pyfile.parse(setup_py) if setup_py.is_file() else None
    name = pyfile.setup_py_name(tree) if tree is not None else None
    if name:
        module = re.sub(r"[^\w.]", "_", name)
        return AppSpec(
            KIND,
            ctx.app_home,
            f"{module}:application",
            module,
            "application",
            f"setup.py project name {name!r}",
        )
    return None
