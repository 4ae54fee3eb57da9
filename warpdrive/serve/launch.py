"""The launch plan: the exact argv `start` execs for an app, and the checks that
refuse a server which would fail on its first breath.

`start` execs `server-scripts/start-<server>` with the server's arguments; the
launcher execs the server from the app's environment, so the server itself ends up
as the process (no shell or Python parent left to swallow signals).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from warpdrive import resources
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.env import generations
from warpdrive.errors import BadConfigFile, BadSetting, ServerCannotStart, ServerNotInstalled
from warpdrive.serve import choice
from warpdrive.serve.servers import SERVERS
from warpdrive.serve.servers.base import Launch
from warpdrive.serve.sizing import Sizing, for_event_loop

DEFAULT_PORT = 8080


@dataclass
class LaunchPlan:
    server: str
    server_source: str
    port: int
    port_source: str
    argv: list[str]  # exactly what `start` execs: the launcher and its arguments
    server_argv: list[str]  # what the launcher in turn execs
    env: dict[str, str] = field(default_factory=dict)  # added to the environment
    sizing: Sizing | None = None
    run_user: str | None = None  # the user the server drops to when started as root
    notes: list[str] = field(default_factory=list)
    # The app's config file whose own bind is used (no port was asked for), and whether
    # the port it binds is known (a literal there) and so checked before starting.
    bind_config: str | None = None
    port_known: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "server_source": self.server_source,
            "port": self.port,
            "port_source": self.port_source,
            "argv": list(self.argv),
            "server_argv": list(self.server_argv),
            "env": dict(self.env),
            "run_user": self.run_user,
            "notes": list(self.notes),
            "sizing": self.sizing.to_json() if self.sizing else None,
            "bind_config": self.bind_config,
            "port_known": self.port_known,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LaunchPlan:
        return cls(
            server=data["server"],
            server_source=data["server_source"],
            port=int(data["port"]),
            port_source=data["port_source"],
            argv=list(data["argv"]),
            server_argv=list(data["server_argv"]),
            env=dict(data["env"]),
            sizing=Sizing.from_json(data["sizing"]) if data["sizing"] else None,
            run_user=data["run_user"],
            notes=list(data["notes"]),
            bind_config=data.get("bind_config"),
            port_known=bool(data.get("port_known", True)),
        )


def resolve_port(ctx: Context, flag: int | None = None) -> tuple[int, str]:
    """The port and where it came from: --port, PORT, WARPDRIVE_HTTP_PORT, 8080."""
    if flag is not None:
        return flag, "--port"
    setting = ctx.setting("PORT", "WARPDRIVE_HTTP_PORT")
    if setting is None:
        return DEFAULT_PORT, "the default"
    if not setting.value.isdigit() or not 0 < int(setting.value) < 65536:
        raise BadSetting(setting.name, setting.value, "a port number from 1 to 65535")
    return int(setting.value), setting.source


def extra_args(ctx: Context, server: str) -> list[str]:
    """Options the user adds: `.warpdrive/server_args/<server>` (one argument a line)
    or `server-args` in [tool.warpdrive] (a list, or a table of lists by server).
    Passed to the server literally: no shell ever sees them."""
    path = ctx.src / ".warpdrive" / "server_args" / server
    if path.is_file():
        # Lines end at \n only (read_text made \r\n and \r into \n): splitlines() would
        # also split an argument at \f, \x1c, \x85, \u2028 ...
        lines = path.read_text(encoding="utf-8").split("\n")
        return [line for line in lines if line.strip()]
    value = ctx.tool.get("server-args")
    if isinstance(value, dict):
        value = value.get(server, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadConfigFile(
            ctx.src / "pyproject.toml",
            "[tool.warpdrive] server-args is not a list of strings",
            'write server-args = ["--opt", "value"] or a table of such lists by server',
        )
    return value


def wrapper_target(spec: AppSpec) -> str:
    """The app as server-scripts/wsgi/warpdrive_wsgi.py loads it."""
    return f"paste:{spec.entry_path}" if spec.kind == "paste" else spec.target


def plan(
    ctx: Context, spec: AppSpec, server: str | None = None, port: int | None = None
) -> LaunchPlan:
    chosen, source, notes = choice.choose_server(ctx, spec, server)
    runner = SERVERS[chosen]
    port_number, port_source = resolve_port(ctx, port)
    # With no port asked for, the app's own server config may say where to listen.
    bound = runner.config_bind(ctx, spec) if port_source == "the default" else None
    if bound is not None:
        bind_config, known = bound
        port_number = known or DEFAULT_PORT
        port_source = f"bind in {bind_config}" if known else f"the bind of {bind_config}"
    env = {
        "PORT": str(port_number),
        "WARPDRIVE_APP_ROOT": str(ctx.app_root),
        "WARPDRIVE_SRC_ROOT": str(ctx.src),
        "WARPDRIVE_APP_HOME": str(spec.app_home),
    }
    size = runner.size(ctx)
    if size is not None and spec.interface == "asgi":
        size = for_event_loop(size)
    user = runner.run_user(ctx)
    launch = Launch(ctx, spec, port_number, size, user, bind=bound is None)
    args = runner.arguments(launch)
    env.update(runner.environment(launch))
    notes += runner.notes
    if runner.wraps(spec):
        env["PYTHONPATH"] = os.pathsep.join(
            [str(resources.data_dir("server-scripts") / "wsgi"), str(spec.app_home)]
        )
        variable = "WARPDRIVE_ASGI_APP" if spec.interface == "asgi" else "WARPDRIVE_WSGI_APP"
        env[variable] = wrapper_target(spec)
        mounts = [] if runner.serves_static else spec.static
        env["WARPDRIVE_STATIC"] = json.dumps([[m.url, str(m.directory)] for m in mounts])
    args = runner.with_extra_args(args, extra_args(ctx, chosen))
    argv = [str(resources.launcher(chosen)), *args]
    server_argv = [*runner.program(ctx), *args]
    return LaunchPlan(
        chosen,
        source,
        port_number,
        port_source,
        argv,
        server_argv,
        env,
        size,
        user,
        notes,
        bind_config=bound[0] if bound else None,
        port_known=bound is None or bound[1] is not None,
    )


def check_installed(ctx: Context, spec: AppSpec, plan: LaunchPlan) -> None:
    """Refuse to start a server that would fail on its first breath: not installed,
    without a package it needs here (WhiteNoise for the static files), or without what
    it needs of the machine (mod_wsgi: Apache's server program)."""
    runner = SERVERS[plan.server]
    if not runner.wsgi:
        return
    built, _ = choice.last_build(ctx)
    program = ctx.app_root / "bin" / runner.executable
    if not program.exists():
        raise ServerNotInstalled(
            runner.name, f"it is not in the app's environment (no {program})", built
        )
    for name in runner.needed_packages(spec):
        if not generations.has_distribution(ctx.app_root, name):
            role = runner.package_roles.get(name, "which it needs")
            lacking = f"{name}, {role}, is not in the app's environment"
            raise ServerNotInstalled(runner.name, lacking, built)
    missing = runner.cannot_start(ctx)
    if missing is not None:
        raise ServerCannotStart(
            runner.name,
            plan.server_source,
            missing.reason,
            f"install it (Debian: apt-get install {missing.packages}), or build for "
            f"another server (`warpdrive build --server {choice.FALLBACK.name}`) and start that",
        )
    runner.check_start(ctx, plan)
