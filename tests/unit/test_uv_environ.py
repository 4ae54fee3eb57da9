"""What uv is told to trust and ask: the system's store, pip's CA bundle and index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from warpdrive import tools

NEW_UV = "uv 0.13.9 (x86_64-unknown-linux-gnu)"
# No pip configuration file (this machine's /etc/pip.conf may name a cert).
HOME_ONLY = {"HOME": "/nonexistent-home", "PIP_CONFIG_FILE": os.devnull}


@pytest.fixture(autouse=True)
def system_store():
    if not tools._system_store():
        pytest.skip("this machine has no system CA bundle (ca-certificates)")


def test_system_certificates_under_the_name_the_uv_version_reads():
    assert tools.uv_environ(HOME_ONLY, NEW_UV)["UV_SYSTEM_CERTS"] == "1"
    old = tools.uv_environ(HOME_ONLY, "uv 0.5.31")
    assert old["UV_NATIVE_TLS"] == "1" and "UV_SYSTEM_CERTS" not in old


@pytest.mark.parametrize("setting", ["UV_SYSTEM_CERTS", "UV_NATIVE_TLS"])
def test_the_users_own_uv_certificate_setting_stays(setting):
    env = tools.uv_environ({**HOME_ONLY, setting: "false"}, NEW_UV)
    assert env[setting] == "false"
    assert {"UV_SYSTEM_CERTS", "UV_NATIVE_TLS"} - {setting} - set(env)


def test_ca_bundle_from_pips_settings_in_pips_order(tmp_path):
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\ncert = /from/pip.conf\n")
    env = {**HOME_ONLY, "PIP_CONFIG_FILE": str(conf)}
    both = {"PIP_CERT": "/from/pip_cert", "REQUESTS_CA_BUNDLE": "/from/requests"}
    assert tools.uv_environ({**env, **both}, NEW_UV)["SSL_CERT_FILE"] == "/from/pip_cert"
    assert tools.uv_environ(env, NEW_UV)["SSL_CERT_FILE"] == "/from/pip.conf"
    requests = {**HOME_ONLY, "REQUESTS_CA_BUNDLE": "/from/requests"}
    assert tools.uv_environ(requests, NEW_UV)["SSL_CERT_FILE"] == "/from/requests"
    # uv reads SSL_CERT_FILE itself: set, it is left as it is.
    own = tools.uv_environ({**env, **both, "SSL_CERT_FILE": "/own"}, NEW_UV)
    assert own["SSL_CERT_FILE"] == "/own"
    assert "SSL_CERT_FILE" not in tools.uv_environ(HOME_ONLY, NEW_UV)


def test_pip_config_files_override_as_pip_reads_them(tmp_path):
    home = tmp_path / "home"
    (home / ".config/pip").mkdir(parents=True)
    (home / ".config/pip/pip.conf").write_text("[global]\ncert = /user\n")
    env = {"HOME": str(home), "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}
    # The user's file comes after the global ones (/etc/pip.conf among them).
    assert tools.pip_config_cert(env) == "/user"
    # An existing PIP_CONFIG_FILE comes last, and the user's file is not read.
    named = tmp_path / "named.conf"
    named.write_text("[global]\ncert = /named\n")
    assert tools.pip_config_cert({**env, "PIP_CONFIG_FILE": str(named)}) == "/named"
    (home / ".config/pip/pip.conf").write_text("[install]\ncert = /user-install\n")
    assert tools.pip_config_cert({**env, "PIP_CONFIG_FILE": str(named)}) == "/named"
    # pip install reads [install] over [global], whichever file each is in.
    (tmp_path / "xdg/pip").mkdir(parents=True)
    (tmp_path / "xdg/pip/pip.conf").write_text("[install]\ncert = /site-install\n")
    (home / ".config/pip/pip.conf").write_text("[global]\ncert = /user\n")
    assert tools.pip_config_cert(env) == "/site-install"
    assert tools.pip_config_cert({**env, "PIP_CONFIG_FILE": os.devnull}) is None


def test_pip_index_settings_reach_uv_unless_uv_has_its_own():
    env = {**HOME_ONLY, "PIP_INDEX_URL": "https://mirror/simple", "PIP_EXTRA_INDEX_URL": "x"}
    mapped = tools.uv_environ(env, NEW_UV)
    assert mapped["UV_INDEX_URL"] == "https://mirror/simple"
    assert mapped["UV_EXTRA_INDEX_URL"] == "x"
    own = tools.uv_environ({**env, "UV_INDEX_URL": "https://own/simple"}, NEW_UV)
    assert own["UV_INDEX_URL"] == "https://own/simple"


def test_uv_version_of_a_missing_program(tmp_path: Path):
    assert tools.uv_version(str(tmp_path / "no-uv")) is None


def test_uv_never_downloads_a_python_unless_told():
    assert tools.uv_environ(HOME_ONLY, NEW_UV)["UV_PYTHON_DOWNLOADS"] == "never"
    own = tools.uv_environ({**HOME_ONLY, "UV_PYTHON_DOWNLOADS": "manual"}, NEW_UV)
    assert own["UV_PYTHON_DOWNLOADS"] == "manual"
