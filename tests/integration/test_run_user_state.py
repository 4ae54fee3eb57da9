"""Started as root with mod_wsgi, the app runs as www-data while warpdrive's own steps
(migrations) run as root: the app's SQLite database and MEDIA_ROOT must still be
writable by the app. Shown with a project made by Django's own `startproject`."""

from __future__ import annotations

import http.client
import os
import pwd
import re
import shutil
import tempfile
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.support import EXAMPLES, require_tool
from tests.support.apps import need_system_python, world_readable_dir
from tests.support.cli import Result, base_env, run_warpdrive
from tests.support.http import free_port, serving

RUN_USER = "www-data"
PASSWORD = "a long enough admin password 42"  # noqa: S105 - a throwaway test account

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="mod_wsgi switches to another user only when started as root"
)


@dataclass
class Site:
    src: Path
    env: dict[str, str]
    run: Callable[..., Result]


@pytest.fixture(scope="module")
def site(shared_cache):
    with world_readable_dir("warpdrive-state-") as base:
        yield make_site(base, shared_cache)


def make_site(base: Path, shared_cache: Path) -> Site:
    """A `django-admin startproject` project with MEDIA_ROOT set, built for mod_wsgi,
    migrated and given a superuser by root, in directories www-data can read."""
    require_tool("apxs")
    python = need_system_python()
    src = base / "site"
    src.mkdir()
    shutil.copy(EXAMPLES / "django" / "requirements.txt", src)
    env = {**base_env(base / "home"), "WARPDRIVE_CACHE_DIR": str(shared_cache)}

    def run(*args: str, extra: dict | None = None) -> Result:
        return run_warpdrive(*args, env=env, cwd=src, extra=extra, timeout=600)

    def ok(*args: str, extra: dict | None = None) -> None:
        result = run(*args, extra=extra)
        assert result.returncode == 0, result.stdout + result.stderr

    ok("activate", "--python", python)
    in_env = ("exec", "--env", "site", "--")
    pip = {"PIP_REQUIRE_VIRTUALENV": "1"}
    ok(*in_env, *["python", "-m", "pip", "install", "-q", "-r", "requirements.txt"], extra=pip)
    ok(*in_env, "django-admin", "startproject", "mysite", ".")
    with (src / "mysite" / "settings.py").open("a", encoding="utf-8") as settings:
        settings.write("\nMEDIA_ROOT = BASE_DIR / 'media'\n")
    ok("build", "--server", "mod_wsgi")
    ok("migrate")
    superuser = {
        "DJANGO_SUPERUSER_USERNAME": "admin",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
    }
    ok(*in_env, "python", "manage.py", "createsuperuser", "--noinput", extra=superuser)
    return Site(src, env, run)


def request(
    port: int, method: str, path: str, cookies: dict[str, str], form: dict | None = None
) -> tuple[int, str | None, bytes]:
    """One request with the cookies given; cookies set by the answer go into `cookies`."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.update({name: m.value for name, m in SimpleCookie(header).items()})
        return response.status, response.getheader("Location"), data
    finally:
        conn.close()


def test_root_mod_wsgi_sqlite_admin_login(site):
    db, media = site.src / "db.sqlite3", site.src / "media"
    assert db.stat().st_uid == 0  # migrated and written by root
    assert not media.exists()
    www = pwd.getpwnam(RUN_USER)
    with serving(site.env, site.src, "mod_wsgi") as server:
        cookies: dict[str, str] = {}
        status, _, page = request(server.port, "GET", "/admin/login/?next=/admin/", cookies)
        assert status == 200, server.log.read_text()
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {
            "csrfmiddlewaretoken": token.decode(),
            "username": "admin",
            "password": PASSWORD,
            "next": "/admin/",
        }
        status, location, _ = request(
            server.port, "POST", "/admin/login/?next=/admin/", cookies, form
        )
        assert (status, location) == (302, "/admin/"), server.log.read_text()
        assert "sessionid" in cookies
        status, _, page = request(server.port, "GET", "/admin/", cookies)
        assert status == 200
        assert b"Site administration" in page
        log = server.log.read_text()
    assert (
        f"-----> Made writable for {RUN_USER}, whom mod_wsgi runs the app as: "
        f"{site.src} (group {RUN_USER}, g+rwx); {media} (created, owner {RUN_USER}); "
        f"{db} (owner {RUN_USER})"
    ) in log
    assert (db.stat().st_uid, site.src.stat().st_uid) == (www.pw_uid, 0)
    assert site.src.stat().st_gid == www.pw_gid
    assert media.stat().st_uid == www.pw_uid
    # A second start finds everything writable already and says nothing about it.
    with serving(site.env, site.src, "mod_wsgi") as server:
        assert request(server.port, "GET", "/admin/login/", {})[0] == 200
        assert "Made writable" not in server.log.read_text()


def test_root_refuses_a_database_the_run_user_cannot_reach(site):
    """A database under a directory closed to www-data (as /root is) cannot be handed
    over without opening that directory: start refuses and changes nothing."""
    private = Path(tempfile.mkdtemp(prefix="warpdrive-private-", dir="/tmp"))  # 0700, root's
    data = private / "data"
    data.mkdir()
    (site.src / "mysite" / "private_db.py").write_text(
        "from mysite.settings import *  # noqa: F403\n"
        "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', "
        f"'NAME': {str(data / 'db.sqlite3')!r}}}}}\n",
        encoding="utf-8",
    )
    try:
        result = site.run(
            "start",
            "--server",
            "mod_wsgi",
            extra={"DJANGO_SETTINGS_MODULE": "mysite.private_db", "PORT": str(free_port())},
        )
        assert result.returncode == 2, result.stdout + result.stderr
        assert (
            f"error: user {RUN_USER}, whom mod_wsgi runs the app as, cannot write the SQLite "
            f"database's directory {data}: {private} or one of its parent directories is "
            f"closed to {RUN_USER}\n"
        ) in result.stderr
        assert f"hint: make {data} writable by {RUN_USER}" in result.stderr
        assert "Traceback" not in result.stderr
        assert "Starting mod_wsgi" not in result.stdout + result.stderr
        assert (data / "db.sqlite3").stat().st_uid == 0  # migrated by root, left as it was
        assert (private.stat().st_mode & 0o777, data.stat().st_uid) == (0o700, 0)
    finally:
        (site.src / "mysite" / "private_db.py").unlink()
        shutil.rmtree(private)
