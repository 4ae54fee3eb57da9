"""uv trusts what pip and the system trust, and says so when it cannot.

A real package index over HTTPS on loopback: python's http.server wrapped in TLS,
serving a static "simple" index. Its certificate is signed by a CA made here with
openssl, which is in no trust store: only in a CA file the test names through one of
the variables pip users set (SSL_CERT_FILE, PIP_CERT, REQUESTS_CA_BUNDLE, pip's
configured `cert`). The index holds a wheel built here and the packages uv seeds a
new virtualenv with, so the build asks nothing of any other index.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import os
import socket
import ssl
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name, parse_wheel_filename

from tests.clean_error import assert_clean_error, warpdrive_frames
from tests.support import require_tool

PACKAGE = "wdtlsprobe"
# Every way pip (and requests, and uv) is told which CAs to trust.
CA_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "PIP_CERT", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
VENV_WARNING = "warning: uv could not make the virtualenv ("


@dataclass
class Index:
    url: str
    ca: Path
    requested: list[str] = field(default_factory=list)


def make_ca(work: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate for 127.0.0.1 that it signed: (CA, cert, key)."""
    openssl = require_tool("openssl")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=work, check=True, capture_output=True)

    run(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=warpdrive test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    run(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=127.0.0.1",
    )  # fmt: skip
    (work / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
    )
    run(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-set_serial", "2", "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
    )  # fmt: skip
    return work / "ca.pem", work / "server.pem", work / "server.key"


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(dest: Path) -> None:
    """A one-module wheel, written as the wheel format says (no build tool needed)."""
    info = f"{PACKAGE}-1.0.dist-info"
    files = {
        f"{PACKAGE}.py": b"VALUE = 'served over TLS'\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: 1.0\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test_tls\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = "".join(f"{name},{record_hash(data)},{len(data)}\n" for name, data in files.items())
    with zipfile.ZipFile(dest / f"{PACKAGE}-1.0-py3-none-any.whl", "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
        wheel.writestr(f"{info}/RECORD", record + f"{info}/RECORD,,\n")


def write_simple_index(root: Path, wheels: list[Path]) -> None:
    """root/simple/<project>/index.html linking each wheel in root/files/ (PEP 503)."""
    projects: dict[str, list[str]] = {}
    for wheel in wheels:
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        link = f'<a href="../../files/{html.escape(wheel.name)}#sha256={digest}">{wheel.name}</a>'
        projects.setdefault(canonicalize_name(parse_wheel_filename(wheel.name)[0]), []).append(link)
    for project, links in projects.items():
        page = root / "simple" / project / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text("<!DOCTYPE html><html><body>\n" + "<br>\n".join(links) + "\n</body></html>")


@pytest.fixture(scope="module")
def tls_index(tmp_path_factory):
    work = tmp_path_factory.mktemp("tls-index")
    ca, cert, key = make_ca(work)
    files = work / "index" / "files"
    files.mkdir(parents=True)
    build_wheel(files)
    # What `uv venv --seed` installs (pip; for Python < 3.12 setuptools and wheel too),
    # fetched once from the usual index by pip, which trusts this machine's store.
    download = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:"]
    subprocess.run([*download, "--dest", str(files), "pip", "setuptools", "wheel"], check=True)
    write_simple_index(work / "index", sorted(files.glob("*.whl")))

    index = Index(url="", ca=ca)

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            index.requested.append(self.path)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(work / "index"))
    )
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    index.url = f"https://127.0.0.1:{server.server_address[1]}/simple"
    yield index
    server.shutdown()
    server.server_close()


@pytest.fixture
def tls_env(env, tmp_path, tls_index):
    """The test's environment with no CA setting of this machine's and no uv setting,
    pip's configuration files off, the index given as pip users give it, and an empty
    installer cache (so that uv must ask the index, for the seed packages too)."""
    for name in [*CA_VARIABLES, *(k for k in env if k.startswith("UV_"))]:
        env.pop(name, None)
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_INDEX_URL=tls_index.url,
        WARPDRIVE_CACHE_DIR=str(tmp_path / "cache"),
    )
    return env


@pytest.fixture
def probe_app(app_dir):
    """The python example (its app.py runs its own server, so the build installs no
    server package), needing the package only the TLS index has."""
    src = app_dir("python")
    (src / "requirements.txt").write_text(f"{PACKAGE}\n")
    return src


def pip_conf(tmp_path: Path, ca: Path) -> str:
    conf = tmp_path / "pip.conf"
    conf.write_text(f"[global]\ncert = {ca}\n")
    return str(conf)


@pytest.mark.parametrize(
    "setting", ["SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "pip.conf cert"]
)
def test_build_installs_with_uv_from_an_index_only_a_ca_file_trusts(
    run_wd, tls_env, tls_index, probe_app, wd_home, tmp_path, setting
):
    if setting == "pip.conf cert":
        tls_env["PIP_CONFIG_FILE"] = pip_conf(tmp_path, tls_index.ca)
    else:
        tls_env[setting] = str(tls_index.ca)
    result = run_wd("build", cwd=probe_app)
    assert result.returncode == 0, result.stderr
    # uv made the virtualenv itself, seeding it from the TLS index.
    assert "warning:" not in result.stderr, result.stderr
    assert "-----> Installing dependencies from requirements.txt with uv " in result.stderr
    assert f"+ {PACKAGE}==1.0" in result.stderr
    assert f"/simple/{PACKAGE}/" in tls_index.requested
    assert "/simple/pip/" in tls_index.requested
    python = wd_home / f"warpdrive+{probe_app.name}" / "bin" / "python"
    imported = subprocess.run(
        [str(python), "-c", f"import {PACKAGE}; print({PACKAGE}.VALUE)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip() == "served over TLS"


def test_build_without_the_ca_says_how_to_trust_the_index(run_wd, tls_env, probe_app):
    result = run_wd("build", cwd=probe_app)
    # One error line with uv's reason, a hint naming the ways out, no traceback.
    assert_clean_error(
        result.returncode, result.stdout, result.stderr, 1, "UnknownIssuer", "SSL_CERT_FILE"
    )
    hint = next(line for line in result.stderr.splitlines() if line.startswith("hint: "))
    assert "PIP_CERT" in hint and "WARPDRIVE_UV=none" in hint, result.stderr
    # uv could not seed the new virtualenv either: said once, with uv's reason.
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith(VENV_WARNING) and "UnknownIssuer" in warnings[0]


def test_activate_says_why_uv_could_not_make_the_environment(run_wd, tls_env, probe_app, wd_home):
    result = run_wd("activate", "tlsprobe", cwd=probe_app)
    # The environment is made all the same (by the standard library's venv), and the
    # user is told why uv did not make it: one line, uv's reason in it.
    assert result.returncode == 0, result.stderr
    assert "export VIRTUAL_ENV=" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith(VENV_WARNING), result.stderr
    assert "invalid peer certificate: UnknownIssuer" in warnings[0]
    assert "-m venv" in warnings[0]
    assert warpdrive_frames(result.stderr) == []
    python = wd_home / "warpdrive+tlsprobe" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "--version"], check=True, capture_output=True)


def test_build_with_the_index_unreachable_says_where_to_look(run_wd, tls_env, probe_app):
    with socket.socket() as sock:  # a loopback port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    tls_env["PIP_INDEX_URL"] = f"https://127.0.0.1:{port}/simple"
    tls_env["UV_HTTP_RETRIES"] = "0"  # uv would retry a refused connection three times
    result = run_wd("build", cwd=probe_app)
    assert_clean_error(
        result.returncode, result.stdout, result.stderr, 1, "Connection refused", "PIP_INDEX_URL"
    )
    assert "could not be reached" in result.stderr
