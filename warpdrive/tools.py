"""Finding the external tools warpdrive drives, and the environment uv runs in."""

from __future__ import annotations

import configparser
import functools
import os
import re
import shutil
import sys
from pathlib import Path

from warpdrive import answers, proc


def find_uv() -> str | None:
    """uv, the fast installer: WARPDRIVE_UV if set (empty or `none` disables uv, so
    pip is used), else the one installed beside warpdrive, else the one on PATH."""
    explicit = os.environ.get("WARPDRIVE_UV")
    if explicit is not None:
        return None if explicit in ("", "none") else explicit
    beside = Path(sys.executable).parent / "uv"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("uv")


@functools.cache
def uv_version(uv: str) -> str | None:
    """`uv --version` (`uv 0.13.9 (...)`), or None when that does not work; asked once
    per uv binary (warpdrive.answers)."""

    def ask() -> str | None:
        result = proc.capture([uv, "--version"])
        return result.stdout.strip() if result.ok else None

    return answers.remembered("uv --version", uv, ask)


# uv 0.11 renamed UV_NATIVE_TLS to UV_SYSTEM_CERTS and warns about the old name.
SYSTEM_CERTS_SINCE = (0, 11)
# The CA bundles of the usual Linux distributions (Debian, Fedora, openSUSE, Alpine).
SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
)


def uv_environ(environ: dict[str, str], version: str) -> dict[str, str]:
    """The environment for uv, so that it trusts and asks what pip would.

    uv trusts only the certificates bundled with it by default, and reads none of
    pip's settings. So, unless the environment already says otherwise: uv uses the
    system's certificate store (where a TLS-intercepting proxy's CA is installed), the
    CA bundle that pip is told to trust (PIP_CERT, pip's configured `cert`,
    REQUESTS_CA_BUNDLE) becomes uv's SSL_CERT_FILE, and PIP_INDEX_URL and
    PIP_EXTRA_INDEX_URL become UV_INDEX_URL and UV_EXTRA_INDEX_URL. warpdrive always
    names the interpreter, so uv never downloads a Python (UV_PYTHON_DOWNLOADS=never)."""
    env = dict(environ)
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    if "UV_SYSTEM_CERTS" not in env and "UV_NATIVE_TLS" not in env and _system_store():
        numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
        env["UV_SYSTEM_CERTS" if numbers >= SYSTEM_CERTS_SINCE else "UV_NATIVE_TLS"] = "1"
    if not env.get("SSL_CERT_FILE"):
        bundle = env.get("PIP_CERT") or pip_config_cert(env) or env.get("REQUESTS_CA_BUNDLE")
        if bundle:
            env["SSL_CERT_FILE"] = bundle
    for pip_name, uv_name in (
        ("PIP_INDEX_URL", "UV_INDEX_URL"),
        ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL"),
    ):
        if pip_name in env and uv_name not in env:
            env[uv_name] = env[pip_name]
    return env


def _system_store() -> bool:
    """Whether the system has a certificate store. A Linux container without the
    ca-certificates package has none: uv's own certificates still work there."""
    return sys.platform != "linux" or any(os.path.isfile(p) for p in SYSTEM_BUNDLES)


def pip_config_cert(environ: dict[str, str]) -> str | None:
    """The `cert` of pip's configuration files, read as pip reads them: global files,
    then the user's (unless PIP_CONFIG_FILE names a file), then PIP_CONFIG_FILE, a
    later file's value over an earlier one's, and `[install]` over `[global]`."""
    named = environ.get("PIP_CONFIG_FILE")
    if named == os.devnull:
        return None
    home = Path(environ.get("HOME") or Path.home())
    xdg_dirs = (environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep)
    files = [Path(d) / "pip" / "pip.conf" for d in xdg_dirs if d] + [Path("/etc/pip.conf")]
    if not (named and os.path.exists(named)):
        xdg_home = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
        files += [home / ".pip" / "pip.conf", xdg_home / "pip" / "pip.conf"]
    if named:
        files.append(Path(named))
    found: dict[str, str] = {}
    for path in files:
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error):
            continue  # pip stops at a broken file; uv just goes without its cert
        for section in ("global", "install"):
            if parser.has_option(section, "cert"):
                found[section] = parser.get(section, "cert").strip()
    return found.get("install") or found.get("global") or None
