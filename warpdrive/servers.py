"""Which server runs an app, and the exact argv that `start` execs for it.

`start` execs `server-scripts/start-<server>` with the server's arguments; the
launcher execs the server from the app's environment, so the server itself ends up
as the process (no shell or Python parent left to swallow signals).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from warpdrive import apache, mod_wsgi, pins, resources, runuser, sizing
from warpdrive.build import record
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.env import generations as appenv
from warpdrive.errors import (
    BadConfigFile,
    BadSetting,
    ExplicitAppMissing,
    ServerCannotStart,
    ServerNotInstallable,
    ServerNotInstalled,
    SocketPathTooLong,
)

WSGI_SERVERS = ("mod_wsgi", "gunicorn", "waitress", "uwsgi")
SERVER_CHOICES = ("auto", *WSGI_SERVERS)
# The program each launcher execs, from the app environment's bin/.
EXECUTABLES = {
    "mod_wsgi": "mod_wsgi-express",
    "gunicorn": "gunicorn",
    "waitress": "waitress-serve",
    "uwsgi": "uwsgi",
    "python": "python",
}
# Servers that cannot serve static files themselves: WhiteNoise does it for them.
NEEDS_WHITENOISE = ("gunicorn", "waitress")
DEFAULT_PORT = 8080
# Seconds a server waits for in-flight requests after SIGTERM.
GRACEFUL_SECONDS = 8


@dataclass
class LaunchPlan:
    server: str
    server_source: str
    port: int
    port_source: str
    argv: list[str]  # exactly what `start` execs: the launcher and its arguments
    server_argv: list[str]  # what the launcher in turn execs
    env: dict[str, str] = field(default_factory=dict)  # added to the environment
    sizing: sizing.Sizing | None = None
    run_user: str | None = None  # the user mod_wsgi drops to when started as root
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "sizing"}
        data["sizing"] = self.sizing.__dict__ if self.sizing else None
        return data


def _requested(ctx: Context, flag: str | None) -> tuple[str, str]:
    """The server asked for (or "auto") and where that came from, validated."""
    setting = ctx.setting("WARPDRIVE_SERVER_TYPE", key="server")
    if flag:
        name, source, variable = flag, "--server", "--server"
    elif setting:
        name, source, variable = setting.value, setting.source, setting.name
    else:
        name, source, variable = "auto", "default", ""
    if name not in SERVER_CHOICES:
        raise BadSetting(variable, name, "one of " + ", ".join(SERVER_CHOICES))
    configured = gunicorn_settings(ctx)
    if name == "auto" and configured:
        # OpenShift's builder serves with gunicorn; these settings only mean gunicorn.
        return "gunicorn", f"{configured[0]} (gunicorn settings)"
    return name, source


def gunicorn_settings(ctx: Context) -> list[str]:
    """The OpenShift builder's gunicorn settings that are set: APP_CONFIG (a gunicorn
    config file), GUNICORN_CMD_ARGS (read by gunicorn itself)."""
    return [name for name in ("APP_CONFIG", "GUNICORN_CMD_ARGS") if ctx.environ.get(name)]


OWN_SERVER = {"shell": "shell", "python": "python", "gunicorn-config": "gunicorn"}


def choose_server(
    ctx: Context, spec: AppSpec, flag: str | None = None
) -> tuple[str, str, list[str]]:
    """The server `start` runs: (server, where the choice came from, notes). For `auto`,
    the server the last build installed; before the first build, the one it will."""
    name, source = _requested(ctx, flag)
    fixed = OWN_SERVER.get(spec.kind)
    if fixed:
        ignored = (
            []
            if name in ("auto", fixed)
            else [f"server {name!r} is ignored: a {spec.kind} app is served by {fixed}"]
        )
        return fixed, f"app kind {spec.kind}", ignored
    if name != "auto":
        return name, source, []
    if ctx.built:
        return _auto_built(ctx, source)
    server, notes = _auto_for_build(ctx)
    if server == "mod_wsgi":
        return (
            server,
            f"{source} auto: build installs mod_wsgi (Apache and its development files found)",
            [],
        )
    return server, f"{source} auto", notes


def _auto_for_build(ctx: Context) -> tuple[str, list[str]]:
    """What `auto` installs, decided afresh at every build: mod_wsgi where it can be
    compiled and Apache can run it, else gunicorn with a notice saying why."""
    missing = apache.missing_for_build(ctx.environ)
    if missing is None:
        return "mod_wsgi", []
    return "gunicorn", [
        f"{missing.reason}, so the build installs gunicorn, not mod_wsgi (to get "
        f"mod_wsgi: apt-get install {missing.packages} on Debian, then build again)"
    ]


def _auto_built(ctx: Context, source: str) -> tuple[str, str, list[str]]:
    """`auto` for a built app: the server its last build installed, with that build's
    notice when `auto` chose it there."""
    built = record.load(ctx.app_root)
    server = built.server if built else None
    if built and server in WSGI_SERVERS and (ctx.app_root / "bin" / EXECUTABLES[server]).exists():
        return (
            server,
            f"{source} auto: the server the last build installed",
            list(built.server_notes),
        )
    # A record without the server (or an environment changed by hand).
    if (ctx.app_root / "bin" / EXECUTABLES["mod_wsgi"]).exists():
        return "mod_wsgi", f"{source} auto: mod_wsgi is installed", []
    return "gunicorn", f"{source} auto", []


def build_server(
    ctx: Context, spec: AppSpec, flag: str | None = None
) -> tuple[str | None, list[str]]:
    """The server package a build installs (None for apps that run their own server),
    and notices about the choice."""
    if spec.kind in ("shell", "python"):
        return None, []
    if spec.kind == "gunicorn-config":
        return "gunicorn", []
    name, source = _requested(ctx, flag)
    if name == "gunicorn" and ctx.environ.get("APP_CONFIG"):
        resolve_app_config(ctx, spec)  # a missing config file fails the build, not start
    if name == "auto":
        return _auto_for_build(ctx)
    if name == "mod_wsgi":
        missing = apache.missing_for_build(ctx.environ)
        if missing is not None:
            raise ServerNotInstallable(
                "mod_wsgi",
                source,
                missing.reason,
                f"install what is missing (Debian: apt-get install {missing.packages}) "
                "or choose WARPDRIVE_SERVER_TYPE=gunicorn",
            )
    return name, []


# Why each package in pins.toml beside a server is there.
PACKAGE_ROLES = {
    "whitenoise": "which serves the app's static files for it",
    "dumb-init": "which runs Apache so that SIGTERM stops it gracefully",
}


def needed_packages(server: str, spec: AppSpec) -> list[str]:
    """The packages besides the server itself that starting it for this app needs: those
    warpdrive installs with it (pins.toml), WhiteNoise only when there are static files."""
    names = [r.partition("==")[0] for r in pins.server_requirements(server)[1:]]
    return [n for n in names if n != "whitenoise" or spec.static]


def check_installed(ctx: Context, spec: AppSpec, server: str, source: str) -> None:
    """Refuse to start a server that would fail on its first breath: not installed,
    without a package it needs here (WhiteNoise for the static files), or, for
    mod_wsgi, without Apache's server program."""
    if server not in WSGI_SERVERS:
        return
    last = record.load(ctx.app_root)
    built = last.server if last else None
    program = ctx.app_root / "bin" / EXECUTABLES[server]
    if not program.exists():
        raise ServerNotInstalled(
            server, f"it is not in the app's environment (no {program})", built
        )
    for name in needed_packages(server, spec):
        if not appenv.has_distribution(ctx.app_root, name):
            role = PACKAGE_ROLES.get(name, "which it needs")
            lacking = f"{name}, {role}, is not in the app's environment"
            raise ServerNotInstalled(server, lacking, built)
    if server == "mod_wsgi":
        missing = apache.missing_for_start(ctx.app_root, ctx.environ)
        if missing is not None:
            raise ServerCannotStart(
                server,
                source,
                missing.reason,
                f"install it (Debian: apt-get install {missing.packages}), or build for "
                "another server (`warpdrive build --server gunicorn`) and start that",
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
    return f"paste:{spec.entry_path}" if spec.kind == "paste" else f"{spec.module}:{spec.callable}"


def _mod_wsgi_args(
    ctx: Context, spec: AppSpec, port: int, size: sizing.Sizing, user: str | None
) -> list[str]:
    # No "start-server" here: the launcher runs it with --setup-only (see its comment).
    args = [
        "--port",
        str(port),
        "--log-to-terminal",
        "--access-log",
        "--startup-log",
        "--server-root",
        str(mod_wsgi_server_root(ctx, port)),
        # Apache's graceful stop (SIGWINCH, from dumb-init) waits this long for requests.
        "--include-file",
        str(mod_wsgi_server_root(ctx, port).with_suffix(".graceful.conf")),
        "--working-directory",
        str(spec.app_home),
        "--python-path",
        str(spec.app_home),
        "--processes",
        str(size.processes),
        "--threads",
        str(size.threads),
        "--shutdown-timeout",
        str(GRACEFUL_SECONDS),
        # en_US.UTF-8 is often not generated (Debian images); C.UTF-8 always exists.
        "--locale",
        "C.UTF-8",
        # No keep-alive (mod_wsgi-express keeps connections 2 s by default). Under load,
        # Apache's event MPM closes idle keep-alive connections when its workers are
        # busy, and its spare-process reaping closes them too, without having said
        # "Connection: close": a client reusing one gets a reset, not an answer (wrk:
        # 7000 read errors in 17000 requests at 100 connections). Without keep-alive
        # every response says "Connection: close". MOD_WSGI_KEEP_ALIVE_TIMEOUT wins.
        "--keep-alive-timeout",
        "0",
        # mod_wsgi-express sets Apache's MinSpareThreads and MaxSpareThreads both to one
        # child's threads, so under steady load Apache stops and starts children every
        # few seconds (8 MiB each: the server's memory swung by 12% at 100 connections).
        # Keeping as many spare threads as it has clients (1 = 100%) ends the churn:
        # Apache still starts children as needed but no longer stops them.
        "--maximum-spare-workers",
        "1",
    ]
    if spec.kind == "paste":
        args += ["--application-type", "paste", "--entry-point", str(spec.entry_path)]
    else:
        args += [
            "--application-type",
            "module",
            "--entry-point",
            spec.module or "",
            "--callable-object",
            spec.callable or "application",
        ]
    for mount in spec.static:
        args += ["--url-alias", mount.url.rstrip("/") or "/", str(mount.directory)]
    if user:
        args += ["--user", user, "--group", runuser.primary_group(user)]
    return args + mod_wsgi.arguments(ctx.environ)


def mod_wsgi_server_root(ctx: Context, port: int) -> Path:
    return ctx.app_root / "tmp" / f"mod_wsgi-{port}"


# A Unix socket's path holds at most 107 bytes; mod_wsgi names its daemon sockets
# `wsgi.<pid>.<generation>.<n>.sock` inside the server root: 23 bytes with a 7-digit
# pid (the largest Linux gives) and a 2-digit generation.
SOCKET_NAME_ROOM = 23


def check_socket_path(ctx: Context, port: int) -> None:
    """Apache only logs an oversized socket path (WSGI0064) and then answers every
    request with 503: refuse to start instead, saying what to change."""
    if ctx.environ.get("MOD_WSGI_SOCKET_PREFIX"):
        return
    directory = mod_wsgi_server_root(ctx, port)
    if len(os.fsencode(str(directory))) + SOCKET_NAME_ROOM > 107:
        raise SocketPathTooLong(directory)


def _gunicorn_args(
    ctx: Context, spec: AppSpec, port: int, size: sizing.Sizing, user: str | None
) -> list[str]:
    # gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl, shared by every
    # app of the user (and unwritable for an arbitrary UID): give each app its own.
    control = ["--control-socket", str(ctx.app_root / "tmp" / f"gunicorn-{port}.ctl")]
    if spec.kind == "gunicorn-config":
        return ["--config", str(spec.entry_path), *control]
    sizing_args = ["--workers", str(size.processes), "--threads", str(size.threads)]
    config = []
    if gunicorn_settings(ctx):
        # The app's own gunicorn settings rule: options on the command line would beat
        # both the config file and GUNICORN_CMD_ARGS, so warpdrive names only the
        # address and the app; the worker count comes through WEB_CONCURRENCY, which
        # gunicorn reads as its default (see plan()).
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
    if spec.static:
        return [*args, "warpdrive_wsgi:application"]
    if spec.kind == "paste":
        return [*args, "--paste", str(spec.entry_path)]
    return [*args, f"{spec.module}:{spec.callable}"]


def resolve_app_config(ctx: Context, spec: AppSpec) -> Path:
    """APP_CONFIG, relative to the app's home, which must exist."""
    value = ctx.environ["APP_CONFIG"]
    path = spec.app_home / value
    if not path.is_file():
        raise ExplicitAppMissing("APP_CONFIG", value, path)
    return path


def _waitress_args(
    ctx: Context, spec: AppSpec, port: int, size: sizing.Sizing, user: str | None
) -> list[str]:
    args = [
        f"--graceful-timeout={GRACEFUL_SECONDS}",
        f"--listen=0.0.0.0:{port}",
        f"--threads={size.threads}",
    ]
    if spec.static or spec.kind == "paste":
        return [*args, "warpdrive_wsgi:application"]
    return [*args, f"{spec.module}:{spec.callable}"]


def _uwsgi_args(
    ctx: Context, spec: AppSpec, port: int, size: sizing.Sizing, user: str | None
) -> list[str]:
    args = [
        "--http-socket",
        f"0.0.0.0:{port}",
        "--master",
        "--die-on-term",
        # --die-on-term alone drops requests in flight: make SIGTERM a graceful stop
        # of the workers, bounded by --worker-reload-mercy, after which uwsgi exits.
        "--hook-master-start",
        "unix_signal:15 grace_them_all",
        "--exit-on-reload",
        "--processes",
        str(size.processes),
        "--threads",
        str(size.threads),
        "--chdir",
        str(spec.app_home),
        "--need-app",
        "--enable-threads",
        "--worker-reload-mercy",
        str(GRACEFUL_SECONDS),
        "--log-x-forwarded-for",
        # uwsgi's --http-socket closes the connection after every response but answers
        # HTTP/1.1 without saying so: a client that reuses the connection gets a
        # closed socket. Saying it makes clients open a new one.
        "--add-header",
        "Connection: close",
    ]
    if spec.kind == "paste":
        args += ["--paste", f"config:{spec.entry_path}"]
    else:
        args += ["--module", f"{spec.module}:{spec.callable}"]
    for mount in spec.static:
        args += ["--static-map", f"{mount.url.rstrip('/')}={mount.directory}"]
    return args


_ARGS = {
    "mod_wsgi": _mod_wsgi_args,
    "gunicorn": _gunicorn_args,
    "waitress": _waitress_args,
    "uwsgi": _uwsgi_args,
}


def server_program(ctx: Context, server: str) -> list[str]:
    """What the launcher runs, for `info`: see each server-scripts/start-<server>."""
    bin_dir = ctx.app_root / "bin"
    if server == "mod_wsgi":
        return [str(bin_dir / "mod_wsgi-express"), "start-server", "--setup-only"]
    if server == "waitress":
        return [
            str(bin_dir / "python"),
            str(resources.data_dir("server-scripts") / "wsgi" / "warpdrive_waitress.py"),
        ]
    return [str(bin_dir / EXECUTABLES[server])]


def plan(
    ctx: Context, spec: AppSpec, server: str | None = None, port: int | None = None
) -> LaunchPlan:
    chosen, source, notes = choose_server(ctx, spec, server)
    port_number, port_source = resolve_port(ctx, port)
    env = {
        "PORT": str(port_number),
        "WARPDRIVE_APP_ROOT": str(ctx.app_root),
        "WARPDRIVE_SRC_ROOT": str(ctx.src),
        "WARPDRIVE_APP_HOME": str(spec.app_home),
    }
    size = user = None
    if chosen in ("shell", "python"):
        args = [str(spec.entry_path)]
        program = [] if chosen == "shell" else [str(ctx.app_root / "bin" / "python")]
    else:
        size = sizing.size(ctx, chosen)
        if chosen == "mod_wsgi" and os.geteuid() == 0:
            user = runuser.run_user(ctx)
        args = _ARGS[chosen](ctx, spec, port_number, size, user)
        program = server_program(ctx, chosen)
        if chosen == "gunicorn" and gunicorn_settings(ctx):
            env.setdefault("WEB_CONCURRENCY", str(size.processes))
        if chosen == "mod_wsgi":
            env["WARPDRIVE_MOD_WSGI_SERVER_ROOT"] = str(mod_wsgi_server_root(ctx, port_number))
            notes.append(
                "mod_wsgi-express writes Apache's configuration (--setup-only), then "
                "Apache runs under dumb-init, which makes SIGTERM a graceful stop"
            )
        if "warpdrive_wsgi:application" in args:
            env["PYTHONPATH"] = os.pathsep.join(
                [str(resources.data_dir("server-scripts") / "wsgi"), str(spec.app_home)]
            )
            env["WARPDRIVE_WSGI_APP"] = wrapper_target(spec)
            env["WARPDRIVE_STATIC"] = json.dumps([[m.url, str(m.directory)] for m in spec.static])
    extras = extra_args(ctx, chosen)
    if chosen == "waitress":
        # waitress-serve stops reading options at the app argument.
        args[-1:-1] = extras
    else:
        args += extras  # last, so they override warpdrive's own choices
    argv = [str(resources.launcher(chosen)), *args]
    return LaunchPlan(
        chosen, source, port_number, port_source, argv, [*program, *args], env, size, user, notes
    )
