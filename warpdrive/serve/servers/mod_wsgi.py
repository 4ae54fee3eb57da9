"""mod_wsgi: mod_wsgi-express writes Apache's configuration, then Apache runs under
dumb-init (server-scripts/start-mod_wsgi). Started as root, the app runs as an
unprivileged user (runuser.py)."""

from __future__ import annotations

import locale
import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from warpdrive import proc, resources
from warpdrive.build import record
from warpdrive.context import Context
from warpdrive.errors import SocketPathTooLong
from warpdrive.serve import apache, migrated, runuser
from warpdrive.serve.servers import mod_wsgi_options
from warpdrive.serve.servers.base import GRACEFUL_SECONDS, Launch, Server

if TYPE_CHECKING:
    from warpdrive.serve.launch import LaunchPlan

# A Unix socket's path holds at most 107 bytes; mod_wsgi names its daemon sockets
# `wsgi.<pid>.<generation>.<n>.sock` inside the server root: 23 bytes with a 7-digit
# pid (the largest Linux gives) and a 2-digit generation.
SOCKET_NAME_ROOM = 23
SERVER_ROOT_VARIABLE = "WARPDRIVE_MOD_WSGI_SERVER_ROOT"
# What Apache's configuration in the server root was made from (setup_key): the
# launcher runs mod_wsgi-express again only when it differs from the last run's.
SETUP_KEY_VARIABLE = "WARPDRIVE_MOD_WSGI_SETUP_KEY"


def server_root(ctx: Context, port: int) -> Path:
    return ctx.app_root / "tmp" / f"mod_wsgi-{port}"


def graceful_conf(root: Path) -> Path:
    return root.with_suffix(".graceful.conf")


def setup_key_file(root: Path) -> Path:
    """Where the launcher keeps the key of the configuration it had written."""
    return root.with_suffix(".setup")


def setup_key(ctx: Context, plan: LaunchPlan) -> str:
    """A digest of everything `mod_wsgi-express start-server --setup-only` writes its
    configuration from: its arguments, working directory, user and environment (as the
    launcher passes it, less what changes from one shell to the next), the installed
    packages (mod_wsgi among them: the site-packages directories, resolved, and their
    times) and Apache's server program. Equal keys, equal configuration."""
    environ = {**proc.with_venv(ctx.environ, ctx.app_root), **plan.env}
    environ = {k: v for k, v in environ.items() if k not in migrated.VOLATILE}
    files = [*ctx.app_root.glob("lib/python*/site-packages"), Path(plan.server_argv[0])]
    layout = apache.installed_layout(ctx.app_root)
    program = apache.server_program(layout, environ) if layout else None
    files += [Path(program)] if program else []
    stats = {}
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        stats[str(path.resolve())] = [info.st_mtime_ns, info.st_size]
    facts = {
        "argv": plan.server_argv,
        "cwd": plan.env["WARPDRIVE_APP_HOME"],
        "user": [os.getuid(), os.getgid()],
        "environ": environ,
        "files": stats,
    }
    return record.digest_of(facts)


# The locale the app runs in when the environment names no UTF-8 locale that exists.
FALLBACK_LOCALE = "C.UTF-8"


def locale_exists(name: str) -> bool:
    """Whether the C library has the locale `name` (set here for a moment, then back)."""
    before = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, name)
    except locale.Error:
        return False
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    return True


def app_locale(environ: dict[str, str]) -> str:
    """The locale of the app's Python in Apache: the environment's (LC_ALL, else
    LC_CTYPE, else LANG) when it is a UTF-8 locale this machine has, so an image with
    LANG=en_US.UTF-8 runs the app in it; else C.UTF-8, which always exists (Debian
    generates no other locale by default)."""
    name = environ.get("LC_ALL") or environ.get("LC_CTYPE") or environ.get("LANG") or ""
    utf8 = name.lower().replace("-", "").endswith(".utf8")
    return name if utf8 and locale_exists(name) else FALLBACK_LOCALE


class ModWsgi(Server):
    name = "mod_wsgi"
    rank = 0
    # dumb-init turns SIGTERM into Apache's graceful stop (server-scripts/start-mod_wsgi).
    requirements = ("mod_wsgi==6.1.1", "dumb-init==1.2.5.post1")
    executable = "mod_wsgi-express"
    notes = (
        "mod_wsgi-express writes Apache's configuration (--setup-only; reused while "
        "nothing it is made from changed), then Apache runs under dumb-init, which "
        "makes SIGTERM a graceful stop",
    )
    process_settings = ("MOD_WSGI_PROCESSES", "WEB_CONCURRENCY")
    thread_settings = ("MOD_WSGI_THREADS", "WARPDRIVE_THREADS")
    serves_static = True
    package_roles: ClassVar = {
        **Server.package_roles,
        "dumb-init": "which runs Apache so that SIGTERM stops it gracefully",
    }

    def run_user(self, ctx: Context) -> str | None:
        # mod_wsgi-express refuses to serve as root without --user/--group.
        return runuser.run_user(ctx) if os.geteuid() == 0 else None

    def arguments(self, launch: Launch) -> list[str]:
        ctx, spec, port, size = launch.ctx, launch.spec, launch.port, launch.sized
        root = server_root(ctx, port)
        # No "start-server" here: the launcher runs it with --setup-only (see its comment).
        args = [
            "--port",
            str(port),
            "--log-to-terminal",
            "--access-log",
            "--startup-log",
            "--server-root",
            str(root),
            # Apache's graceful stop (SIGWINCH, from dumb-init) waits this long for requests.
            "--include-file",
            str(graceful_conf(root)),
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
            "--locale",
            app_locale(ctx.environ),
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
        elif self.wraps(spec):
            wrapper = resources.data_dir("server-scripts") / "wsgi" / "warpdrive_wsgi.py"
            args += ["--application-type", "script", "--entry-point", str(wrapper)]
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
        if launch.user:
            args += ["--user", launch.user, "--group", runuser.primary_group(launch.user)]
        return args + mod_wsgi_options.arguments(ctx.environ)

    def environment(self, launch: Launch) -> dict[str, str]:
        return {SERVER_ROOT_VARIABLE: str(server_root(launch.ctx, launch.port))}

    def program(self, ctx: Context) -> list[str]:
        return [str(ctx.app_root / "bin" / self.executable), "start-server", "--setup-only"]

    def cannot_install(self, ctx: Context) -> apache.Missing | None:
        return apache.missing_for_build(ctx.environ)

    def cannot_start(self, ctx: Context) -> apache.Missing | None:
        return apache.missing_for_start(ctx.app_root, ctx.environ)

    def check_start(self, ctx: Context, plan: LaunchPlan) -> None:
        """Apache only logs an oversized socket path (WSGI0064) and then answers every
        request with 503: refuse to start instead, saying what to change."""
        if ctx.environ.get("MOD_WSGI_SOCKET_PREFIX"):
            return
        directory = server_root(ctx, plan.port)
        if len(os.fsencode(str(directory))) + SOCKET_NAME_ROOM > 107:
            raise SocketPathTooLong(directory)

    def prepare(self, ctx: Context, plan: LaunchPlan) -> None:
        """Apache's own setting for how long a graceful stop waits (mod_wsgi-express
        has no option for it, so it goes in through --include-file), and the key that
        lets the launcher reuse the configuration of the last start (setup_key)."""
        path = graceful_conf(Path(plan.env[SERVER_ROOT_VARIABLE]))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"GracefulShutdownTimeout {GRACEFUL_SECONDS}\n", encoding="utf-8")
        path.chmod(0o644)
        plan.env[SETUP_KEY_VARIABLE] = setup_key(ctx, plan)


SERVER = ModWsgi()
