"""gunicorn: the launcher execs it from the app's environment; static files are
served by WhiteNoise around the app (ServeStatic around an ASGI app). ASGI apps run in
gunicorn's own ASGI worker (`--worker-class asgi`: an event loop per process, no threads),
on uvloop, which the worker takes when it is installed.
It also runs apps that bring a gunicorn.conf.py, and honours the OpenShift builder's
gunicorn settings."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from warpdrive.context import Context
from warpdrive.detect import pyfile
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import ExplicitAppMissing
from warpdrive.serve.servers.base import (
    GRACEFUL_SECONDS,
    SERVESTATIC,
    UVLOOP,
    WHITENOISE,
    Launch,
    Server,
    wrapper,
)

CONFIG_KIND = "gunicorn-config"


def own_settings(ctx: Context) -> list[str]:
    """The OpenShift builder's gunicorn settings that are set: APP_CONFIG (a gunicorn
    config file), GUNICORN_CMD_ARGS (read by gunicorn itself), and a gunicorn.conf.py in
    the app's home (gunicorn reads it from its working directory by itself)."""
    found = [name for name in ("APP_CONFIG", "GUNICORN_CMD_ARGS") if ctx.environ.get(name)]
    return found + (["gunicorn.conf.py"] if (ctx.app_home / "gunicorn.conf.py").is_file() else [])


def resolve_app_config(ctx: Context, spec: AppSpec) -> Path:
    """APP_CONFIG, relative to the app's home, which must exist."""
    value = ctx.environ["APP_CONFIG"]
    path = spec.app_home / value
    if not path.is_file():
        raise ExplicitAppMissing("APP_CONFIG", value, path)
    return path


def _bind_port(value: ast.expr | None) -> int | None:
    """The port of a config's literal `bind` ("host:port", or the first of a list)."""
    if isinstance(value, ast.List | ast.Tuple) and value.elts:
        value = value.elts[0]
    if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
        return None
    port = value.value.rpartition(":")[2]
    if value.value.startswith(("unix:", "fd://")) or not port.isdigit():
        return None
    return int(port)


def sets_bind(path: Path) -> tuple[bool, int | None]:
    """Whether a gunicorn config file sets `bind` at module level, read from its source
    (never run), and the port of its last such assignment when that is a literal."""
    tree = pyfile.parse(path)
    found, port = False, None
    for node in tree.body if tree is not None else []:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "bind" for t in node.targets
        ):
            found, port = True, _bind_port(node.value)
        elif (
            isinstance(node, ast.AnnAssign | ast.AugAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "bind"
        ):
            found, port = True, _bind_port(node.value if isinstance(node, ast.AnnAssign) else None)
    return found, port


class Gunicorn(Server):
    name = "gunicorn"
    rank = 1
    # uvloop for ASGI apps: on asyncio's own loop the ASGI worker served about 30% fewer
    # requests/s (a hello-world app, 2 processes on 2 CPUs).
    requirements = ("gunicorn==27.0.1", WHITENOISE, SERVESTATIC, UVLOOP)
    executable = "gunicorn"
    interfaces = ("wsgi", "asgi")
    own_kinds = (CONFIG_KIND,)
    package_roles: ClassVar[Mapping[str, str]] = {
        **Server.package_roles,
        "uvloop": "the event loop of its ASGI worker",
    }

    def wraps(self, spec: AppSpec) -> bool:
        return (bool(spec.static) and spec.kind != CONFIG_KIND) or super().wraps(spec)

    def needed_packages(self, spec: AppSpec) -> list[str]:
        """uvloop only for an ASGI app: a WSGI app runs in threads, not an event loop."""
        names = super().needed_packages(spec)
        return names if spec.interface == "asgi" else [n for n in names if n != "uvloop"]

    def arguments(self, launch: Launch) -> list[str]:
        ctx, spec, port, size = launch.ctx, launch.spec, launch.port, launch.sized
        # gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl, shared by every
        # app of the user (and unwritable for an arbitrary UID): give each app its own.
        control = ["--control-socket", str(ctx.app_root / "tmp" / f"gunicorn-{port}.ctl")]
        if spec.kind == CONFIG_KIND:
            return ["--config", str(spec.entry_path), *control]
        sizing_args = ["--workers", str(size.processes), "--threads", str(size.threads)]
        if spec.interface == "asgi":
            sizing_args = ["--workers", str(size.processes), "--worker-class", "asgi"]
        config = []
        if own_settings(ctx):
            # The app's own gunicorn settings rule: options on the command line would beat
            # both the config file and GUNICORN_CMD_ARGS, so warpdrive names only the
            # address and the app; the worker count comes through WEB_CONCURRENCY, which
            # gunicorn reads as its default (see environment()).
            sizing_args = []
            if ctx.environ.get("APP_CONFIG"):
                config = ["--config", str(resolve_app_config(ctx, spec))]
        # An APP_CONFIG that sets bind keeps it, unless a port was asked for.
        bind = ["--bind", f"0.0.0.0:{port}"] if launch.bind else []
        args = [
            *control,
            *config,
            *bind,
            *sizing_args,
            "--graceful-timeout",
            str(GRACEFUL_SECONDS),
            "--chdir",
            str(spec.app_home),
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
        ]
        if self.wraps(spec):
            return [*args, wrapper(spec)]
        if spec.kind == "paste":
            return [*args, "--paste", str(spec.entry_path)]
        return [*args, f"{spec.module}:{spec.callable}"]

    def environment(self, launch: Launch) -> dict[str, str]:
        if own_settings(launch.ctx):
            return {"WEB_CONCURRENCY": str(launch.sized.processes)}
        return {}

    def config_bind(self, ctx: Context, spec: AppSpec) -> tuple[str, int | None] | None:
        if spec.kind == CONFIG_KIND:
            path, name = spec.entry_path, spec.entry_path.name
        elif ctx.environ.get("APP_CONFIG"):
            path, name = resolve_app_config(ctx, spec), ctx.environ["APP_CONFIG"]
        else:
            return None
        found, port = sets_bind(path)
        return (name, port) if found else None

    def check_build(self, ctx: Context, spec: AppSpec) -> None:
        if ctx.environ.get("APP_CONFIG"):
            resolve_app_config(ctx, spec)  # a missing config file fails the build, not start


SERVER = Gunicorn()
