"""Kind `wsgi`: APP_MODULE=module:callable, a wsgi.py (or wsgi/__init__.py) defining
`application`, or else the module named like the setup.py project (as OpenShift's
Python builder does) or the pyproject.toml [project]."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from warpdrive.context import Context
from warpdrive.detect import pyfile
from warpdrive.detect.spec import AppSpec, Reads
from warpdrive.errors import BadSetting

KIND = "wsgi"
READS = Reads(
    files={
        "wsgi.py": "defining application",
        "wsgi/__init__.py": "defining application",
        "setup.py": "its project name",
        "pyproject.toml": "its project name",
    },
    settings=("APP_MODULE",),
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
        return AppSpec(KIND, ctx.app_home, f"{module}:{func}", module, func, explicit.source)
    for entry in ("wsgi.py", "wsgi/__init__.py"):
        path = ctx.app_home / entry
        tree = pyfile.parse(path) if path.is_file() else None
        if tree is not None and "application" in pyfile.top_level_names(tree):
            return AppSpec(KIND, ctx.app_home, "wsgi:application", "wsgi", "application", entry)
    named = setup_py_name(ctx.app_home / "setup.py") or pyproject_name(ctx.app_home)
    if named:
        name, rule = named
        module = re.sub(r"[^\w.]", "_", name)
        return AppSpec(KIND, ctx.app_home, f"{module}:application", module, "application", rule)
    return None


def setup_py_name(path: Path) -> tuple[str, str] | None:
    tree = pyfile.parse(path) if path.is_file() else None
    name = pyfile.setup_py_name(tree) if tree is not None else None
    return (name, f"setup.py project name {name!r}") if name else None


def pyproject_name(home: Path) -> tuple[str, str] | None:
    """The `[project] name` of pyproject.toml (PEP 621)."""
    try:
        with (home / "pyproject.toml").open("rb") as fh:
            project = tomllib.load(fh).get("project")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str) or not name:
        return None
    return name, f"pyproject.toml project name {name!r}"
