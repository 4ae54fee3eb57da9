"""Values given only for the build (--build-env, --ca-bundle, an index URL with a
password) reach assemble but no layer of the image; the source tar never follows a
symlink out of the source; images run as non-root."""

from __future__ import annotations

import secrets
import subprocess
import tarfile
import zlib
from pathlib import Path

import pytest

from tests.images.test_images import copy, running, s2i
from tests.support import require_tool
from tests.support.http import get

HOST_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


@pytest.fixture(scope="module")
def stray_ca(tmp_path_factory) -> Path:
    """A CA certificate that signs nothing anyone serves."""
    openssl = require_tool("openssl")
    where = tmp_path_factory.mktemp("ca")
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=warpdrive test CA", "-keyout", str(where / "key.pem")),
            *("-out", str(where / "ca.pem")),
        ],
        check=True,
        capture_output=True,
    )
    return where / "ca.pem"


def marker_of(pem: Path) -> bytes:
    """A line of the certificate's base64 body: found only where the file went."""
    lines = pem.read_bytes().splitlines()
    return lines[len(lines) // 2]


def layers_containing(engine, image: str, markers: list[bytes], work: Path) -> dict:
    """Unpack `docker save` and search every layer (and the config) for the markers,
    in the raw bytes of each member, decompressed where compressed."""
    saved = work / "image.tar"
    with saved.open("wb") as fh:
        for chunk in engine.images.get(image).save(named=True):
            fh.write(chunk)
    found: dict[bytes, list[str]] = {m: [] for m in markers}
    overlap = max(len(m) for m in markers)
    with tarfile.open(saved) as outer:
        for member in outer:
            if not member.isfile():
                continue
            stream = outer.extractfile(member)
            inflate = None
            tail = b""
            while chunk := stream.read(1 << 22):
                if inflate is None:
                    gzipped = chunk[:2] == b"\x1f\x8b"
                    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else False
                data = tail + (inflate.decompress(chunk) if inflate else chunk)
                for marker in markers:
                    if marker in data and member.name not in found[marker]:
                        found[marker].append(member.name)
                tail = data[-overlap:]
    saved.unlink()
    return {m: where for m, where in found.items() if where}


def test_a_ca_bundle_given_for_the_build_is_what_the_installer_trusts(
    engine, builders, tmp_path, stray_ca
):
    """With a bundle that lacks the proxy's CA, installing from PyPI fails: the bundle
    is really used (and not just copied along)."""
    result = s2i(
        copy("deps_requirements", tmp_path),
        "warpdrive-test-stray-ca",
        "--builder",
        builders["3.11"],
        "--no-incremental",
        "--ca-bundle",
        str(stray_ca),
    )
    assert result.returncode == 1, result.stderr[-3000:]
    assert f"Trusting the CA bundle {stray_ca} (from --ca-bundle)" in result.stderr
    assert "UnknownIssuer" in result.stderr or "CERTIFICATE_VERIFY_FAILED" in result.stderr


def test_build_only_values_are_in_no_layer(engine, builders, tmp_path, stray_ca):
    require_tool("openssl")
    src = copy("deps_requirements", tmp_path)
    (src / "leak").symlink_to("/etc/passwd")
    (src / "etc-dir").symlink_to("/etc")
    bundle = tmp_path / "bundle.pem"  # the host's CAs (the proxy's too), plus one more
    bundle.write_bytes(HOST_BUNDLE.read_bytes() + stray_ca.read_bytes())
    token, password = secrets.token_hex(12), secrets.token_hex(12)
    image = "warpdrive-test-build-only"
    result = s2i(
        src,
        image,
        "--builder",
        builders["3.11"],
        "--no-incremental",
        "--ca-bundle",
        str(bundle),
        "--build-env",
        f"PIP_INDEX_URL=https://warpdrive:{password}@pypi.org/simple",
        "--build-env",
        f"DEPLOY_TOKEN={token}",
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "+ six==1.16.0" in result.stderr  # installed through the index with a password

    config = engine.images.get(image).attrs["Config"]
    assert config["User"] == "1001"  # not root
    env = "\n".join(config["Env"])
    assert token not in env and password not in env and "SSL_CERT_FILE" not in env

    markers = [token.encode(), password.encode(), marker_of(stray_ca)]
    assert layers_containing(engine, image, markers, tmp_path) == {}

    # The source's links stayed links: /etc/passwd was not copied in as content.
    out = engine.containers.run(
        image,
        ["sh", "-c", "cd /opt/app-root/src && readlink leak etc-dir && test ! -e etc-dir/x"],
        remove=True,
        entrypoint=[],
    ).decode()
    assert out.split() == ["/etc/passwd", "/etc"]
    with running(engine, image) as (port, _):
        assert get(port, "/")[0] == 200


def test_the_search_finds_what_is_there(engine, builders, tmp_path):
    """The layer search itself: --env values do go into the image, and it finds them."""
    value = secrets.token_hex(12)
    image = "warpdrive-test-env-kept"
    result = s2i(
        copy("wsgi", tmp_path), image, "--builder", builders["3.11"], "--env", f"KEPT={value}"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert value.encode() in layers_containing(engine, image, [value.encode()], tmp_path)
