"""Which server runs an app, and the exact argv that `start` execs for it.

`start` execs `server-scripts/start-<server>` with the server's arguments; the
launcher execs the server from the app's environment, so the server itself ends up
as the process (no shell or Python parent left to swallow signals).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field

from warpdrive import resources, sizing
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import BadSetting, ServerNotInstallable

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
DEFAULT_PORT = 8080


@dataclass
class LaunchPlan:
    server: str
    server_source: str
    port: int
    argv: list[str]  # exactly what `start` execs: the launcher and its arguments
    server_argv: list[str]  # what the launcher in turn execs
    env: dict[str, str] = field(default_factory=dict)  # added to the environment
    sizing: sizing.Sizing | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "sizing"}
        data["sizing"] = self.sizing.__dict__ if self.sizing else None
        return data


def apache_dev_available() -> bool:
    """mod_wsgi compiles only where Apache's development files (apxs) are installed."""
    return any(shutil.which(name) for name in ("apxs", "apxs2"))


def choose_server(
    ctx: Context, spec: AppSpec, flag: str | None = None
) -> tuple[str, str, list[str]]:
    """(server, where the choice came from, notes)."""
    setting = ctx.setting("WARPDRIVE_SERVER_TYPE", key="server")
    fixed = {"shell": "shell", "python": "python", "gunicorn-config": "gunicorn"}.get(spec.kind)
    if fixed:
        asked = flag or (setting.value if setting else "auto")
        ignored = (
            []
            if asked in ("auto", fixed)
            else [f"server {asked!r} is ignored: a {spec.kind} app is served by {fixed}"]
        )
        return fixed, f"app kind {spec.kind}", ignored
    if flag:
        name, source = flag, "--server"
    elif setting:
        name, source = setting.value, setting.source
    else:
        name, source = "auto", "default"
    if name not in SERVER_CHOICES:
        raise BadSetting(
            setting.name if setting and not flag else "--server",
            name,
            "one of " + ", ".join(SERVER_CHOICES),
        )
    if name != "auto":
        return name, source, []
    if ctx.has_env:
        if (ctx.app_root / "bin" / EXECUTABLES["mod_wsgi"]).exists():
            return "mod_wsgi", f"{source} auto: mod_wsgi is installed", []
        return (
            "gunicorn",
            f"{source} auto",
            ["mod_wsgi is not installed, so gunicorn serves the app"],
        )
    if apache_dev_available():
        return "mod_wsgi", f"{source} auto: build installs mod_wsgi (Apache dev files found)", []
    return (
        "gunicorn",
        f"{source} auto",
        ["Apache development files (apxs) are missing, so build installs gunicorn, not mod_wsgi"],
    )


def build_server(
    ctx: Context, spec: AppSpec, flag: str | None = None
) -> tuple[str | None, list[str]]:
    """The server package a build installs: None for apps that run their own server."""
    if spec.kind in ("shell", "python"):
        return None, []
    if spec.kind == "gunicorn-config":
        return "gunicorn", []
    setting = ctx.setting("WARPDRIVE_SERVER_TYPE", key="server")
    name = flag or (setting.value if setting else "auto")
    source = "--server" if flag else (setting.source if setting else "default")
    if name not in SERVER_CHOICES:
        raise BadSetting(
            setting.name if setting and not flag else "--server",
            name,
            "one of " + ", ".join(SERVER_CHOICES),
        )
    if name == "auto":
        if apache_dev_available():
            return "mod_wsgi", []
        return "gunicorn", [
            "Apache development files (apxs) are missing, so gunicorn is installed "
            "instead of mod_wsgi (install apache2-dev to get mod_wsgi)"
        ]
    if name == "mod_wsgi" and not apache_dev_available():
        raise ServerNotInstallable(
            "mod_wsgi",
            source,
            "Apache development files (apxs) are missing",
            "install them (Debian: apt-get install apache2-dev apache2) or choose "
            "WARPDRIVE_SERVER_TYPE=gunicorn",
        )
    return name, []


def resolve_port(ctx: Context, flag: int | None = None) -> int:
    if flag is not None:
        return flag
    setting = ctx.setting("PORT", "WARPDRIVE_HTTP_PORT")
    if setting is None:
        return DEFAULT_PORT
    if not setting.value.isdigit() or not 0 < int(setting.value) < 65536:
        raise BadSetting(setting.name, setting.value, "a port number from 1 to 65535")
    return int(setting.value)


def _mod_wsgi_args(ctx: Context, spec: AppSpec, port: int, size: sizing.Sizing) -> list[str]:
    args = [
        "start-server",
        "--port",
        str(port),
        "--log-to-terminal",
        "--access-log",
        "--server-root",
        str(ctx.app_root / "tmp" / f"mod_wsgi-{port}"),
        "--working-directory",
        str(spec.app_home),
        "--python-path",
        str(spec.app_home),
        "--processes",
        str(size.processes),
        "--threads",
        str(size.threads),
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
    if os.geteuid() == 0:
        user = ctx.setting("WARPDRIVE_RUN_USER")
        name = user.value if user else "www-data"
        args += ["--user", name, "--group", name]
    return args


def _gunicorn_args(ctx: Context, spec: AppSpec, port: int, size: sizing.Sizing) -> list[str]:
    # gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl, shared by every
    # app of the user (and unwritable for an arbitrary UID): give each app its own.
    control = ["--control-socket", str(ctx.app_root / "tmp" / f"gunicorn-{port}.ctl")]
    if spec.kind == "gunicorn-config":
        return ["--config", str(spec.entry_path), *control]
    args = [
        *control,
        "--bind",
        f"0.0.0.0:{port}",
        "--workers",
        str(size.processes),
        "--threads",
        str(size.threads),
        "--chdir",
        str(spec.app_home),
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]
    if spec.kind == "paste":
        return [*args, "--paste", str(spec.entry_path)]
    return [*args, f"{spec.module}:{spec.callable}"]


def _waitress_args(ctx: Context, spec: AppSpec, port: int, size: sizing.Sizing) -> list[str]:
    args = [f"--listen=0.0.0.0:{port}", f"--threads={size.threads}"]
    if spec.kind == "paste":
        # waitress-serve cannot read an ini itself; paste.deploy's loadapp does it.
        return [*args, "--call", "warpdrive_paste:app"]
    return [*args, f"{spec.module}:{spec.callable}"]


def _uwsgi_args(ctx: Context, spec: AppSpec, port: int, size: sizing.Sizing) -> list[str]:
    args = [
        "--http-socket",
        f"0.0.0.0:{port}",
        "--master",
        "--die-on-term",
        "--processes",
        str(size.processes),
        "--threads",
        str(size.threads),
        "--chdir",
        str(spec.app_home),
        "--need-app",
        "--log-x-forwarded-for",
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


def plan(
    ctx: Context, spec: AppSpec, server: str | None = None, port: int | None = None
) -> LaunchPlan:
    chosen, source, notes = choose_server(ctx, spec, server)
    port_number = resolve_port(ctx, port)
    env = {
        "PORT": str(port_number),
        "WARPDRIVE_APP_ROOT": str(ctx.app_root),
        "WARPDRIVE_SRC_ROOT": str(ctx.src),
        "WARPDRIVE_APP_HOME": str(spec.app_home),
    }
    size = None
    if chosen == "shell":
        args = [str(spec.entry_path)]
        server_argv = list(args)
    elif chosen == "python":
        args = [str(spec.entry_path)]
        server_argv = [str(ctx.app_root / "bin" / "python"), *args]
    else:
        size = sizing.size(ctx, chosen)
        args = _ARGS[chosen](ctx, spec, port_number, size)
        server_argv = [str(ctx.app_root / "bin" / EXECUTABLES[chosen]), *args]
    argv = [str(resources.launcher(chosen)), *args]
    return LaunchPlan(chosen, source, port_number, argv, server_argv, env, size, notes)
