"""`warpdrive alive` / `ready` against real servers on loopback ports, the app's hooks
in their place, and the once-per-deployment steps `warpdrive release` and `setup`."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.apps import Apps, world_readable_dir
from tests.support.cli import Result
from tests.support.http import free_port, serving, stop

RELEASE = 'release: echo "released by $WARPDRIVE_WHO" >> release.txt\n'


@pytest.fixture(scope="module")
def apps(shared_cache) -> Iterator[Apps]:
    with world_readable_dir("warpdrive-probes-") as base:
        yield Apps.as_root(base, shared_cache)


@pytest.fixture(scope="module")
def app(apps) -> Path:
    """The Procfile example, whose release: line appends to release.txt."""
    src = apps.app("procfile", copy="probes")
    (src / "Procfile").write_text("web: gunicorn wsgi:application --bind 0.0.0.0:$PORT\n" + RELEASE)
    return apps.build("procfile", copy="probes")


def probe(apps: Apps, which: str, src: Path, port: int, *args: str, **extra: str) -> Result:
    began = time.monotonic()
    result = apps.run(which, *args, cwd=src, extra={"PORT": str(port), **extra})
    assert time.monotonic() - began < 10, "a probe must be quick"
    return result


def hook(src: Path, name: str, script: str, mode: int = 0o755) -> Path:
    path = src / ".warpdrive" / "action_hooks" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(mode)
    return path


def test_ready_and_alive_follow_the_server(apps, app):
    """Before the server answers both fail; once it serves both pass; after it stopped
    both fail again: the port is the one start listens on (PORT)."""
    port = free_port()
    for which in ("ready", "alive"):
        before = probe(apps, which, app, port)
        assert before.returncode == 1, before.stderr
        assert before.stdout == f"not {which}: GET http://127.0.0.1:{port}/: Connection refused\n"
    with serving(apps.env, app) as running:
        port = running.port
        for which in ("ready", "alive"):
            result = probe(apps, which, app, port)
            assert result.returncode == 0, result.stdout + result.stderr
            assert result.stdout == f"{which}: GET http://127.0.0.1:{port}/ answered 200\n"
        # A hook replaces the HTTP check: the server answers, the hook says no.
        path = hook(app, "alive", 'echo "checked by $WARPDRIVE_HOOK"; exit 3\n')
        try:
            result = probe(apps, "alive", app, port)
            assert result.returncode == 1
            assert result.stdout == f"not alive: hook {path} exited with 3\n"
            assert "checked by alive" in result.stderr
        finally:
            path.unlink()
        assert stop(running.process) < 20
        for which in ("ready", "alive"):
            after = probe(apps, which, app, port)
            assert after.returncode == 1, after.stdout
            assert "Connection refused" in after.stdout


class Answers(http.server.BaseHTTPRequestHandler):
    """Answers GET /STATUS with that status; /hang never answers."""

    def do_GET(self) -> None:
        if self.path == "/hang":
            time.sleep(5)
            return
        self.send_response(int(self.path.strip("/")))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def answering() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "ready", "alive"),
    [(200, 0, 0), (302, 0, 0), (400, 0, 0), (404, 0, 0), (500, 1, 0), (503, 1, 0)],
)
def test_ready_needs_an_answer_below_500_alive_any_answer(apps, tmp_path, status, ready, alive):
    with answering() as port:
        extra = {"WARPDRIVE_READY_PATH": f"/{status}", "WARPDRIVE_ALIVE_PATH": f"/{status}"}
        assert probe(apps, "ready", tmp_path, port, **extra).returncode == ready
        result = probe(apps, "alive", tmp_path, port, **extra)
        assert result.returncode == alive
        assert result.stdout.endswith(f"GET http://127.0.0.1:{port}/{status} answered {status}\n")


def test_a_server_that_accepts_but_does_not_answer_is_not_alive(apps, tmp_path):
    with answering() as port:
        result = probe(
            apps, "alive", tmp_path, port, "--timeout", "1", WARPDRIVE_ALIVE_PATH="/hang"
        )
    assert result.returncode == 1
    assert result.stdout == f"not alive: GET http://127.0.0.1:{port}/hang: no answer within 1s\n"


def test_a_listening_socket_that_closes_without_answering_is_not_alive(apps, tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def close_each() -> None:
            with contextlib.suppress(OSError):
                conn, _ = listener.accept()
                conn.close()

        threading.Thread(target=close_each, daemon=True).start()
        result = probe(apps, "alive", tmp_path, port)
    assert result.returncode == 1
    assert result.stdout.startswith(f"not alive: GET http://127.0.0.1:{port}/: ")


def test_hooks_replace_the_http_check(apps, tmp_path):
    """With nothing listening, a ready hook that succeeds makes the app ready; one that
    is not executable is named in a warning and the HTTP check runs instead."""
    port = free_port()
    path = hook(tmp_path, "ready", 'test "$WARPDRIVE_HOOK" = ready && pwd\n')
    result = probe(apps, "ready", tmp_path, port)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ready: hook {path} exited with 0\n"
    assert result.stderr == f"{tmp_path}\n"
    path.chmod(0o644)
    result = probe(apps, "ready", tmp_path, port)
    assert result.returncode == 1
    assert f"warning: hook ready ({path}) is not executable" in result.stderr
    assert "Connection refused" in result.stdout


@pytest.mark.parametrize("value", ["health", "/a b"])
def test_a_bad_probe_path_is_a_clean_error(apps, tmp_path, value):
    result = probe(apps, "ready", tmp_path, free_port(), WARPDRIVE_READY_PATH=value)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: WARPDRIVE_READY_PATH={value!r} is not valid",
        "hint: use a URL path starting with /, such as /health",
    ]


def test_release_runs_once_and_separate_starts_leave_it_out(apps, app):
    released = app / "release.txt"
    released.unlink(missing_ok=True)
    result = apps.run("release", cwd=app, extra={"WARPDRIVE_WHO": "release"})
    assert result.returncode == 0, result.stderr
    assert "-----> Releasing: the Procfile has a release: line" in result.stderr
    assert released.read_text() == "released by release\n"
    # The app's pods: WARPDRIVE_RELEASE=separate, so starting leaves the release out.
    extra = {"WARPDRIVE_RELEASE": "separate", "WARPDRIVE_WHO": "start"}
    with serving(apps.env, app, extra=extra) as running:
        assert running.get("/") == (200, b"Hello from Procfile")
    assert released.read_text() == "released by release\n"
    off = apps.run("release", cwd=app, extra={"WARPDRIVE_MIGRATE": "off"})
    assert off.returncode == 0, off.stderr
    assert "-----> Nothing to release: env WARPDRIVE_MIGRATE=off" in off.stderr
    assert released.read_text() == "released by release\n"


def test_a_failing_release_fails_the_command(apps, app):
    procfile = app / "Procfile"
    kept = procfile.read_text()
    procfile.write_text("web: gunicorn wsgi:application\nrelease: echo no db; exit 3\n")
    try:
        result = apps.run("release", cwd=app)
    finally:
        procfile.write_text(kept)
    assert result.returncode == 1, result.stderr
    assert "error: Procfile release: failed with exit code 3: no db" in result.stderr


def test_setup_runs_the_setup_hook(apps, app):
    result = apps.run("setup", cwd=app)
    assert result.returncode == 0, result.stderr
    assert "Nothing to set up: no executable .warpdrive/action_hooks/setup" in result.stderr
    path = hook(app, "setup", 'echo "set up with $(command -v python)" > setup.txt\n')
    try:
        result = apps.run("setup", cwd=app)
        assert result.returncode == 0, result.stderr
        assert (app / "setup.txt").read_text().startswith("set up with /")
        hook(app, "setup", "exit 4\n")
        failed = apps.run("setup", cwd=app)
        assert failed.returncode == 1
        assert f"error: hook setup ({path}) failed with exit code 4" in failed.stderr
    finally:
        path.unlink()


@pytest.mark.parametrize("config", ["APP_CONFIG", "gunicorn.conf.py"])
def test_with_no_port_set_the_probes_ask_the_port_the_gunicorn_config_binds(apps, tmp_path, config):
    """start leaves a gunicorn config's own bind alone when no port is asked for; the
    probes then ask that port, not 8080."""
    with answering() as port:
        name = "conf/gunicorn_conf.py" if config == "APP_CONFIG" else "gunicorn.conf.py"
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f'bind = "0.0.0.0:{port}"\nworkers = 1\n')
        extra = {"WARPDRIVE_READY_PATH": "/200"}
        if config == "APP_CONFIG":
            extra["APP_CONFIG"] = name
        result = apps.run("ready", cwd=tmp_path, extra=extra)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout == f"ready: GET http://127.0.0.1:{port}/200 answered 200\n"
