"""App factories served by every server, and the entry point checked at build: each
wrong APP_MODULE is one error line, an import that fails for want of a database at
build time one warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import require_tool
from tests.support.apps import Apps, world_readable_dir
from tests.support.http import serving

FACTORY_BODY = b"Hello from a Flask factory"


@pytest.fixture(scope="module")
def apps(shared_cache):
    with world_readable_dir("warpdrive-entry-") as base:
        yield Apps.as_root(base, shared_cache)


def set_app_module(src: Path, value: str) -> None:
    (src / ".warpdrive").mkdir(exist_ok=True)
    (src / ".warpdrive" / "environment").write_text(f"APP_MODULE={value}\n")


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize(
    "server", ["mod_wsgi", "gunicorn", "waitress", "uwsgi", "granian", "twisted"]
)
def test_flask_factory_is_served(apps, server):
    src = apps.build("factory_flaskr", server)
    with serving(apps.env, src, server) as running:
        assert running.get("/") == (200, FACTORY_BODY), running.log.read_text()


@pytest.mark.parametrize("server", ["mod_wsgi", "gunicorn"])
def test_factory_with_literal_arguments(apps, server):
    if server == "mod_wsgi":
        require_tool("apxs")
    src = apps.app("factory_flaskr", "factory_args")
    set_app_module(src, "\"flaskr:create_app({'TESTING': True}, greeting='Hi from args')\"")
    result = apps.run("build", "--server", server, cwd=src)
    assert result.returncode == 0, result.stderr
    assert (
        "Checking the entry point flaskr:create_app({'TESTING': True}, greeting='Hi from args')"
        in result.stderr
    )
    with serving(apps.env, src, server) as running:
        assert running.get("/") == (200, b"Hi from args"), running.log.read_text()


def test_factory_named_without_its_call_fails_the_build(apps):
    src = apps.app("factory_flaskr", "factory_uncalled")
    set_app_module(src, "flaskr:create_app")
    result = apps.run("build", "--server", "gunicorn", cwd=src)
    assert result.returncode == 2, result.stderr
    assert error_lines(result.stderr) == [
        "error: entry point flaskr:create_app (.warpdrive/environment APP_MODULE) is an "
        "app factory, not an app: every request would fail"
    ]
    assert "hint: name it with its call, as flaskr:create_app()" in result.stderr


@pytest.mark.parametrize(
    ("app_module", "line"),
    [
        ("missing_module:application", "its module cannot be imported"),
        ("broken:app", "broken has no 'app'"),
        ("broken:settings", "is not callable: it is dict"),
    ],
)
def test_a_wrong_entry_point_is_one_line(apps, app_module, line):
    src = apps.app("entry_broken", f"entry_{app_module.replace(':', '_')}")
    set_app_module(src, app_module)
    result = apps.run("build", "--server", "gunicorn", cwd=src)
    assert result.returncode == 2, result.stderr
    errors = error_lines(result.stderr)
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(
        f"error: entry point {app_module} (.warpdrive/environment APP_MODULE)"
    ), errors
    assert line in errors[0]
    assert "Build finished" not in result.stderr


def test_an_import_failing_for_its_environment_is_a_warning(apps):
    src = apps.app("entry_broken", "entry_needs_database")
    set_app_module(src, "needs_database:application")
    result = apps.run("build", "--server", "gunicorn", cwd=src)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, result.stderr
    assert "needs_database:application" in warnings[0]
    assert "RuntimeError: no database" in warnings[0]
    assert "Build finished" in result.stderr


def test_an_asgi_app_named_as_wsgi_is_one_line(apps):
    src = apps.app("asgi_fastapi", "entry_asgi_as_wsgi")
    (src / ".warpdrive").mkdir(exist_ok=True)
    (src / ".warpdrive" / "environment").write_text(
        "APP_MODULE=main:app\nWARPDRIVE_INTERFACE=wsgi\n"
    )
    result = apps.run("build", "--server", "gunicorn", cwd=src)
    assert result.returncode == 2, result.stderr
    assert error_lines(result.stderr) == [
        "error: entry point main:app (.warpdrive/environment APP_MODULE) is an ASGI "
        "application, but gunicorn would serve it as WSGI"
    ], result.stderr
    assert "hint: set WARPDRIVE_INTERFACE=asgi so that warpdrive serves it as ASGI" in (
        result.stderr
    )
    assert "Build finished" not in result.stderr


def test_an_unchanged_rebuild_skips_the_check_and_an_edit_brings_it_back(apps):
    src = apps.app("entry_broken", "entry_checked_once")
    set_app_module(src, "broken:application")
    first = apps.run("build", "--server", "gunicorn", cwd=src)
    assert first.returncode == 0, first.stderr
    assert "-----> Checking the entry point broken:application" in first.stderr
    again = apps.run("build", "--server", "gunicorn", cwd=src)
    assert again.returncode == 0, again.stderr
    assert "Checking the entry point" not in again.stderr
    assert (
        "-----> Source unchanged since the last build: skipping the entry point check"
        in again.stderr
    )
    # The module is no file detection reads: the source fingerprint alone sees the edit.
    module = src / "broken.py"
    module.write_text(module.read_text().replace("def application(", "def renamed("))
    edited = apps.run("build", "--server", "gunicorn", cwd=src)
    assert edited.returncode == 2, edited.stderr
    assert error_lines(edited.stderr)[0].startswith("error: entry point broken:application")


def test_an_import_that_only_warned_is_checked_again(apps):
    src = apps.app("entry_broken", "entry_warned_twice")
    set_app_module(src, "needs_database:application")
    for _ in range(2):
        result = apps.run("build", "--server", "gunicorn", cwd=src)
        assert result.returncode == 0, result.stderr
        assert "-----> Checking the entry point needs_database:application" in result.stderr
        assert "RuntimeError: no database" in result.stderr
