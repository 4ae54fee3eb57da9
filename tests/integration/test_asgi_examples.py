"""The ASGI examples under every ASGI server, built and served for real: examples/asgi
(FastAPI, found with no settings) and examples/django as an ASGI app (asked for with
WARPDRIVE_INTERFACE=asgi, or by its settings' ASGI_APPLICATION), each under auto (which
picks uvicorn), uvicorn, gunicorn's ASGI worker and granian: its page, its static files
with no user configuration for Django, the access log, and a stop on SIGTERM that lets
a request in flight finish."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.apps import BODIES, Apps, world_readable_dir
from tests.support.http import get, serving

pytestmark = pytest.mark.integration

SERVERS = [None, "uvicorn", "gunicorn", "granian"]
STARTING = {None: "uvicorn", "uvicorn": "uvicorn", "gunicorn": "gunicorn", "granian": "granian"}


def interface_setting(src: Path) -> None:
    (src / ".warpdrive").mkdir(exist_ok=True)
    (src / ".warpdrive" / "environment").write_text("WARPDRIVE_INTERFACE=asgi\n")


def asgi_application_setting(src: Path) -> None:
    with (src / "mysite" / "settings.py").open("a") as fh:
        fh.write("\nASGI_APPLICATION = 'mysite.asgi.application'\n")


@dataclass(frozen=True)
class Case:
    example: str
    prepare: Callable[[Path], None] | None
    static: str  # a static file served with no configuration beyond the example's own
    slow: str | None = None  # a path that answers after a second or two


CASES = {
    "fastapi": Case("asgi", None, "/static/site.css", "/slow"),
    "django-interface": Case("django", interface_setting, "/static/admin/css/base.css"),
    "django-asgi-application": Case(
        "django", asgi_application_setting, "/static/admin/css/base.css"
    ),
}


@pytest.fixture(scope="module")
def apps(shared_cache):
    with world_readable_dir("warpdrive-asgi-examples-") as base:
        yield Apps.as_root(base, shared_cache)


@pytest.fixture(scope="module")
def built(apps) -> Callable[[str, str | None], Path]:
    """Each case built once per server, in a copy of its own; auto and uvicorn share
    one build (the one without --server, which must install uvicorn)."""
    done: dict[tuple[str, str], Path] = {}

    def build(name: str, server: str | None) -> Path:
        key = (name, STARTING[server])
        if key not in done:
            case = CASES[name]
            copy = f"{name}-{key[1]}"
            src = apps.app(case.example, copy)
            if case.prepare is not None:
                case.prepare(src)
            done[key] = apps.build(case.example, None if server == "uvicorn" else server, copy)
        return done[key]

    return build


@pytest.mark.parametrize("server", SERVERS, ids=lambda s: s or "auto")
@pytest.mark.parametrize("name", sorted(CASES))
def test_asgi_example_serves_its_page_and_static_files_and_stops(apps, built, name, server):
    case = CASES[name]
    src = built(name, server)
    info = apps.run("info", "--json", *(["--server", server] if server else []), cwd=src)
    assert info.returncode == 0, info.stderr
    data = json.loads(info.stdout)
    assert data["spec"]["interface"] == "asgi"
    assert data["launch"]["server"] == STARTING[server]
    with serving(apps.env, src, server) as running:
        status, body = running.get("/")
        assert (status, body) == (200, BODIES[case.example]), running.log.read_text()
        status, content, headers = get(running.port, case.static)
        assert status == 200, running.log.read_text()
        assert headers["content-type"].startswith("text/css")
        if case.example == "asgi":
            assert content == (src / "static" / "site.css").read_bytes()
        answers: list[tuple[int, bytes]] = []
        if case.slow:
            # A request in flight when SIGTERM comes is answered, and the server exits.
            slow = threading.Thread(target=lambda: answers.append(get(running.port, "/slow")[:2]))
            slow.start()
            threading.Event().wait(0.5)
        running.process.send_signal(signal.SIGTERM)
        assert running.process.wait(timeout=15) is not None
        if case.slow:
            slow.join(timeout=15)
            assert answers == [(200, b'{"slow":"done"}')], running.log.read_text()
    log = running.log.read_text()
    assert f"Starting {STARTING[server]}" in log, log
    assert '"GET / HTTP/1.1" 200' in log, log  # the access log


def test_auto_picks_uvicorn_for_the_fastapi_example_with_no_settings(apps, built):
    src = built("fastapi", None)
    data = json.loads(apps.run("info", "--json", cwd=src).stdout)
    spec = data["spec"]
    assert (spec["kind"], spec["entry"], spec["detected_by"]) == (
        "asgi",
        "main:app",
        "main.py: app = FastAPI()",
    )
    assert [m["url"] for m in spec["static"]] == ["/static/"]
    assert data["launch"]["server"] == "uvicorn"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("django-interface", ", .warpdrive/environment WARPDRIVE_INTERFACE=asgi"),
        ("django-asgi-application", ", ASGI_APPLICATION mysite.asgi.application"),
    ],
)
def test_info_says_django_is_asgi_and_why(apps, built, name, why):
    src = built(name, None)
    out = apps.run("info", cwd=src)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    kind = f"kind:         django (manage.py with settings mysite.settings{why}; "
    assert any(line.startswith(kind) for line in lines), out.stdout
    assert "interface:    asgi" in lines
    assert "entry point:  mysite.asgi:application" in lines
    # The build without --server installed uvicorn, auto's server for an ASGI app.
    assert "server:       uvicorn (default auto: the server the last build installed)" in lines
