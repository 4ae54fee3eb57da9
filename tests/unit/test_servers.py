"""Which server `auto` means and what `start` checks, in-process on real Contexts in
temp dirs: before the first build `info` plans what the build installs, and mod_wsgi
only where both Apache's development files and its server program are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import require_apache
from tests.support import require_tool
from warpdrive import context
from warpdrive.detect.spec import AppSpec, StaticMount
from warpdrive.env import generations
from warpdrive.errors import ServerNotInstallable
from warpdrive.serve import apache, choice
from warpdrive.serve.servers import SERVERS

WSGI = AppSpec("wsgi", Path("/app"), "wsgi.py", module="wsgi", callable="application")
STATIC = StaticMount("/static/", Path("/app/static"))


def ctx(tmp_path: Path, **env: str) -> context.Context:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    base = {"HOME": str(tmp_path), "WARPDRIVE_HOME": str(tmp_path / "home")}
    return context.resolve(src, {**base, **env})


def predicted_and_built(c: context.Context) -> tuple[tuple, tuple]:
    server, _, notes = choice.choose_server(c, WSGI)
    return (server, notes), choice.build_server(c, WSGI)


def test_without_apxs_info_and_build_both_mean_gunicorn(tmp_path):
    predicted, built = predicted_and_built(ctx(tmp_path, PATH=str(tmp_path / "empty")))
    assert predicted == built
    server, notes = built
    assert server == "gunicorn"
    assert notes == [
        "Apache development files (apxs) are missing, so the build installs gunicorn, not "
        "mod_wsgi (to get mod_wsgi: apt-get install apache2-dev apache2 on Debian, then "
        "build again)"
    ]


def test_with_apache_info_and_build_both_mean_mod_wsgi(tmp_path):
    require_apache()
    c = ctx(tmp_path, PATH=os.environ["PATH"])
    predicted, built = predicted_and_built(c)
    assert predicted == built == ("mod_wsgi", [])
    _, source, _ = choice.choose_server(c, WSGI)
    assert (
        source == "default auto: build installs mod_wsgi (Apache and its development files found)"
    )


def test_without_the_server_program_auto_means_gunicorn_and_mod_wsgi_is_refused(tmp_path):
    """mod_wsgi-express runs $HTTPD when it is set: a program that is not there is a
    machine with apache2-dev but not apache2, as far as mod_wsgi is concerned."""
    require_tool("apxs")
    httpd = tmp_path / "no" / "apache2"
    c = ctx(tmp_path, PATH=os.environ["PATH"], HTTPD=str(httpd))
    predicted, built = predicted_and_built(c)
    assert predicted == built
    assert built[0] == "gunicorn"
    assert built[1][0].startswith(
        f"Apache's server program apache2 is missing (HTTPD={httpd} does not exist), so the "
        "build installs gunicorn, not mod_wsgi (to get mod_wsgi: apt-get install apache2 "
    )
    with pytest.raises(ServerNotInstallable) as refused:
        choice.build_server(c, WSGI, "mod_wsgi")
    assert refused.value.message == (
        f"server mod_wsgi (from --server) cannot be installed: Apache's server program "
        f"apache2 is missing (HTTPD={httpd} does not exist)"
    )
    assert "apt-get install apache2)" in refused.value.hint


def test_the_server_program_is_found_as_mod_wsgi_express_finds_it(tmp_path):
    sbin, bindir, on_path = (tmp_path / d for d in ("sbin", "bin", "path"))
    name = "warpdrive-test-httpd"  # not in /usr/sbin, which is searched last
    layout = apache.Layout(str(sbin), str(bindir), name)
    environ = {"PATH": str(on_path)}
    assert apache.server_program(layout, environ) is None
    for directory in (on_path, bindir, sbin):  # each beats the one before
        directory.mkdir()
        (directory / name).touch(mode=0o755)
        assert apache.server_program(layout, environ) == str(directory / name)
    other = tmp_path / "httpd"
    other.touch(mode=0o755)
    for variable in ("MOD_WSGI_HTTPD_EXECUTABLE", "HTTPD"):
        assert apache.server_program(layout, {**environ, variable: str(other)}) == str(other)
    missing = {**environ, "MOD_WSGI_HTTPD_EXECUTABLE": str(other), "HTTPD": "/no/httpd"}
    assert apache.server_program(layout, missing) is None  # HTTPD wins, as in mod_wsgi


def write_apxs_config(venv: Path, with_httpd_package: bool) -> Path:
    """The apxs_config.py mod_wsgi's setup.py writes (its directory part)."""
    express = venv / "lib/python3.11/site-packages/mod_wsgi/express"
    express.mkdir(parents=True)
    (express / "apxs_config.py").write_text(
        "import os\nimport posixpath\n\n"
        f"WITH_HTTPD_PACKAGE = {with_httpd_package}\n\n"
        "if WITH_HTTPD_PACKAGE:\n"
        "    from mod_wsgi_packages.httpd import __file__ as PACKAGES_ROOTDIR\n"
        "    PACKAGES_ROOTDIR = posixpath.dirname(PACKAGES_ROOTDIR)\n"
        "    BINDIR = posixpath.join(PACKAGES_ROOTDIR, 'bin')\n"
        "    SBINDIR = BINDIR\n"
        "else:\n"
        "    BINDIR = '/usr/bin'\n"
        "    SBINDIR = '/usr/sbin'\n\n"
        "PROGNAME = 'apache2'\n"
    )
    return express.parents[1]


def test_installed_layout_is_read_from_mod_wsgi_apxs_config(tmp_path):
    assert apache.installed_layout(tmp_path / "none") is None
    write_apxs_config(tmp_path / "system", with_httpd_package=False)
    assert apache.installed_layout(tmp_path / "system") == apache.Layout(
        "/usr/sbin", "/usr/bin", "apache2"
    )
    site = write_apxs_config(tmp_path / "bundled", with_httpd_package=True)
    bundled = str(site / "mod_wsgi_packages/httpd/bin")
    assert apache.installed_layout(tmp_path / "bundled") == apache.Layout(
        bundled, bundled, "apache2"
    )


def test_has_distribution_by_its_normalised_name(tmp_path):
    site = tmp_path / "lib/python3.11/site-packages"
    for name in ("dumb_init-1.2.5.post1.dist-info", "Django-5.2.8.dist-info"):
        (site / name).mkdir(parents=True)
    assert generations.has_distribution(tmp_path, "dumb-init")
    assert generations.has_distribution(tmp_path, "Dumb.Init")
    assert generations.has_distribution(tmp_path, "django")
    assert not generations.has_distribution(tmp_path, "dumb")
    assert not generations.has_distribution(tmp_path, "whitenoise")


@pytest.mark.parametrize(
    ("server", "static", "needed"),
    [
        ("gunicorn", True, ["whitenoise"]),
        ("gunicorn", False, []),
        ("waitress", True, ["whitenoise"]),
        ("mod_wsgi", True, ["dumb-init"]),
        ("uwsgi", True, []),
    ],
)
def test_needed_packages(server, static, needed):
    spec = AppSpec(**{**WSGI.__dict__, "static": [STATIC] if static else []})
    assert SERVERS[server].needed_packages(spec) == needed
