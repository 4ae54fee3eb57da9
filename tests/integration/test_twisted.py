"""Twisted's WSGI container (`--server twisted`) built and serving the examples over
real HTTP: a plain WSGI app, Django with its static files by WhiteNoise, a Paste Deploy
ini through the wrapper; the access log; the one-process sizing in `info`; and a
graceful stop on SIGTERM that answers the request in flight."""

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
    with world_readable_dir("warpdrive-twisted-") as base:
        yield Apps.as_root(base, shared_cache)


@pytest.mark.parametrize("kind", ["wsgi_slow", "django", "paste"])
def test_twisted_serves_the_wsgi_kinds_and_stops_gracefully(apps, kind):
    src = apps.build(kind, "twisted", copy=f"{kind}-twisted")
    info = apps.run("info", "--json", "--server", "twisted", "--port", "8123", cwd=src)
    assert info.returncode == 0, info.stderr
    plan = json.loads(info.stdout)["launch"]
    assert plan["server_argv"][1:] == [
        "--log-format=text",
        "web",
        "--listen=tcp:8123:interface=0.0.0.0",
        "--class=warpdrive_twisted.Root",
    ]
    assert plan["sizing"]["processes"] == 1
    assert plan["sizing"]["source"].startswith("twisted runs 1 process")
    assert plan["env"]["WARPDRIVE_TWISTED_THREADS"] == str(plan["sizing"]["threads"])
    with serving(apps.env, src, "twisted") as running:
        status, body = running.get("/")
        expected = b"fixture ok" if kind == "wsgi_slow" else BODIES[kind]
        assert (status, body) == (200, expected), running.log.read_text()
        if kind == "django":
            status, _, headers = get(running.port, "/static/admin/css/base.css")
            assert status == 200
            assert headers["content-type"].startswith("text/css")
        answers: list[tuple[int, bytes]] = []
        if kind == "wsgi_slow":
            # A request in flight when SIGTERM comes is answered, then the server exits.
            slow = threading.Thread(target=lambda: answers.append(get(running.port, "/slow")[:2]))
            slow.start()
            threading.Event().wait(0.5)
        running.process.send_signal(signal.SIGTERM)
        # twist ends by the signal it stopped for, as an unhandled SIGTERM would.
        assert running.process.wait(timeout=15) == -signal.SIGTERM, running.log.read_text()
        if kind == "wsgi_slow":
            slow.join(timeout=15)
            assert answers == [(200, b"slow done")], running.log.read_text()
    log = running.log.read_text()
    assert "Site starting on" in log
    assert '"GET / HTTP/1.1" 200' in log  # the access log
    if kind == "wsgi_slow":
        assert "graceful stop: waiting up to 8" in log
        assert '"GET /slow HTTP/1.1" 200' in log
