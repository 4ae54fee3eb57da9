"""Kind `asgi`: a main.py, app.py or asgi.py whose module-level `app` or `application`
an ASGI framework makes (FastAPI(), Starlette(), Quart(), Litestar(),
get_asgi_application(), ...), read from the source (detect/appobject.py), never
imported; or the module APP_MODULE names, when its source shows an ASGI app (or an app
factory returning one, module:create_app(literals)) or WARPDRIVE_INTERFACE=asgi says so."""

from __future__ import annotations

import ast
from pathlib import Path

from warpdrive.context import Context
from warpdrive.detect import pyfile
from warpdrive.detect.appobject import (
    APP_NAMES,
    AppObject,
    app_object,
    factory_object,
    first_app_in,
)
from warpdrive.detect.entry import interface_setting
from warpdrive.detect.spec import AppSpec, Reads
from warpdrive.detect.wsgi import factory_call

KIND = "asgi"
FILES = ("main.py", "app.py", "asgi.py")
READS = Reads(
    files=dict.fromkeys(FILES, "with an app an ASGI framework makes"),
    settings=("APP_MODULE", "WARPDRIVE_INTERFACE"),
)
NEEDS = "main.py, app.py or asgi.py with an ASGI app (or APP_MODULE and WARPDRIVE_INTERFACE=asgi)"


def module_tree(app_home: Path, module: str) -> ast.Module | None:
    """The parsed source of a module of the app home, None if it is not there."""
    base = app_home.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return pyfile.parse(path)
    return None


def from_app_module(ctx: Context, value: str, source: str) -> AppSpec | None:
    module, _, attr = value.partition(":")
    interface = interface_setting(ctx)
    if interface is not None and interface.value != KIND:
        return None
    args: str | None = None
    if "(" in attr:
        # An app factory called with literal arguments: module:create_app("prod").
        factory, args = factory_call(attr.strip())
        if factory is None:
            return None  # the wsgi detector says what is wrong with it
        attr = factory
    if not all(part.isidentifier() for part in module.split(".")):
        return None  # the wsgi detector says what is wrong with it
    tree = module_tree(ctx.app_home, module)
    found: AppObject | None = None
    if tree is not None and (not attr or attr.isidentifier()):
        if args is None:
            found = app_object(tree, (attr,) if attr else APP_NAMES)
        if attr and found is None:
            # A factory named without its call is found too: the build's entry-point
            # check then says to add the call.
            found = factory_object(tree, attr)
    if found is not None and found.interface == KIND:
        attr = found.name
        why = f"{source}, {found.describe(module.replace('.', '/') + '.py')}"
    elif interface is not None:
        attr = attr or "application"
        why = f"{source}, {interface.source}=asgi"
    else:
        return None
    spec = AppSpec(KIND, ctx.app_home, "", module, attr, why, interface=KIND, factory_args=args)
    spec.entry = spec.target
    return spec


def detect(ctx: Context) -> AppSpec | None:
    explicit = ctx.setting("APP_MODULE")
    if explicit:
        return from_app_module(ctx, explicit.value, explicit.source)
    interface = interface_setting(ctx)
    if interface is not None and interface.value != KIND:
        return None
    first = first_app_in(ctx.app_home, FILES, KIND)
    if first is not None:
        file, found = first
        module = file.removesuffix(".py")
        return AppSpec(
            KIND,
            ctx.app_home,
            f"{module}:{found.name}",
            module,
            found.name,
            detected_by=found.describe(file),
            interface=KIND,
        )
    return None
