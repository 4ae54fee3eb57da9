"""gunicorn: the launcher execs it from the app's environment; static files are
served by WhiteNoise around the app (ServeStatic around an ASGI app). ASGI apps run in
gunicorn's own ASGI worker (`--worker-class asgi`: an event loop per process, no threads).
It also runs apps that bring a gunicorn.conf.py, and honours the OpenShift builder's
gunicorn settings."""

from __future__ import annotations

from pathlib import Path

from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import ExplicitAppMissing
from warpdrive.serve.servers.base import (
    GRACEFUL_SECONDS,
    SERVESTATIC,
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


class Gunicorn(Server):
    name = "gunicorn"
    rank = 1
    requirements = ("gunicorn==27.0.1", WHITENOISE, SERVESTATIC)
    executable = "gunicorn"
    interfaces = ("wsgi", "asgi")
    own_kinds = (CONFIG_KIND,)

    def wraps(self, spec: AppSpec) -> bool:
        return (bool(spec.static) and spec.kind != CONFIG_KIND) or super().wraps(spec)

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
        args = [
            *control,
            *config,
            "--bind",
            f"0.0.0.0:{port}",
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

    def check_build(self, ctx: Context, spec: AppSpec) -> None:
        if ctx.environ.get("APP_CONFIG"):
            resolve_app_config(ctx, spec)  # a missing config file fails the build, not start


SERVER = Gunicorn()
