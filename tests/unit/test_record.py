"""The build record in-process: its detection fingerprint follows exactly the files and
settings the detectors declare, and BuildRecord and DjangoFacts survive JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from warpdrive import context, detect
from warpdrive.build import record
from warpdrive.build.record import BuildRecord
from warpdrive.detect.spec import AppSpec, DjangoFacts, StaticMount

# What the settings probe writes for the django example.
PROBED = {
    "ok": True,
    "source": "django.conf.settings",
    "django_version": "5.2.1",
    "settings_module": "mysite.settings",
    "wsgi_application": "mysite.wsgi.application",
    "asgi_application": None,
    "static_url": "/static/",
    "static_root": None,
    "staticfiles": True,
    "database_engine": "django.db.backends.sqlite3",
    "sqlite_databases": ["/app/db.sqlite3"],
    "media_root": None,
}
FACTS = DjangoFacts.from_json(PROBED)
SPEC = AppSpec(
    "django",
    Path("/app"),
    "mysite.wsgi:application",
    "mysite.wsgi",
    "application",
    detected_by="manage.py with settings mysite.settings",
    static=[StaticMount("/static/", Path("/root/static"))],
    django=FACTS,
    notes=["STATIC_ROOT is not set"],
)


def ctx(tmp_path: Path, **env: str) -> context.Context:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    base = {"HOME": str(tmp_path), "WARPDRIVE_HOME": str(tmp_path / "home")}
    return context.resolve(src, {**base, **env})


def a_record(spec: AppSpec = SPEC) -> BuildRecord:
    return BuildRecord(
        warpdrive_version="1.0",
        built_at="2026-01-01T00:00:00+0000",
        src="/src",
        app_root="/root",
        generation="gen-1",
        spec=spec,
        server="gunicorn",
        server_notes=["why auto chose gunicorn"],
        detection="d" * 64,
        source="s" * 64,
        inputs=record.BuildInputs(
            record.DependencyInputs("requirements.txt", {"requirements.txt": "a" * 64}),
            "/usr/bin/python3 3.11.7",
            "uv 0.9.0",
            ["gunicorn==1", "whitenoise==2"],
            "p" * 64,
            record.Extras(False, ["pipenv"]),
        ),
        installed=True,
        tools=record.Tools("uv 0.9.0", "/usr/bin/python3 3.11.7", ["gunicorn==1", "whitenoise==2"]),
        steps=[record.StepTime("install", 1.5)],
        seconds=2.0,
    )


@pytest.mark.parametrize("glob", detect.declared_files())
def test_a_change_to_any_declared_file_detects_again(tmp_path, glob):
    c = ctx(tmp_path)
    path = c.app_home / glob
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("one\n")
    before = record.detection_fingerprint(c)
    path.write_text("two\n")
    edited = record.detection_fingerprint(c)
    assert edited != before
    path.chmod(0o755)  # app.sh counts only when executable
    assert record.detection_fingerprint(c) != edited


def test_a_declared_file_appearing_detects_again(tmp_path):
    c = ctx(tmp_path)
    before = record.detection_fingerprint(c)
    (c.app_home / "manage.py").write_text("")
    assert record.detection_fingerprint(c) != before


def test_an_undeclared_file_does_not_count(tmp_path):
    c = ctx(tmp_path)
    (c.app_home / "views.py").write_text("one\n")
    before = record.detection_fingerprint(c, SPEC)
    (c.app_home / "views.py").write_text("two\n")
    (c.app_home / "README.md").write_text("new\n")
    assert record.detection_fingerprint(c, SPEC) == before


def test_the_found_settings_package_counts(tmp_path):
    c = ctx(tmp_path)
    package = c.app_home / "mysite" / "conf"
    package.mkdir(parents=True)
    (package / "base.py").write_text("DEBUG = True\n")
    (c.app_home / "mysite" / "notes.txt").write_text("one\n")
    before = record.detection_fingerprint(c, SPEC)
    (c.app_home / "mysite" / "notes.txt").write_text("two\n")
    assert record.detection_fingerprint(c, SPEC) == before
    (package / "base.py").write_text("DEBUG = False\n")
    assert record.detection_fingerprint(c, SPEC) != before


@pytest.mark.parametrize("name", detect.declared_settings())
def test_every_declared_setting_counts(tmp_path, name):
    (tmp_path / "src" / "changed").mkdir(parents=True)  # a valid APP_HOME
    assert record.detection_fingerprint(ctx(tmp_path)) != record.detection_fingerprint(
        ctx(tmp_path, **{name: "changed"})
    )


def test_an_undeclared_setting_does_not_count(tmp_path):
    assert record.detection_fingerprint(ctx(tmp_path)) == record.detection_fingerprint(
        ctx(tmp_path, WEB_CONCURRENCY="9")
    )


def test_the_environment_file_counts(tmp_path):
    c = ctx(tmp_path)
    before = record.detection_fingerprint(c)
    (c.src / ".warpdrive").mkdir()
    (c.src / ".warpdrive" / "environment").write_text("SOMETHING=1\n")
    assert record.detection_fingerprint(ctx(tmp_path)) != before


def test_build_record_round_trips_through_json():
    built = a_record()
    again = BuildRecord.from_json(json.loads(json.dumps(built.to_json())))
    assert again == built
    assert again.spec.django == FACTS


def test_record_json_shape():
    data = a_record().to_json()
    assert list(data) == [
        "record_version",
        "warpdrive_version",
        "built_at",
        "src",
        "app_root",
        "generation",
        "spec",
        "server",
        "server_notes",
        "detection",
        "source",
        "inputs",
        "installed",
        "tools",
        "steps",
        "seconds",
        "entry_checked",
    ]
    assert list(data["inputs"]) == [
        "dependencies",
        "python",
        "installer",
        "server_package",
        "pins",
        "extras",
    ]
    assert data["steps"] == [{"step": "install", "seconds": 1.5}]


def test_django_facts_round_trip_in_the_probe_shape():
    data = FACTS.to_json()
    assert data == PROBED and list(data) == list(PROBED)
    assert DjangoFacts.from_json(data) == FACTS
    unread = DjangoFacts(ok=False, settings_module="mysite.settings")
    assert unread.to_json() == {
        "ok": False,
        "settings_module": "mysite.settings",
        "wsgi_application": None,
        "asgi_application": None,
    }
    assert DjangoFacts.from_json(unread.to_json()) == unread
    assert AppSpec.from_json(SPEC.to_json()) == SPEC


def test_the_interface_is_recorded_and_old_records_are_wsgi():
    asgi = AppSpec("asgi", Path("/app"), "main:app", "main", "app", interface="asgi")
    assert asgi.to_json()["interface"] == "asgi"
    assert AppSpec.from_json(asgi.to_json()) == asgi
    old = SPEC.to_json()
    del old["interface"]
    assert AppSpec.from_json(old).interface == "wsgi"


def test_written_record_is_read_back_and_its_spec_reused(tmp_path):
    c = ctx(tmp_path)
    spec = AppSpec("wsgi", c.app_home, "wsgi:application", "wsgi", "application")
    built = a_record(spec)
    built.src = str(c.src)
    built.detection = record.detection_fingerprint(c, spec)
    c.app_root.mkdir(parents=True)
    record.write(c.app_root, built)
    assert record.load(c.app_root) == built
    assert record.recorded_spec(c) == spec
    (c.app_home / "wsgi.py").write_text("application = None\n")
    assert record.recorded_spec(c) is None


def test_a_record_without_the_newer_django_facts_is_detected_again(tmp_path):
    c = ctx(tmp_path)
    spec = AppSpec("django", c.app_home, "mysite.wsgi:application", django=FACTS)
    built = a_record(spec)
    built.src = str(c.src)
    built.detection = record.detection_fingerprint(c, spec)
    c.app_root.mkdir(parents=True)
    record.write(c.app_root, built)
    assert record.recorded_spec(c) == spec
    data = json.loads((c.app_root / "warpdrive-build.json").read_text())
    del data["spec"]["django"]["media_root"]
    (c.app_root / "warpdrive-build.json").write_text(json.dumps(data))
    assert record.recorded_spec(c) is None
    loaded = record.load(c.app_root)
    assert loaded is not None and loaded.server == "gunicorn"  # the rest still holds


def test_an_unreadable_record_is_none(tmp_path):
    (tmp_path / "warpdrive-build.json").write_text('{"record_version": 1}')
    assert record.load(tmp_path) is None
    (tmp_path / "warpdrive-build.json").write_text("not json")
    assert record.load(tmp_path) is None
    assert not os.path.exists(tmp_path / "warpdrive-build.tmp")
