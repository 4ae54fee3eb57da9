"""The launch plan of every server for every app kind, in-process on real temp
directories: the port, the app, the static files and the sizing each argv carries,
and the registry every server is listed in."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from warpdrive import context, resources
from warpdrive.detect.spec import AppSpec, StaticMount
from warpdrive.serve import choice, launch
from warpdrive.serve.launch import LaunchPlan
from warpdrive.serve.pipeline import migrate_policy
from warpdrive.serve.servers import SERVERS, WSGI_SERVERS
from warpdrive.serve.servers.base import WRAPPER

PORT = 8123
# Explicit sizing, so that the plans do not depend on this machine's CPUs.
SIZING = {"WEB_CONCURRENCY": "3", "WARPDRIVE_THREADS": "4"}


def make_ctx(tmp_path: Path, **env: str) -> context.Context:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    base = {"HOME": str(tmp_path), "WARPDRIVE_HOME": str(tmp_path / "home"), **SIZING}
    return context.resolve(src, {**base, **env})


def make_spec(c: context.Context, kind: str, static: bool = True) -> AppSpec:
    home = c.app_home
    mounts = []
    if static:
        (home / "static").mkdir(exist_ok=True)
        mounts = [StaticMount("/static/", home / "static")]
    if kind == "paste":
        (home / "paste.ini").write_text("[app:main]\nuse = egg:app\n")
        return AppSpec("paste", home, "paste.ini", static=mounts)
    if kind == "django":
        (home / "manage.py").write_text("")
        entry = "mysite.wsgi:application"
        return AppSpec("django", home, entry, "mysite.wsgi", "application", static=mounts)
    (home / "wsgi.py").write_text("def application(environ, start_response): pass\n")
    return AppSpec("wsgi", home, "wsgi.py", "wsgi", "application", static=mounts)


def option(args: list[str], name: str) -> list[str]:
    """The values that follow each `name` in args."""
    return [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == name]


def app_target(server: str, spec: AppSpec, args: list[str]) -> bool:
    """Whether the argv names the app as this server loads it."""
    module = f"{spec.module}:{spec.callable}"
    if server == "mod_wsgi":
        if spec.kind == "paste":
            return option(args, "--entry-point") == [str(spec.entry_path)]
        return option(args, "--entry-point") == [spec.module] and option(
            args, "--callable-object"
        ) == [spec.callable]
    if server == "uwsgi":
        if spec.kind == "paste":
            return option(args, "--paste") == [f"config:{spec.entry_path}"]
        return option(args, "--module") == [module]
    wrapped = spec.static or (server == "waitress" and spec.kind == "paste")
    if wrapped:
        return args[-1] == WRAPPER
    if spec.kind == "paste":
        return option(args, "--paste") == [str(spec.entry_path)]
    return args[-1] == module


def listens(server: str, args: list[str]) -> bool:
    address = f"0.0.0.0:{PORT}"
    return {
        "mod_wsgi": option(args, "--port") == [str(PORT)],
        "gunicorn": option(args, "--bind") == [address],
        "waitress": f"--listen={address}" in args,
        "uwsgi": option(args, "--http-socket") == [address],
    }[server]


def sized(server: str, args: list[str]) -> bool:
    if server == "waitress":  # one process with every thread
        return "--threads=12" in args
    processes = "--workers" if server == "gunicorn" else "--processes"
    return option(args, processes) == ["3"] and option(args, "--threads") == ["4"]


def serves_static(server: str, plan: LaunchPlan, directory: Path) -> bool:
    args = plan.server_argv
    if server == "mod_wsgi":
        at = args.index("--url-alias")
        return args[at + 1 : at + 3] == ["/static", str(directory)]
    if server == "uwsgi":
        return option(args, "--static-map") == [f"/static={directory}"]
    return json.loads(plan.env["WARPDRIVE_STATIC"]) == [["/static/", str(directory)]]


@pytest.mark.parametrize("kind", ["wsgi", "django", "paste"])
@pytest.mark.parametrize("server", WSGI_SERVERS)
def test_every_server_plans_every_wsgi_kind(tmp_path, server, kind):
    c = make_ctx(tmp_path, WARPDRIVE_RUN_USER="www-data")
    spec = make_spec(c, kind)
    plan = launch.plan(c, spec, server, PORT)
    assert (plan.server, plan.server_source, plan.port) == (server, "--server", PORT)
    assert plan.argv[0] == str(resources.launcher(server))
    assert Path(plan.argv[0]).is_file()
    # The launcher passes its arguments on to the server program unchanged.
    program = SERVERS[server].program(c)
    assert plan.server_argv == [*program, *plan.argv[1:]]
    args = plan.server_argv[len(program) :]
    assert listens(server, args), args
    assert app_target(server, spec, args), args
    assert sized(server, args), args
    assert serves_static(server, plan, spec.static[0].directory)
    assert plan.sizing is not None
    assert plan.env["PORT"] == str(PORT)
    assert plan.env["WARPDRIVE_APP_HOME"] == str(spec.app_home)
    root = os.geteuid() == 0
    assert plan.run_user == ("www-data" if root and server == "mod_wsgi" else None)
    assert ("www-data" in option(args, "--user")) == (plan.run_user is not None)
    assert LaunchPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan


@pytest.mark.parametrize("server", WSGI_SERVERS)
def test_without_static_files_no_wrapper_unless_the_server_needs_it(tmp_path, server):
    c = make_ctx(tmp_path)
    for kind in ("wsgi", "paste"):
        spec = make_spec(c, kind, static=False)
        plan = launch.plan(c, spec, server, PORT)
        wrapped = server == "waitress" and kind == "paste"
        assert (WRAPPER in plan.argv) == wrapped
        assert ("WARPDRIVE_WSGI_APP" in plan.env) == wrapped
        assert SERVERS[server].wraps(spec) == wrapped
        assert "--url-alias" not in plan.argv
        assert "--static-map" not in plan.argv


@pytest.mark.parametrize(
    ("kind", "entry", "server"),
    [("shell", "app.sh", "shell"), ("python", "app.py", "python")],
)
def test_apps_that_run_their_own_server(tmp_path, kind, entry, server):
    c = make_ctx(tmp_path)
    (c.app_home / entry).write_text("")
    spec = AppSpec(kind, c.app_home, entry)
    plan = launch.plan(c, spec, "gunicorn", PORT)
    assert plan.server == server
    assert plan.server_source == f"app kind {kind}"
    assert plan.notes == [f"server 'gunicorn' is ignored: a {kind} app is served by {server}"]
    assert plan.argv == [str(resources.launcher(server)), str(spec.entry_path)]
    assert plan.server_argv == [*SERVERS[server].program(c), str(spec.entry_path)]
    assert (plan.sizing, plan.run_user) == (None, None)
    assert choice.build_server(c, spec) == (None, [])


def test_gunicorn_config_apps_run_gunicorn_with_their_config(tmp_path):
    c = make_ctx(tmp_path)
    (c.app_home / "gunicorn.conf.py").write_text("wsgi_app = 'wsgi:application'\n")
    spec = AppSpec("gunicorn-config", c.app_home, "gunicorn.conf.py")
    plan = launch.plan(c, spec, None, PORT)
    assert plan.server == "gunicorn"
    assert plan.argv[1:3] == ["--config", str(spec.entry_path)]
    assert "--bind" not in plan.argv
    assert choice.build_server(c, spec) == ("gunicorn", [])


def test_openshift_gunicorn_settings_leave_the_sizing_to_web_concurrency(tmp_path):
    c = make_ctx(tmp_path, GUNICORN_CMD_ARGS="--timeout 5")
    plan = launch.plan(c, make_spec(c, "wsgi"), None, PORT)
    assert (plan.server, plan.server_source) == (
        "gunicorn",
        "GUNICORN_CMD_ARGS (gunicorn settings)",
    )
    assert "--workers" not in plan.argv
    assert plan.env["WEB_CONCURRENCY"] == "3"


def test_extra_args_come_last_but_before_waitress_app(tmp_path):
    c = make_ctx(tmp_path)
    (c.src / "pyproject.toml").write_text('[tool.warpdrive]\nserver-args = ["--extra"]\n')
    c = make_ctx(tmp_path)
    for server in WSGI_SERVERS:
        argv = launch.plan(c, make_spec(c, "wsgi"), server, PORT).argv
        assert argv.index("--extra") == len(argv) - (2 if server == "waitress" else 1)


def test_the_registry_is_the_one_list_of_servers():
    """What adding a server must provide: its module (found by the registry), its
    launcher, its pinned requirements for a WSGI server, and nothing listed by hand
    (--server's choices come from the registry)."""
    choices = choice.SERVER_CHOICES
    assert choices == ("auto", *WSGI_SERVERS)
    assert list(SERVERS) == [
        "mod_wsgi",
        "gunicorn",
        "waitress",
        "uwsgi",
        "shell",
        "python",
        "procfile",
    ]
    for name, server in SERVERS.items():
        assert server.name == name
        assert resources.launcher(name).is_file()
        packages = server.packages()
        assert bool(packages) == server.wsgi
        assert all("==" in requirement for requirement in packages)
    assert set(choice.OWN_SERVER) == {"shell", "python", "gunicorn-config", "procfile"}


def test_a_procfile_web_command_is_one_argument_of_its_launcher(tmp_path):
    """The command goes to `bash -c` as it is, never into warpdrive's own shell code;
    server-args do not apply (the command is the app's own)."""
    c = make_ctx(tmp_path)
    (c.src / "pyproject.toml").write_text('[tool.warpdrive]\nserver-args = ["--extra"]\n')
    c = make_ctx(tmp_path)
    web = "gunicorn wsgi:application --bind 0.0.0.0:$PORT; echo '$(x)' \"`y`\""
    spec = AppSpec("procfile", c.app_home, "Procfile", procfile={"web": web})
    plan = launch.plan(c, spec, "gunicorn", PORT)
    assert (plan.server, plan.server_source) == ("procfile", "app kind procfile")
    assert plan.argv == [str(resources.launcher("procfile")), web]
    assert plan.server_argv == ["bash", "-c", web]
    assert plan.env["PORT"] == str(PORT)
    assert plan.sizing is None
    assert plan.notes == ["server 'gunicorn' is ignored: a procfile app is served by procfile"]


def test_a_procfile_release_runs_where_migrations_run(tmp_path):
    c = make_ctx(tmp_path)
    spec = AppSpec("procfile", c.app_home, "Procfile", procfile={"web": "w", "release": "r"})
    assert migrate_policy(c, spec) == (True, "the Procfile has a release: line")
    off = make_ctx(tmp_path, WARPDRIVE_MIGRATE="off")
    assert migrate_policy(off, spec) == (False, "env WARPDRIVE_MIGRATE=off")
    assert migrate_policy(make_ctx(tmp_path, DISABLE_MIGRATE="1"), spec)[0] is False
    spec.procfile.pop("release")
    assert migrate_policy(c, spec)[0] is False
