"""Where the release step runs: `warpdrive start` in each container, or once per
deployment by `warpdrive release` (WARPDRIVE_RELEASE=separate on the app's pods)."""

from __future__ import annotations

from pathlib import Path

import pytest

from warpdrive import context
from warpdrive.detect.spec import AppSpec, DjangoFacts
from warpdrive.errors import BadSetting
from warpdrive.serve.pipeline import migrate_policy
from warpdrive.serve.release import policy as release_policy


def make_ctx(tmp_path: Path, **env: str) -> context.Context:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    return context.resolve(src, {"HOME": str(tmp_path), **env})


def procfile(c: context.Context) -> AppSpec:
    return AppSpec("procfile", c.app_home, "Procfile", procfile={"web": "w", "release": "r"})


def django(c: context.Context, engine: str) -> AppSpec:
    facts = DjangoFacts(ok=True, settings_module="s", database_engine=engine)
    return AppSpec("django", c.app_home, "manage.py", django=facts)


SQLITE = "django.db.backends.sqlite3"
POSTGRES = "django.db.backends.postgresql"


def test_a_separate_release_leaves_the_procfile_release_line_to_warpdrive_release(tmp_path):
    c = make_ctx(tmp_path, WARPDRIVE_RELEASE="separate")
    assert migrate_policy(c, procfile(c)) == (
        False,
        "WARPDRIVE_RELEASE=separate: `warpdrive release` runs the release: line",
    )
    assert release_policy(c, procfile(c)) == (True, "the Procfile has a release: line")
    # The default: start runs it, as one container must.
    c = make_ctx(tmp_path, WARPDRIVE_RELEASE="start")
    assert migrate_policy(c, procfile(c))[0] is True


def test_each_container_migrates_its_own_sqlite_whatever_runs_the_release(tmp_path):
    for release in ("start", "separate"):
        c = make_ctx(tmp_path, WARPDRIVE_RELEASE=release)
        assert migrate_policy(c, django(c, SQLITE))[0] is True
        wanted, why = release_policy(c, django(c, SQLITE))
        assert not wanted
        assert "SQLite" in why


def test_a_shared_database_is_migrated_by_the_release_not_by_start(tmp_path):
    c = make_ctx(tmp_path)
    assert migrate_policy(c, django(c, POSTGRES))[0] is False
    assert release_policy(c, django(c, POSTGRES)) == (
        True,
        f"WARPDRIVE_MIGRATE=auto and the database is {POSTGRES}, shared",
    )


def test_the_migrate_settings_rule_the_release_too(tmp_path):
    off = make_ctx(tmp_path, WARPDRIVE_MIGRATE="off")
    assert release_policy(off, procfile(off)) == (False, "env WARPDRIVE_MIGRATE=off")
    assert release_policy(off, django(off, POSTGRES))[0] is False
    on = make_ctx(tmp_path, WARPDRIVE_MIGRATE="on")
    assert release_policy(on, django(on, SQLITE)) == (True, "env WARPDRIVE_MIGRATE=on")
    disabled = make_ctx(tmp_path, DISABLE_MIGRATE="1")
    assert release_policy(disabled, procfile(disabled)) == (False, "DISABLE_MIGRATE is set")
    c = make_ctx(tmp_path)
    plain = AppSpec("wsgi", c.app_home, "wsgi.py")
    assert release_policy(c, plain) == (False, "not a Django app and no Procfile release: line")


@pytest.mark.parametrize(
    ("name", "value"), [("WARPDRIVE_RELEASE", "job"), ("WARPDRIVE_MIGRATE", "x")]
)
def test_bad_values_name_the_choices(tmp_path, name, value):
    c = make_ctx(tmp_path, **{name: value})
    with pytest.raises(BadSetting) as raised:
        migrate_policy(c, procfile(c))
    assert raised.value.name == name
    assert raised.value.value == value
    if name == "WARPDRIVE_MIGRATE":
        with pytest.raises(BadSetting):
            release_policy(c, procfile(c))
