"""Which server runs an app: the one asked for (--server, WARPDRIVE_SERVER_TYPE), the
one its kind runs with, or `auto`, decided at every build and read back by `start`."""

from __future__ import annotations

from warpdrive.build import record
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import BadSetting, ServerNotInstallable, ServerWrongInterface
from warpdrive.serve.servers import SERVERS, WSGI_SERVERS, gunicorn, mod_wsgi, uvicorn

SERVER_CHOICES = ("auto", *WSGI_SERVERS)
# `auto`: mod_wsgi where the build can install it and Apache can run it, else gunicorn.
PREFERRED = mod_wsgi.SERVER
FALLBACK = gunicorn.SERVER
# `auto` for an ASGI app.
ASGI_AUTO = uvicorn.SERVER
# App kinds that run with one server whatever was asked for.
OWN_SERVER = {kind: server.name for server in SERVERS.values() for kind in server.own_kinds}


def last_build(ctx: Context) -> tuple[str | None, list[str]]:
    """The server the last build installed (None before the first, or when the record
    does not say) and the notices the build gave about its choice."""
    built = record.load(ctx.app_root)
    if built is None:
        return None, []
    return built.server, list(built.server_notes)


def requested(ctx: Context, flag: str | None) -> tuple[str, str]:
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
    configured = gunicorn.own_settings(ctx)
    if name == "auto" and configured:
        # OpenShift's builder serves with gunicorn; these settings only mean gunicorn.
        return gunicorn.SERVER.name, f"{configured[0]} (gunicorn settings)"
    return name, source


def check_interface(spec: AppSpec, name: str, source: str) -> None:
    """Refuse a server that cannot run the app's interface, naming those that can."""
    server = SERVERS[name]
    if server.wsgi and not server.runs(spec):
        able = [n for n in WSGI_SERVERS if SERVERS[n].runs(spec)]
        raise ServerWrongInterface(name, source, spec.interface.upper(), ", ".join(able))


def auto_for_build(ctx: Context, spec: AppSpec) -> tuple[str, list[str]]:
    """What `auto` installs, decided afresh at every build: for an ASGI app uvicorn;
    else the preferred server where it can be installed and run, else the fallback
    with a notice saying why."""
    if spec.interface == "asgi":
        return ASGI_AUTO.name, []
    missing = PREFERRED.cannot_install(ctx)
    if missing is None:
        return PREFERRED.name, []
    return FALLBACK.name, [
        f"{missing.reason}, so the build installs {FALLBACK.name}, not {PREFERRED.name} "
        f"(to get {PREFERRED.name}: apt-get install {missing.packages} on Debian, then "
        "build again)"
    ]


def choose_server(
    ctx: Context, spec: AppSpec, flag: str | None = None
) -> tuple[str, str, list[str]]:
    """The server `start` runs: (server, where the choice came from, notes). For `auto`,
    the server the last build installed; before the first build, the one it will."""
    name, source = requested(ctx, flag)
    fixed = OWN_SERVER.get(spec.kind)
    if fixed:
        ignored = (
            []
            if name in ("auto", fixed)
            else [f"server {name!r} is ignored: a {spec.kind} app is served by {fixed}"]
        )
        return fixed, f"app kind {spec.kind}", ignored
    if name != "auto":
        check_interface(spec, name, source)
        return name, source, []
    if ctx.built:
        return _auto_built(ctx, spec, source)
    server, notes = auto_for_build(ctx, spec)
    if spec.interface == "asgi":
        return server, f"{source} auto: {server} for an ASGI app", []
    if server == PREFERRED.name:
        return (
            server,
            f"{source} auto: build installs {server} (Apache and its development files found)",
            [],
        )
    return server, f"{source} auto", notes


def _auto_built(ctx: Context, spec: AppSpec, source: str) -> tuple[str, str, list[str]]:
    """`auto` for a built app: the server its last build installed, with that build's
    notice when `auto` chose it there."""
    server, notes = last_build(ctx)
    if (
        server in WSGI_SERVERS
        and SERVERS[server].runs(spec)
        and SERVERS[server].is_installed(ctx.app_root)
    ):
        return server, f"{source} auto: the server the last build installed", notes
    # A record without the server (or an environment changed by hand).
    if spec.interface == "asgi":
        return ASGI_AUTO.name, f"{source} auto: {ASGI_AUTO.name} for an ASGI app", []
    if PREFERRED.is_installed(ctx.app_root):
        return PREFERRED.name, f"{source} auto: {PREFERRED.name} is installed", []
    return FALLBACK.name, f"{source} auto", []


def build_server(
    ctx: Context, spec: AppSpec, flag: str | None = None
) -> tuple[str | None, list[str]]:
    """The server package a build installs (None for apps that run their own server),
    and notices about the choice."""
    fixed = OWN_SERVER.get(spec.kind)
    if fixed:
        return (fixed if SERVERS[fixed].wsgi else None), []
    name, source = requested(ctx, flag)
    notes: list[str] = []
    if name == "auto":
        name, notes = auto_for_build(ctx, spec)
    else:
        check_interface(spec, name, source)
        missing = SERVERS[name].cannot_install(ctx)
        if missing is not None:
            raise ServerNotInstallable(
                name,
                source,
                missing.reason,
                f"install what is missing (Debian: apt-get install {missing.packages}) "
                f"or choose WARPDRIVE_SERVER_TYPE={FALLBACK.name}",
            )
    SERVERS[name].check_build(ctx, spec)
    return name, notes
