"""`warpdrive start` against real servers on loopback ports: every app kind under
every server, as root (as CI runs) and as an ordinary user."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support import IN_CI, ROOT, require_tool
from tests.support.apps import BODIES, Apps, copy_app, need_system_python, world_readable_dir
from tests.support.cli import base_env
from tests.support.http import free_port, get, serving, spawn, stop, wait_for_http
from warpdrive.serve.servers import SERVERS as REGISTRY

SERVERS = ("mod_wsgi", "gunicorn", "waitress", "uwsgi")
USER = "wdtest"


def need_user() -> str:
    try:
        import pwd

        pwd.getpwnam(USER)
    except KeyError:
        message = f"user {USER} is missing (.ci/run creates it)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    return USER


@pytest.fixture(scope="session")
def open_dir():
    """A world-readable work directory: mod_wsgi's unprivileged user and the ordinary
    test user must reach the apps."""
    with world_readable_dir("warpdrive-open-") as path:
        yield path


@pytest.fixture(scope="session")
def root_apps(open_dir, shared_cache) -> Apps:
    base = open_dir / "root"
    base.mkdir()
    return Apps.as_root(base, shared_cache)


@pytest.fixture(scope="session")
def user_apps(open_dir) -> Apps:
    """warpdrive installed from this checkout on Debian's Python, run as an ordinary user."""
    user = need_user()
    base = open_dir / "user"
    base.mkdir()
    venv = open_dir / "wd-venv"
    subprocess.run([need_system_python(), "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin/pip"), "install", "-q", str(ROOT)], check=True, cwd=open_dir)
    home = Path(f"/home/{user}")
    env = {
        **base_env(base / "home"),
        "HOME": str(home),
        "USER": user,
        "LOGNAME": user,
        "WARPDRIVE_CACHE_DIR": str(base / "cache"),
    }
    return Apps(base, env, str(venv / "bin/warpdrive"), user)


def check_serves(server, kind: str) -> None:
    status, body = server.get("/")
    assert (status, body) == (200, BODIES[kind]), server.log.read_text()
    if kind == "django":
        status, _, headers = get(server.port, "/static/admin/css/base.css")
        assert status == 200
        assert headers["content-type"].startswith("text/css")


MATRIX = [(kind, server) for kind in ("wsgi", "django", "paste") for server in SERVERS]


@pytest.mark.parametrize(("kind", "server"), MATRIX)
def test_matrix_as_root(root_apps, kind, server):
    if server == "mod_wsgi":
        require_tool("apxs")
    src = root_apps.build(kind, server)
    with serving(root_apps.env, src, server) as running:
        check_serves(running, kind)


@pytest.mark.parametrize("kind", ["python", "shell", "procfile"])
def test_own_server_kinds_as_root(root_apps, kind):
    src = root_apps.build(kind)
    with serving(root_apps.env, src) as running:
        check_serves(running, kind)


def test_a_procfile_runs_its_release_then_its_web_command(root_apps):
    """release: runs first, in the app home with the environment's Python on PATH; the
    web: command is run by a shell ($PORT expanded) that execs it: the server is the
    process `start` had, and SIGTERM stops it cleanly."""
    src = root_apps.app("procfile", copy="procfile_release")
    (src / "Procfile").write_text(
        "web: gunicorn wsgi:application --bind 0.0.0.0:$PORT --access-logfile -\n"
        'release: echo "released with $(command -v python)" > release.txt\n'
    )
    root_apps.build("procfile", copy="procfile_release")
    info = root_apps.run("info", cwd=src).stdout
    assert "procfile:     web: gunicorn wsgi:application --bind 0.0.0.0:$PORT" in info
    assert "server argv:  bash -c 'gunicorn wsgi:application --bind 0.0.0.0:$PORT" in info
    app_root = json.loads(root_apps.run("info", "--json", cwd=src).stdout)["app_root"]
    with serving(root_apps.env, src) as running:
        check_serves(running, "procfile")
        released = (src / "release.txt").read_text()
        assert released == f"released with {app_root}/bin/python\n"
        cmdline = Path(f"/proc/{running.process.pid}/cmdline").read_bytes().split(b"\0")
        assert cmdline[1].endswith(b"/gunicorn"), cmdline
        assert stop(running.process) < 10
        assert running.process.returncode == 0, running.log.read_text()
    log = running.log.read_text()
    assert log.index("Running the Procfile's release: command") < log.index("Starting procfile")


def test_a_failing_procfile_release_stops_the_start(root_apps):
    src = root_apps.app("procfile", copy="procfile_release_fails")
    (src / "Procfile").write_text("web: gunicorn wsgi:application\nrelease: echo no db; exit 3\n")
    root_apps.build("procfile", copy="procfile_release_fails")
    result = root_apps.run("start", "--port", str(free_port()), cwd=src)
    assert result.returncode == 1
    assert "error: Procfile release: failed with exit code 3: no db" in result.stderr
    assert "Starting procfile" not in result.stderr
    # Where a platform runs it once per deployment (`warpdrive migrate`), starts skip it.
    (src / "Procfile").write_text(
        "web: gunicorn wsgi:application --bind 0.0.0.0:$PORT\nrelease: exit 3\n"
    )
    with serving(root_apps.env, src, extra={"WARPDRIVE_MIGRATE": "off"}) as running:
        check_serves(running, "procfile")
    failed = root_apps.run("migrate", cwd=src)
    assert failed.returncode == 1
    assert "error: Procfile release: failed with exit code 3" in failed.stderr


@pytest.mark.parametrize("server", ["mod_wsgi", "gunicorn"])
def test_a_pyramid_starter_project_is_served(root_apps, server):
    """Laid out as Pyramid's starter makes a project: production.ini's [app:main] is
    `use = egg:myproject`, the entry point of the project the build installs."""
    src = root_apps.build("pyramid_starter", server)
    info = json.loads(root_apps.run("info", "--json", cwd=src).stdout)
    assert (info["spec"]["kind"], info["spec"]["entry"]) == ("paste", "production.ini")
    with serving(root_apps.env, src, server) as running:
        assert running.get("/") == (200, b"Hello from Pyramid"), running.log.read_text()


@pytest.mark.parametrize(
    ("kind", "server"), [*MATRIX, ("python", None), ("shell", None), ("procfile", None)]
)
def test_matrix_as_an_ordinary_user(user_apps, kind, server):
    if server == "mod_wsgi":
        require_tool("apxs")
    src = user_apps.build(kind, server)
    with serving(
        user_apps.env, src, server, warpdrive=user_apps.warpdrive, user=user_apps.user
    ) as running:
        check_serves(running, kind)
        if server == "mod_wsgi":
            # No user switch without root: the server runs as the user who started it.
            argv = user_apps.run("start", "--dry-run", "--server", "mod_wsgi", cwd=src).stdout
            assert "--user" not in argv


@pytest.mark.parametrize(
    ("server", "program"),
    [("gunicorn", b"gunicorn"), ("waitress", b"warpdrive_waitress.py"), ("uwsgi", b"uwsgi")],
)
def test_started_process_is_the_server_itself(root_apps, server, program):
    """After the exec chain (warpdrive, launcher, server) no shell or Python parent
    is left: the PID `start` had is the server's."""
    src = root_apps.build("wsgi", server)
    with serving(root_apps.env, src, server) as running:
        cmdline = Path(f"/proc/{running.process.pid}/cmdline").read_bytes().split(b"\0")
        assert any(part.endswith(program) for part in cmdline[:2]), cmdline
        assert not any(
            part.endswith((b"/warpdrive", b"/start-" + server.encode())) for part in cmdline
        )


def test_dry_run_prints_the_exact_argv(root_apps):
    src = root_apps.build("wsgi", "gunicorn")
    result = root_apps.run("start", "--dry-run", "--server", "gunicorn", "--port", "9345", cwd=src)
    assert result.returncode == 0, result.stderr
    info = json.loads(
        root_apps.run("info", "--json", "--server", "gunicorn", "--port", "9345", cwd=src).stdout
    )
    import shlex

    assert shlex.split(result.stdout) == info["launch"]["argv"]
    assert Path(info["launch"]["argv"][0]).name == "start-gunicorn"


def test_auto_serves_the_server_the_last_build_installed(root_apps):
    require_tool("apxs")
    src = root_apps.build("wsgi", "gunicorn")
    result = root_apps.run("start", "--dry-run", cwd=src)
    assert Path(result.stdout.split()[0]).name == "start-gunicorn"
    with serving(root_apps.env, src) as running:
        check_serves(running, "wsgi")
    # gunicorn was chosen, not settled for: nothing to say about mod_wsgi.
    assert "notice:" not in running.log.read_text()
    src = root_apps.build("wsgi", "mod_wsgi")
    result = root_apps.run("start", "--dry-run", cwd=src)
    assert Path(result.stdout.split()[0]).name == "start-mod_wsgi"


def test_port_from_port_variables_and_flag(root_apps):
    src = root_apps.build("wsgi", "gunicorn")
    for extra, args, expected in (
        ({}, (), "8080"),
        ({"WARPDRIVE_HTTP_PORT": "8111"}, (), "8111"),
        ({"PORT": "8222", "WARPDRIVE_HTTP_PORT": "8111"}, (), "8222"),
        ({"PORT": "8222"}, ("--port", "8333"), "8333"),
    ):
        out = root_apps.run(
            "start", "--dry-run", "--server", "gunicorn", *args, cwd=src, extra=extra
        )
        assert f"--bind 0.0.0.0:{expected}" in out.stdout, (extra, args, out.stderr)


def test_migrations_run_at_start_for_sqlite(root_apps):
    src = root_apps.build("django", "gunicorn")
    database = src / "db.sqlite3"
    database.unlink(missing_ok=True)
    with serving(root_apps.env, src, "gunicorn") as running:
        assert running.get("/admin/login/")[0] == 200
    assert "Migrating: WARPDRIVE_MIGRATE=auto and the database is SQLite" in running.log.read_text()
    with sqlite3.connect(database) as db:
        applied = db.execute("select count(*) from django_migrations").fetchone()[0]
    assert applied > 10


@pytest.mark.parametrize("extra", [{"WARPDRIVE_MIGRATE": "off"}, {"DISABLE_MIGRATE": "1"}])
def test_migrations_switched_off(root_apps, extra):
    src = root_apps.build("django", "gunicorn")
    database = src / "db.sqlite3"
    database.unlink(missing_ok=True)
    with serving(root_apps.env, src, "gunicorn", extra=extra) as running:
        assert running.get("/")[0] == 200
    assert "Migrating" not in running.log.read_text()
    assert not database.exists() or database.stat().st_size == 0
    result = root_apps.run("migrate", cwd=src, extra=extra)
    assert result.returncode == 0, result.stderr
    assert "-----> Running Django migrations" in result.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from django_migrations").fetchone()[0] > 10


def migrations_step(root_apps, src: Path, extra: dict[str, str] | None = None) -> str:
    """The migrations line of a start that stops at the port check: the migrations run
    before it, and nothing is served (the port is taken)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = root_apps.run("start", "--port", port, cwd=src, extra=extra)
    assert result.returncode == 2, result.stderr
    assert f"error: port {port} (from --port) is already in use" in result.stderr
    lines = [line for line in result.stderr.splitlines() if "igrat" in line]
    return lines[0] if lines else ""


def applied_migrations(database: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(database)) as db:
        rows = db.execute("select app, name from django_migrations").fetchall()
    return {f"{app}.{name}" for app, name in rows}


MIGRATING = "-----> Migrating: WARPDRIVE_MIGRATE=auto and the database is SQLite"
NOT_MIGRATING = "-----> Not migrating: nothing changed since the last migrate"


def test_start_skips_a_migrate_that_would_do_nothing(root_apps):
    """Under auto, a start after a successful migrate skips Django's migrate while the
    migrations, the environment and the database are as that migrate left them; a new
    migration, a deleted or an older database, or another variable migrate again."""
    src = root_apps.build("django", "gunicorn", copy="django_migrate_skip")
    database = src / "db.sqlite3"
    database.unlink(missing_ok=True)
    with serving(root_apps.env, src, "gunicorn") as running:
        assert running.get("/admin/login/")[0] == 200
    assert MIGRATING in running.log.read_text()
    first = applied_migrations(database)
    assert "auth.0001_initial" in first
    with serving(root_apps.env, src, "gunicorn") as running:
        assert running.get("/admin/login/")[0] == 200
    assert NOT_MIGRATING in running.log.read_text()
    assert "Running Django migrations" not in running.log.read_text()

    # A migration added to the source is applied by the next start, and only that one.
    new = src / "hello/migrations/0001_initial.py"
    new.write_text(
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n    operations = []\n"
    )
    assert migrations_step(root_apps, src) == MIGRATING
    assert applied_migrations(database) == first | {"hello.0001_initial"}
    assert migrations_step(root_apps, src) == NOT_MIGRATING

    # The database deleted: migrated afresh.
    database.unlink()
    assert migrations_step(root_apps, src) == MIGRATING
    assert applied_migrations(database) == first | {"hello.0001_initial"}
    assert migrations_step(root_apps, src) == NOT_MIGRATING

    # An older database put in its place (a migration missing): migrated again.
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("delete from django_migrations where app = 'hello'")
    assert migrations_step(root_apps, src) == MIGRATING
    assert "hello.0001_initial" in applied_migrations(database)

    # Another value of a variable the settings might read; WARPDRIVE_MIGRATE=on.
    assert migrations_step(root_apps, src, {"DATABASE_NAME": "other"}) == MIGRATING
    assert migrations_step(root_apps, src, {"DATABASE_NAME": "other"}) == NOT_MIGRATING
    on = {"DATABASE_NAME": "other", "WARPDRIVE_MIGRATE": "on"}
    assert migrations_step(root_apps, src, on) == "-----> Migrating: env WARPDRIVE_MIGRATE=on"


def test_server_args_are_passed_literally(root_apps, tmp_path):
    src = root_apps.build("wsgi_slow", "gunicorn")
    mark = Path(tempfile.gettempdir()) / f"warpdrive-injected-{os.getpid()}"
    args_file = src / ".warpdrive/server_args/gunicorn"
    args_file.parent.mkdir(parents=True, exist_ok=True)
    args_file.write_text(f"--env\nMARK=$(touch {mark}) `touch {mark}` ; touch {mark}\n")
    try:
        with serving(root_apps.env, src, "gunicorn") as running:
            status, body = running.get("/env/MARK")
        assert status == 200
        assert body.decode() == f"$(touch {mark}) `touch {mark}` ; touch {mark}"
        assert not mark.exists()
    finally:
        args_file.unlink()


def test_server_args_from_pyproject(root_apps):
    src = root_apps.build("wsgi_slow", "uwsgi")
    (src / "pyproject.toml").write_text(
        '[tool.warpdrive.server-args]\nuwsgi = ["--env", "MARK=from pyproject"]\n'
    )
    try:
        with serving(root_apps.env, src, "uwsgi") as running:
            assert running.get("/env/MARK") == (200, b"from pyproject")
    finally:
        (src / "pyproject.toml").unlink()


def test_deploy_hook_runs_at_every_start(root_apps):
    src = root_apps.build("wsgi_slow", "gunicorn")
    hook = src / ".warpdrive/action_hooks/deploy"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(
        '#!/bin/sh\necho "deploy hook on port $PORT" >> "$WARPDRIVE_APP_ROOT/data/deploys"\n'
    )
    hook.chmod(0o755)
    try:
        for _ in range(2):
            with serving(root_apps.env, src, "gunicorn") as running:
                assert running.get("/")[0] == 200
        deploys = Path(root_apps.env["WARPDRIVE_HOME"], "warpdrive+wsgi_slow/data/deploys")
        assert len(deploys.read_text().splitlines()) == 2
    finally:
        hook.unlink()


def test_mod_wsgi_reload_on_changes(root_apps):
    require_tool("apxs")
    src = root_apps.build("wsgi_slow", "mod_wsgi")
    wsgi = src / "wsgi.py"
    original = wsgi.read_text()
    try:
        with serving(
            root_apps.env, src, "mod_wsgi", extra={"MOD_WSGI_RELOAD_ON_CHANGES": "1"}
        ) as running:
            assert running.get("/") == (200, b"fixture ok")
            wsgi.write_text(original.replace('b"fixture ok"', 'b"fixture changed"'))
            deadline = time.monotonic() + 20
            while running.get("/")[1] != b"fixture changed" and time.monotonic() < deadline:
                time.sleep(0.5)
            assert running.get("/") == (200, b"fixture changed")
    finally:
        wsgi.write_text(original)


def test_mod_wsgi_variables_become_options(root_apps):
    require_tool("apxs")
    src = root_apps.build("wsgi_slow", "mod_wsgi")
    extra = {
        "MOD_WSGI_MAX_CLIENTS": "40",
        "MOD_WSGI_RELOAD_ON_CHANGES": "1",
        "MOD_WSGI_ENABLE_SENDFILE": "0",
        "MOD_WSGI_URL_ALIAS": "/media /srv/media",
    }
    out = root_apps.run("start", "--dry-run", "--server", "mod_wsgi", cwd=src, extra=extra).stdout
    assert "--max-clients 40" in out
    assert "--reload-on-changes" in out
    assert "--enable-sendfile" not in out
    assert "--url-alias /media /srv/media" in out
    bad = root_apps.run(
        "start",
        "--dry-run",
        "--server",
        "mod_wsgi",
        cwd=src,
        extra={"MOD_WSGI_URL_ALIAS": "/media"},
    )
    assert bad.returncode == 2
    assert "error: MOD_WSGI_URL_ALIAS='/media' is not valid" in bad.stderr


def test_mod_wsgi_reuses_its_configuration_while_nothing_changed(root_apps):
    """A start on the same port with the same inputs runs Apache from the configuration
    the last start wrote; a changed option or a changed environment writes it anew."""
    require_tool("apxs")
    src = root_apps.build("wsgi_slow", "mod_wsgi")
    port = free_port()
    app_root = Path(root_apps.env["WARPDRIVE_HOME"], "warpdrive+wsgi_slow")
    conf = app_root / "tmp" / f"mod_wsgi-{port}" / "httpd.conf"
    reused = "is up to date: not running mod_wsgi-express"

    def start(threads: str) -> str:
        log = src.parent / f"server-{port}.log"
        log.unlink(missing_ok=True)
        extra = {"MOD_WSGI_THREADS": threads}
        with serving(root_apps.env, src, "mod_wsgi", extra=extra, port=port) as running:
            assert running.get("/") == (200, b"fixture ok")
        return log.read_text(errors="replace")

    first = start("3")
    assert reused not in first
    assert "Server URL" in first  # mod_wsgi-express's summary: it ran
    written = conf.stat().st_mtime_ns
    assert reused in start("3")
    assert conf.stat().st_mtime_ns == written
    changed = start("4")
    assert reused not in changed
    assert "threads=4 " in conf.read_text()
    assert reused in start("4")
    # A package installed or removed by hand changes the environment's site-packages.
    site = next(app_root.glob("lib/python*/site-packages"))
    os.utime(site)
    assert reused not in start("4")
    assert reused in start("4")


def test_mod_wsgi_option_table_matches_the_installed_mod_wsgi(root_apps):
    require_tool("apxs")
    from warpdrive.serve.servers import mod_wsgi_options

    src = root_apps.build("wsgi_slow", "mod_wsgi")
    express = Path(root_apps.env["WARPDRIVE_HOME"], "warpdrive+wsgi_slow/bin/mod_wsgi-express")
    text = subprocess.run(
        [str(express), "start-server", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=src,
    ).stdout
    assert mod_wsgi_options.parse_help(text) == mod_wsgi_options.options()


def test_root_checks_what_mod_wsgi_user_cannot_read(root_apps):
    require_tool("apxs")
    src = root_apps.build("wsgi_slow", "mod_wsgi")
    src.chmod(0o700)
    try:
        result = root_apps.run(
            "start", "--server", "mod_wsgi", cwd=src, extra={"PORT": str(free_port())}
        )
    finally:
        src.chmod(0o755)
    assert result.returncode == 2
    assert (
        f"error: user www-data, whom mod_wsgi runs the app as, cannot read the app home {src}"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_root_refuses_a_python_the_run_user_cannot_read(root_apps, tmp_path):
    """An environment on a Python under /root (as pyenv installs it) is caught before
    Apache starts, instead of every request failing with 504."""
    require_tool("apxs")
    src = copy_app("wsgi_slow", root_apps.base / "src" / "private-python")
    private = sys._base_executable
    if not private.startswith("/root/"):
        pytest.skip("warpdrive's own Python is not under /root here")
    assert root_apps.run("activate", "--python", private, cwd=src).returncode == 0
    assert root_apps.run("build", "--server", "mod_wsgi", cwd=src).returncode == 0
    result = root_apps.run(
        "start", "--server", "mod_wsgi", cwd=src, extra={"PORT": str(free_port())}
    )
    assert result.returncode == 2
    assert "cannot read the environment's Python /root/" in result.stderr


def test_run_user_setting(root_apps):
    require_tool("apxs")
    src = root_apps.build("wsgi_slow", "mod_wsgi")
    out = root_apps.run(
        "start", "--dry-run", cwd=src, extra={"WARPDRIVE_RUN_USER": "nobody"}
    ).stdout
    assert "--user nobody --group nogroup" in out
    missing = root_apps.run("start", "--dry-run", cwd=src, extra={"WARPDRIVE_RUN_USER": "ghost"})
    assert missing.returncode == 2
    assert "error: user 'ghost' (from env WARPDRIVE_RUN_USER) does not exist" in missing.stderr


@pytest.mark.parametrize("server", SERVERS)
def test_sigterm_lets_the_request_in_flight_finish(root_apps, server):
    """SIGTERM with a 3 s request in flight: it completes, and the server is gone
    within 10 s; idle, the server is gone within 2 s."""
    if server == "mod_wsgi":
        require_tool("apxs")
    src = root_apps.build("wsgi_slow", server)
    with serving(root_apps.env, src, server) as running:
        result = {}

        def slow_request():
            try:
                result["response"] = running.get("/slow")
            except OSError as exc:
                result["response"] = exc

        request = threading.Thread(target=slow_request)
        request.start()
        time.sleep(0.7)
        seconds = stop(running.process)
        request.join()
    assert result["response"] == (200, b"slow done"), running.log.read_text()
    assert running.process.returncode == 0
    assert seconds < 10
    with serving(root_apps.env, src, server) as idle:
        time.sleep(0.3)
        seconds = stop(idle.process)
    assert seconds < 2, idle.log.read_text()


def queue_warnings(env: dict[str, str], src: Path, seconds: str) -> list[str]:
    """waitress with one thread, given two bursts of ten requests that each wait 50 ms,
    1.2 s apart: the queue warnings it logged."""
    (src / ".warpdrive/server_args").mkdir(parents=True, exist_ok=True)
    (src / ".warpdrive/server_args/waitress").write_text(f"--queue-warning-seconds={seconds}\n")
    one_thread = {"WEB_CONCURRENCY": "1", "WARPDRIVE_THREADS": "1"}
    with serving(env, src, "waitress", extra=one_thread) as running:
        for burst in range(2):
            if burst:
                time.sleep(1.2)
            with ThreadPoolExecutor(10) as pool:
                answers = list(pool.map(lambda _: running.get("/pause"), range(10)))
            assert answers == [(200, b"paused")] * 10
    return [line for line in running.log.read_text().splitlines() if "Task queue depth" in line]


def test_waitress_sums_up_its_queue_warnings(root_apps):
    """waitress warns "Task queue depth is N" for every request that waits for a
    thread; warpdrive_waitress.py logs the first, then one line per interval that
    sums up the rest (`--queue-warning-seconds`, 0: each one, as waitress does)."""
    src = root_apps.build("wsgi_slow", "waitress", copy="waitress_queue")
    each = queue_warnings(root_apps.env, src, "0")
    assert len(each) >= 10, each  # at least nine waits a burst

    summed = queue_warnings(root_apps.env, src, "1")
    assert len(summed) == 2, summed
    assert "all 1 threads are busy (more: WARPDRIVE_THREADS)" in summed[0]
    assert "further queue warnings are summed up every 1s" in summed[0]
    # The second burst's first wait reports the first burst's others with it.
    match = re.search(r"was up to (\d+) in the last \ds: (\d+) requests waited", summed[1])
    assert match, summed[1]
    assert int(match[1]) >= 1 and int(match[2]) >= 9, summed[1]


def test_mod_wsgi_runs_apache_under_dumb_init_only(root_apps):
    """mod_wsgi's exec chain ends in dumb-init (a C init that turns SIGTERM into
    Apache's graceful stop) with Apache as its only child: no shell or Python."""
    require_tool("apxs")
    src = root_apps.build("wsgi_slow", "mod_wsgi")
    with serving(root_apps.env, src, "mod_wsgi") as running:
        pid = running.process.pid
        assert Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].endswith(b"/dumb-init")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        assert len(children) == 1
        assert Path(f"/proc/{children[0]}/comm").read_text().strip() == "apache2"


def test_make_demo_serves_the_django_example(open_dir):
    """The README's first command, from a copy of this checkout: build and serve; run
    again, it serves the same environment without a warning."""
    require_tool("make")
    checkout = open_dir / "checkout"
    shutil.copytree(
        ROOT,
        checkout,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", ".demo", "__pycache__", "db.sqlite3", ".*_cache"
        ),
    )
    venv = Path(sys.executable).parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WARPDRIVE_", "VIRTUAL_ENV"))}
    for run in ("first", "second"):
        port = free_port()
        log = open_dir / f"demo-{run}.log"
        # -o: never remake the venv, which is this test run's own.
        argv = ["make", "-o", f"{venv}/bin/warpdrive", "demo", f"VENV={venv}", f"DEMO_PORT={port}"]
        process = spawn(argv, log, cwd=checkout, env=env)
        try:
            wait_for_http(port, process, log, timeout=300)
            assert get(port, "/")[:2] == (200, b"Hello from Django")
            assert get(port, "/static/admin/css/base.css")[0] == 200
            assert get(port, "/admin/login/")[0] == 200
        finally:
            stop(process)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        text = log.read_text()
        assert f"-----> Serving the Django example at http://localhost:{port}/" in text
        assert (checkout / ".demo/warpdrive+django/warpdrive-build.json").is_file()
        assert "warning:" not in text, text
    assert "Creating environment" not in text


def test_server_not_installed(root_apps):
    src = root_apps.build("wsgi_slow", "gunicorn")
    result = root_apps.run("start", "--server", "uwsgi", cwd=src)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: server uwsgi cannot start: it is not in the app's environment "
        f"(no {root_apps.base}/home/warpdrive+wsgi_slow/bin/uwsgi)",
        "hint: run `warpdrive build --server uwsgi` first, or start gunicorn, the server "
        "the last build installed",
    ]


def test_start_refuses_a_server_without_what_its_plan_needs(run_wd, app_dir):
    """An app that brings gunicorn but not WhiteNoise, built for mod_wsgi: gunicorn
    would crash-loop importing WhiteNoise for the static files. start refuses, naming
    the build that installs it."""
    require_tool("apxs")
    src = app_dir("django")
    gunicorn = REGISTRY["gunicorn"].packages()[0]
    with (src / "requirements.txt").open("a") as requirements:
        requirements.write(f"{gunicorn}\n")
    built = run_wd("build", "--server", "mod_wsgi", cwd=src)
    assert built.returncode == 0, built.stderr
    for args in (("--dry-run",), ()):
        result = run_wd("start", "--server", "gunicorn", *args, cwd=src)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            "error: server gunicorn cannot start: whitenoise, which serves the app's static "
            "files for it, is not in the app's environment",
            "hint: run `warpdrive build --server gunicorn` first, or start mod_wsgi, the "
            "server the last build installed",
        ]
    built = run_wd("build", "--server", "gunicorn", cwd=src)
    assert built.returncode == 0, built.stderr
    besides = " ".join(REGISTRY["gunicorn"].packages()[1:])
    assert (
        f"Installing server packages {besides} (gunicorn itself comes with the app)" in built.stderr
    )
    result = run_wd("start", "--server", "gunicorn", "--dry-run", cwd=src)
    assert result.returncode == 0, result.stderr


def test_mod_wsgi_socket_path_too_long(run_wd, app_dir, tmp_path):
    """Apache would only log WSGI0064 and answer 503 forever: start refuses instead."""
    require_tool("apxs")
    src = app_dir("wsgi")
    extra = {"WARPDRIVE_HOME": str(tmp_path / ("h" * 80))}
    made = run_wd("activate", "--python", "/usr/bin/python3", cwd=src, extra=extra)
    assert made.returncode == 0, made.stderr
    built = run_wd("build", "--server", "mod_wsgi", cwd=src, extra=extra)
    assert built.returncode == 0, built.stderr
    result = run_wd("start", "--dry-run", cwd=src, extra=extra)
    assert result.returncode == 2
    assert "too long for a Unix socket" in result.stderr
    assert "hint: set MOD_WSGI_SOCKET_PREFIX" in result.stderr
    prefix = str(tmp_path / "wsgi")
    ok = run_wd("start", "--dry-run", cwd=src, extra={**extra, "MOD_WSGI_SOCKET_PREFIX": prefix})
    assert ok.returncode == 0, ok.stderr
    assert f"--socket-prefix {prefix}" in ok.stdout
