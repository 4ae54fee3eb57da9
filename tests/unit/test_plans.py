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
from warpdrive.errors import ServerWrongInterface
from warpdrive.serve import choice, launch
from warpdrive.serve.launch import LaunchPlan
from warpdrive.serve.pipeline import migrate_policy
from warpdrive.serve.servers import SERVERS, WSGI_SERVERS
from warpdrive.serve.servers.base import ASGI_WRAPPER, WRAPPER
from warpdrive.serve.servers.twisted import ROOT as TWISTED_ROOT

# The servers --server can name, by the interfaces they run.
WSGI_RUNNERS = [n for n in WSGI_SERVERS if "wsgi" in SERVERS[n].interfaces]
ASGI_RUNNERS = [n for n in WSGI_SERVERS if "asgi" in SERVERS[n].interfaces]
PORT = 8123
# The servers that cannot load a Paste Deploy app themselves: the wrapper loads it.
WRAPS_PASTE = ("waitress", "granian")
# The servers that load every app through the wrapper, and how their argv names it.
ALWAYS_WRAPS = {"twisted": f"--class={TWISTED_ROOT}"}
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
    if server in ALWAYS_WRAPS:
        return args[-1] == ALWAYS_WRAPS[server]
    wrapped = spec.static or (server in WRAPS_PASTE and spec.kind == "paste")
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
        "granian": option(args, "--host") == ["0.0.0.0"]  # noqa: S104
        and option(args, "--port") == [str(PORT)],
        "twisted": args[:2] == ["--log-format=text", "web"]
        and f"--listen=tcp:{PORT}:interface=0.0.0.0" in args,
    }[server]


def sized(server: str, args: list[str], env: dict[str, str]) -> bool:
    if server == "twisted":  # one process, its pool sized by the wrapper
        return env["WARPDRIVE_TWISTED_THREADS"] == "12"
    if server == "waitress":  # one process with every thread
        return "--threads=12" in args
    if server == "granian":
        return option(args, "--workers") == ["3"] and option(args, "--blocking-threads") == ["4"]
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
@pytest.mark.parametrize("server", WSGI_RUNNERS)
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
    assert sized(server, args, plan.env), args
    assert serves_static(server, plan, spec.static[0].directory)
    assert plan.sizing is not None
    assert plan.env["PORT"] == str(PORT)
    assert plan.env["WARPDRIVE_APP_HOME"] == str(spec.app_home)
    root = os.geteuid() == 0
    assert plan.run_user == ("www-data" if root and server == "mod_wsgi" else None)
    assert ("www-data" in option(args, "--user")) == (plan.run_user is not None)
    assert LaunchPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan


@pytest.mark.parametrize("server", WSGI_RUNNERS)
def test_without_static_files_no_wrapper_unless_the_server_needs_it(tmp_path, server):
    c = make_ctx(tmp_path)
    for kind in ("wsgi", "paste"):
        spec = make_spec(c, kind, static=False)
        plan = launch.plan(c, spec, server, PORT)
        wrapped = (server in WRAPS_PASTE and kind == "paste") or server in ALWAYS_WRAPS
        assert (WRAPPER in plan.argv) == (wrapped and server not in ALWAYS_WRAPS)
        assert ("WARPDRIVE_WSGI_APP" in plan.env) == wrapped
        if server in ALWAYS_WRAPS:
            assert plan.argv[-1] == ALWAYS_WRAPS[server]
            assert plan.env["WARPDRIVE_WSGI_APP"] == launch.wrapper_target(spec)
            assert json.loads(plan.env["WARPDRIVE_STATIC"]) == []
        assert SERVERS[server].wraps(spec) == wrapped
        assert "--url-alias" not in plan.argv
        assert "--static-map" not in plan.argv


@pytest.mark.parametrize("static", [True, False])
@pytest.mark.parametrize("server", WSGI_RUNNERS)
def test_an_app_factory_is_loaded_through_the_wrapper_by_every_server(tmp_path, server, static):
    c = make_ctx(tmp_path)
    spec = make_spec(c, "wsgi", static=static)
    spec.factory_args = "'production', debug=False"
    plan = launch.plan(c, spec, server, PORT)
    assert SERVERS[server].wraps(spec)
    assert plan.env["WARPDRIVE_WSGI_APP"] == "wsgi:application('production', debug=False)"
    wrapper_dir = resources.data_dir("server-scripts") / "wsgi"
    assert str(wrapper_dir) in plan.env["PYTHONPATH"].split(os.pathsep)
    if server == "mod_wsgi":
        assert option(plan.argv, "--entry-point") == [str(wrapper_dir / "warpdrive_wsgi.py")]
    elif server == "uwsgi":
        assert option(plan.argv, "--module") == [WRAPPER]
    elif server in ALWAYS_WRAPS:
        assert plan.argv[-1] == ALWAYS_WRAPS[server]
    else:
        assert plan.argv[-1] == WRAPPER
    # Servers that serve the static files themselves keep doing so: no WhiteNoise too.
    mounts = json.loads(plan.env["WARPDRIVE_STATIC"])
    assert bool(mounts) == (static and not SERVERS[server].serves_static)


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


def test_a_gunicorn_conf_py_without_wsgi_app_means_gunicorn_reading_it(tmp_path):
    """gunicorn reads ./gunicorn.conf.py itself (it starts in the app's home): auto
    serves with gunicorn, and no sizing option on the command line beats the file's."""
    c = make_ctx(tmp_path)
    spec = make_spec(c, "wsgi")
    (c.app_home / "gunicorn.conf.py").write_text("timeout = 90\n")
    plan = launch.plan(c, spec, None, PORT)
    assert (plan.server, plan.server_source) == ("gunicorn", "gunicorn.conf.py (gunicorn settings)")
    assert "--workers" not in plan.argv and "--config" not in plan.argv
    assert plan.env["WEB_CONCURRENCY"] == "3"
    assert choice.build_server(c, spec) == ("gunicorn", [])


def test_extra_args_come_last_but_before_waitress_app(tmp_path):
    c = make_ctx(tmp_path)
    (c.src / "pyproject.toml").write_text('[tool.warpdrive]\nserver-args = ["--extra"]\n')
    c = make_ctx(tmp_path)
    for server in WSGI_RUNNERS:
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
        "uvicorn",
        "granian",
        "twisted",
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


def make_asgi_spec(c: context.Context, static: bool = True) -> AppSpec:
    home = c.app_home
    mounts = []
    if static:
        (home / "static").mkdir(exist_ok=True)
        mounts = [StaticMount("/static/", home / "static")]
    (home / "main.py").write_text("async def app(scope, receive, send): pass\n")
    return AppSpec("asgi", home, "main:app", "main", "app", static=mounts, interface="asgi")


@pytest.mark.parametrize("static", [True, False])
@pytest.mark.parametrize("server", ASGI_RUNNERS)
def test_asgi_servers_plan_an_asgi_app(tmp_path, server, static):
    c = make_ctx(tmp_path)
    spec = make_asgi_spec(c, static)
    plan = launch.plan(c, spec, server, PORT)
    program = SERVERS[server].program(c)
    args = plan.server_argv[len(program) :]
    assert args == plan.argv[1:]
    # The processes from WEB_CONCURRENCY; one event loop (thread) each.
    assert plan.sizing is not None
    assert (plan.sizing.processes, plan.sizing.threads) == (3, 1)
    assert "--threads" not in args
    assert option(args, "--workers") == ["3"]
    if static:
        assert args[-1] == ASGI_WRAPPER
        assert plan.env["WARPDRIVE_ASGI_APP"] == "main:app"
        assert "WARPDRIVE_WSGI_APP" not in plan.env
        assert json.loads(plan.env["WARPDRIVE_STATIC"]) == [["/static/", str(home_static(spec))]]
        assert "servestatic" in SERVERS[server].needed_packages(spec)
    else:
        assert args[-1] == "main:app"
        assert "WARPDRIVE_ASGI_APP" not in plan.env
        # uvicorn needs its fast event loop and HTTP parser, gunicorn's ASGI worker the
        # loop; uvicorn's websockets is optional.
        speedups = {"uvicorn": ["uvloop", "httptools"], "gunicorn": ["uvloop"]}.get(server, [])
        assert SERVERS[server].needed_packages(spec) == speedups
    assert "whitenoise" not in SERVERS[server].needed_packages(spec)
    if server == "uvicorn":
        assert option(args, "--host") == ["0.0.0.0"]  # noqa: S104
        assert option(args, "--port") == [str(PORT)]
        assert option(args, "--timeout-graceful-shutdown") == ["8"]
        assert option(args, "--app-dir") == [str(spec.app_home)]
    if server == "gunicorn":
        assert option(args, "--bind") == [f"0.0.0.0:{PORT}"]
        assert option(args, "--worker-class") == ["asgi"]
    if server == "granian":
        assert option(args, "--interface") == ["asgi"]
        assert "--blocking-threads" not in args
    assert LaunchPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan


@pytest.mark.parametrize("static", [True, False])
@pytest.mark.parametrize("server", [None, *ASGI_RUNNERS])
def test_an_asgi_app_factory_is_loaded_through_the_asgi_wrapper(tmp_path, server, static):
    c = make_ctx(tmp_path)
    spec = make_asgi_spec(c, static)
    spec.callable, spec.factory_args = "create_app", "greeting='hello'"
    plan = launch.plan(c, spec, server, PORT)
    assert SERVERS[plan.server].wraps(spec)
    assert plan.argv[-1] == ASGI_WRAPPER
    assert plan.env["WARPDRIVE_ASGI_APP"] == "main:create_app(greeting='hello')"
    wrapper_dir = resources.data_dir("server-scripts") / "wsgi"
    assert plan.env["PYTHONPATH"].split(os.pathsep) == [str(wrapper_dir), str(spec.app_home)]
    mounts = json.loads(plan.env["WARPDRIVE_STATIC"])
    assert bool(mounts) == static
    # ServeStatic only when there are static files to serve.
    assert ("servestatic" in SERVERS[plan.server].needed_packages(spec)) == static


def home_static(spec: AppSpec) -> Path:
    return spec.static[0].directory


def test_auto_serves_an_asgi_app_with_uvicorn(tmp_path):
    c = make_ctx(tmp_path)
    spec = make_asgi_spec(c)
    assert choice.build_server(c, spec) == ("uvicorn", [])
    plan = launch.plan(c, spec, None, PORT)
    assert (plan.server, plan.server_source) == ("uvicorn", "default auto: uvicorn for an ASGI app")
    # A WSGI app never gets uvicorn from auto.
    assert choice.build_server(c, make_spec(c, "wsgi"))[0] != "uvicorn"


@pytest.mark.parametrize("server", [n for n in WSGI_SERVERS if n not in ASGI_RUNNERS])
def test_wsgi_only_servers_refuse_an_asgi_app(tmp_path, server):
    c = make_ctx(tmp_path)
    spec = make_asgi_spec(c)
    for call in (
        lambda: launch.plan(c, spec, server, PORT),
        lambda: choice.build_server(c, spec, server),
    ):
        with pytest.raises(ServerWrongInterface) as refused:
            call()
        assert refused.value.message == (
            f"server {server} (from --server) cannot run ASGI apps; "
            + ", ".join(ASGI_RUNNERS)
            + " can"
        )
        assert "\n" not in refused.value.message
    assert {"mod_wsgi", "waitress", "uwsgi", "twisted"} <= {
        n for n in WSGI_SERVERS if n not in ASGI_RUNNERS
    }


def test_an_asgi_only_server_refuses_a_wsgi_app(tmp_path):
    c = make_ctx(tmp_path, WARPDRIVE_SERVER_TYPE="uvicorn")
    with pytest.raises(ServerWrongInterface) as refused:
        launch.plan(c, make_spec(c, "wsgi"), None, PORT)
    assert refused.value.message.startswith(
        "server uvicorn (from env WARPDRIVE_SERVER_TYPE) cannot run WSGI apps; mod_wsgi, gunicorn"
    )


def test_older_records_are_wsgi(tmp_path):
    c = make_ctx(tmp_path)
    data = make_spec(c, "wsgi").to_json()
    del data["interface"]
    assert AppSpec.from_json(data).interface == "wsgi"
    asgi = make_asgi_spec(c)
    assert AppSpec.from_json(json.loads(json.dumps(asgi.to_json()))) == asgi


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


def test_granian_plans_a_wsgi_and_an_asgi_app(tmp_path):
    c = make_ctx(tmp_path)
    for spec, interface in ((make_spec(c, "wsgi"), "wsgi"), (make_asgi_spec(c), "asgi")):
        args = launch.plan(c, spec, "granian", PORT).argv[1:]
        assert args[:8] == [
            "--interface",
            interface,
            "--host",
            "0.0.0.0",  # noqa: S104
            "--port",
            str(PORT),
            "--workers",
            "3",
        ]
        assert option(args, "--blocking-threads") == (["4"] if interface == "wsgi" else [])
        assert option(args, "--workers-kill-timeout") == ["8"]
        assert option(args, "--working-dir") == [str(spec.app_home)]
        assert "--access-log" in args
        assert args[-1] == (WRAPPER if interface == "wsgi" else ASGI_WRAPPER)
    needed = SERVERS["granian"].needed_packages
    assert needed(make_spec(c, "wsgi")) == ["whitenoise"]
    assert needed(make_asgi_spec(c)) == ["servestatic"]
    assert needed(make_spec(c, "wsgi", static=False)) == []


def test_twisted_runs_one_process_with_every_thread_and_a_graceful_stop(tmp_path):
    c = make_ctx(tmp_path)
    spec = make_spec(c, "django")
    plan = launch.plan(c, spec, "twisted", PORT)
    assert plan.server_argv == [
        str(c.app_root / "bin" / "twist"),
        "--log-format=text",
        "web",
        f"--listen=tcp:{PORT}:interface=0.0.0.0",
        "--class=warpdrive_twisted.Root",
    ]
    assert plan.sizing is not None
    assert (plan.sizing.processes, plan.sizing.threads) == (1, 12)
    assert plan.sizing.source.startswith("twisted runs 1 process: processes from ")
    assert plan.env["WARPDRIVE_TWISTED_THREADS"] == "12"
    assert plan.env["WARPDRIVE_TWISTED_GRACEFUL_SECONDS"] == "8"
    assert plan.env["WARPDRIVE_WSGI_APP"] == "mysite.wsgi:application"
    wrapper_dir = resources.data_dir("server-scripts") / "wsgi"
    assert (wrapper_dir / "warpdrive_twisted.py").is_file()
    assert plan.env["PYTHONPATH"].split(os.pathsep) == [str(wrapper_dir), str(spec.app_home)]
    # WhiteNoise only when there are static files; no ASGI static package ever.
    assert SERVERS["twisted"].needed_packages(spec) == ["whitenoise"]
    assert SERVERS["twisted"].needed_packages(make_spec(c, "wsgi", static=False)) == []


@pytest.mark.parametrize(
    ("config", "port", "known"),
    [
        ('bind = "0.0.0.0:8081"\n', 8081, True),
        ('bind = ["127.0.0.1:9001", "[::]:9001"]\n', 9001, True),
        ('import os\nbind = "0.0.0.0:" + os.environ["PORT"]\n', 8080, False),
    ],
)
def test_an_app_config_that_binds_keeps_its_bind_unless_a_port_is_asked_for(
    tmp_path, config, port, known
):
    c = make_ctx(tmp_path, APP_CONFIG="conf.py")
    (c.app_home / "conf.py").write_text(config)
    spec = make_spec(c, "wsgi")
    plan = launch.plan(c, spec)
    assert "--bind" not in plan.argv
    assert (plan.port, plan.port_known, plan.bind_config) == (port, known, "conf.py")
    assert plan.env["PORT"] == str(port)
    assert LaunchPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan
    asked = launch.plan(c, spec, None, PORT)
    assert option(asked.argv, "--bind") == [f"0.0.0.0:{PORT}"]
    assert (asked.port, asked.bind_config) == (PORT, None)


def test_an_app_config_without_bind_gets_the_port(tmp_path):
    c = make_ctx(tmp_path, APP_CONFIG="conf.py")
    (c.app_home / "conf.py").write_text("workers = 2\nbinder = 'not it'\n")
    plan = launch.plan(c, make_spec(c, "wsgi"))
    assert option(plan.argv, "--bind") == ["0.0.0.0:8080"]
    assert (plan.port_source, plan.bind_config) == ("the default", None)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "C.UTF-8"}, "C.UTF-8"),
        ({"LC_ALL": "C.utf8", "LANG": "xx_YY.UTF-8"}, "C.utf8"),
        ({"LANG": "xx_YY.UTF-8"}, "C.UTF-8"),  # not on this machine
        ({"LC_ALL": "C"}, "C.UTF-8"),
        ({}, "C.UTF-8"),
    ],
)
def test_mod_wsgi_runs_the_app_in_the_environments_utf8_locale(env, expected):
    from warpdrive.serve.servers.mod_wsgi import app_locale

    assert app_locale(env) == expected
