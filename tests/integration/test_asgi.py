"""An ASGI app (FastAPI from PyPI, named by APP_MODULE with WARPDRIVE_INTERFACE=asgi)
built and served for real: uvicorn by auto, gunicorn's ASGI worker and granian by
--server, static files by ServeStatic, a graceful stop on SIGTERM, and the WSGI-only
servers refused; granian serving the WSGI examples too."""

from __future__ import annotations

import json
import signal
import threading

import pytest

from tests.support.apps import BODIES, Apps, world_readable_dir
from tests.support.http import get, serving

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def apps(shared_cache):
    with world_readable_dir("warpdrive-asgi-") as base:
        yield Apps.as_root(base, shared_cache)


# Auto only: every ASGI server serves examples/asgi, found without settings, in
# test_asgi_examples.py; this is the app named by APP_MODULE and WARPDRIVE_INTERFACE.
@pytest.mark.parametrize("server", [None])
def test_fastapi_app_serves_and_stops_gracefully(apps, server):
    src = apps.build("asgi_fastapi_named", server)
    info = apps.run("info", "--json", *(["--server", server] if server else []), cwd=src)
    assert info.returncode == 0, info.stderr
    with serving(apps.env, src, server) as running:
        status, body = running.get("/")
        assert (status, json.loads(body)) == (200, {"hello": "from FastAPI"})
        status, body = running.get("/static/site.css")
        assert (status, body) == (200, b"body { color: teal; }\n")
        # A request in flight when SIGTERM comes is answered, and the server exits.
        answers: list[tuple[int, bytes]] = []
        slow = threading.Thread(target=lambda: answers.append(get(running.port, "/slow")[:2]))
        slow.start()
        threading.Event().wait(0.5)
        running.process.send_signal(signal.SIGTERM)
        running.process.wait(timeout=15)
        slow.join(timeout=15)
        assert answers == [(200, b'{"slow":"done"}')], running.log.read_text()
    log = running.log.read_text()
    if server == "granian":
        assert "Starting granian" in log
        assert '"GET / HTTP/1.1" 200' in log  # the access log
        return
    assert "Starting uvicorn" in log if server in (None, "uvicorn") else "Starting gunicorn" in log
    assert '"GET / HTTP/1.1" 200' in log  # the access log


@pytest.mark.parametrize("server", ["waitress", "uwsgi", "mod_wsgi", "twisted"])
def test_wsgi_only_servers_refuse_in_one_line(apps, server):
    src = apps.app("asgi_fastapi_named")
    result = apps.run("build", "--server", server, cwd=src)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    can = "gunicorn, uvicorn, granian can"
    assert errors == [f"error: server {server} (from --server) cannot run ASGI apps; {can}"], (
        result.stderr
    )


@pytest.mark.parametrize("kind", ["wsgi", "django", "paste"])
def test_granian_serves_the_wsgi_examples_and_stops_on_sigterm(apps, kind):
    src = apps.build(kind, "granian", copy=f"{kind}-granian")
    with serving(apps.env, src, "granian") as running:
        status, body = running.get("/")
        assert (status, body) == (200, BODIES[kind]), running.log.read_text()
        if kind == "django":
            status, _, headers = get(running.port, "/static/admin/css/base.css")
            assert status == 200
            assert headers["content-type"].startswith("text/css")
        running.process.send_signal(signal.SIGTERM)
        assert running.process.wait(timeout=15) is not None
    assert "Starting granian" in running.log.read_text()


# A FastAPI app factory, called once by the ASGI wrapper with APP_MODULE's literal arguments.
FACTORY_WHY = ".warpdrive/environment APP_MODULE, main.py: create_app() returns FastAPI()"


@pytest.mark.parametrize("server", [None, "gunicorn", "granian"])
def test_an_asgi_factory_is_served_with_its_static_files(apps, server):
    src = apps.build("asgi_factory", server)
    info = apps.run("info", "--json", *(["--server", server] if server else []), cwd=src)
    assert info.returncode == 0, info.stderr
    app = json.loads(info.stdout)["spec"]
    assert (app["kind"], app["entry"], app["detected_by"]) == (
        "asgi",
        "main:create_app()",
        FACTORY_WHY,
    )
    with serving(apps.env, src, server) as running:
        status, body = running.get("/")
        assert (status, json.loads(body)) == (200, {"greeting": "hi"}), running.log.read_text()
        status, body = running.get("/static/site.css")
        assert (status, body) == (200, b"body { color: plum; }\n")


@pytest.mark.parametrize("server", ["uvicorn", "gunicorn", "granian"])
def test_an_asgi_factory_with_literal_arguments(apps, server):
    # No static files: the factory alone makes every server load the app through the wrapper.
    src = apps.app("asgi_factory", "asgi_factory_args")
    (src / ".warpdrive" / "environment").write_text(
        "APP_MODULE='main:create_app(greeting=\"hello\")'\n"
    )
    result = apps.run("build", "--server", server, cwd=src)
    assert result.returncode == 0, result.stderr
    assert "Checking the entry point main:create_app(greeting='hello')" in result.stderr
    with serving(apps.env, src, server) as running:
        status, body = running.get("/")
        assert (status, json.loads(body)) == (200, {"greeting": "hello"}), running.log.read_text()
        status, _ = running.get("/static/site.css")
        assert status == 404
        if server != "granian":  # uvicorn and gunicorn's ASGI worker run on uvloop
            status, body = running.get("/loop")
            assert (status, json.loads(body)["loop"].split(".")[0]) == (200, "uvloop")


def test_an_asgi_factory_named_without_its_call_fails_the_build(apps):
    src = apps.app("asgi_factory", "asgi_factory_uncalled")
    (src / ".warpdrive" / "environment").write_text("APP_MODULE=main:create_app\n")
    result = apps.run("build", cwd=src)
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: entry point main:create_app ({FACTORY_WHY}) is an app factory, not an app: "
        "every request would fail"
    ], result.stderr
    assert "hint: name it with its call, as main:create_app()" in result.stderr
    assert "Traceback" not in result.stderr
