"""The SBOM document: CycloneDX's required fields, a component with a purl for every
distribution a real virtualenv has installed, hashes only where known, Debian packages
from a dpkg status file, and the S2I label file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from warpdrive import sbom

SHA_A = "a" * 64
SHA_B = "b" * 64


def dist(site: Path, name: str, version: str, files: dict[str, str] | None = None) -> None:
    """An installed distribution, as an installer leaves it: NAME-VERSION.dist-info."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {name} demo\n"
    (info / "METADATA").write_text(meta)
    (info / "INSTALLER").write_text("uv\n")
    for file_name, text in (files or {}).items():
        (info / file_name).write_text(text)


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A real virtualenv (no pip) with four distributions installed in it."""
    root = tmp_path_factory.mktemp("sbom") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = next(root.glob("lib/python*/site-packages"))
    url = {"url": "https://files.example/Demo_Pkg-1.0-py3-none-any.whl"}
    dist(
        site,
        "Demo_Pkg",
        "1.0",
        {"direct_url.json": json.dumps({**url, "archive_info": {"hashes": {"sha256": SHA_A}}})},
    )
    dist(site, "single-hash", "2.0")
    dist(site, "several-hashes", "3.0")
    dist(site, "unpinned", "4.0.post1")
    return root


@pytest.fixture
def requirements(tmp_path) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(
        f"single-hash==2.0 \\\n    --hash=sha256:{SHA_B}\n"
        f"several-hashes==3.0 --hash=sha256:{SHA_A} --hash=sha256:{SHA_B}\n"
        "unpinned>=4  # a comment\n"
    )
    return path


def test_the_document_has_cyclonedx_required_fields(venv, requirements):
    doc = sbom.document("myapp", venv / "bin" / "python", [requirements], with_os=False)
    assert doc["bomFormat"] == "CycloneDX"
    assert doc["specVersion"] in ("1.5", "1.6")
    assert doc["version"] == 1
    assert doc["serialNumber"].startswith("urn:uuid:")
    assert doc["metadata"]["component"]["name"] == "myapp"
    assert doc["metadata"]["tools"]["components"][0]["name"] == "warpdrive"
    python = doc["metadata"]["component"]["properties"][0]
    assert python == {"name": "warpdrive:python", "value": sys.version.split()[0]}
    refs = [c["bom-ref"] for c in doc["components"]]
    assert len(refs) == len(set(refs))
    for component in doc["components"]:
        assert {"type", "name", "version", "purl", "bom-ref"} <= set(component)
    json.dumps(doc)  # serializable as it is


def test_every_installed_distribution_with_its_purl(venv, requirements):
    doc = sbom.document("myapp", venv / "bin" / "python", [requirements], with_os=False)
    by_name = {c["name"]: c for c in doc["components"]}
    # Exactly what the venv has: no pip (--without-pip), nothing of the Python running
    # the tests, nothing of the current directory.
    assert sorted(by_name) == ["Demo_Pkg", "several-hashes", "single-hash", "unpinned"]
    assert by_name["Demo_Pkg"]["purl"] == "pkg:pypi/demo-pkg@1.0"
    assert by_name["unpinned"]["purl"] == "pkg:pypi/unpinned@4.0.post1"
    assert by_name["unpinned"]["description"] == "unpinned demo"
    assert {"name": "warpdrive:installer", "value": "uv"} in by_name["unpinned"]["properties"]


def test_hashes_only_where_known(venv, requirements):
    doc = sbom.document("myapp", venv / "bin" / "python", [requirements], with_os=False)
    hashes = {c["name"]: c.get("hashes") for c in doc["components"]}
    # The installer recorded it (PEP 610); the requirements pinned the one file.
    assert hashes["Demo_Pkg"] == [{"alg": "SHA-256", "content": SHA_A}]
    assert hashes["single-hash"] == [{"alg": "SHA-256", "content": SHA_B}]
    # One of two files was installed, which is not known; nothing said of an unpinned one.
    assert hashes["several-hashes"] is None
    assert hashes["unpinned"] is None


def test_a_python_that_cannot_answer_is_one_error(tmp_path):
    from warpdrive.errors import SbomFailed

    with pytest.raises(SbomFailed) as caught:
        sbom.document("myapp", tmp_path / "no-python", [], with_os=False)
    assert caught.value.python == str(tmp_path / "no-python")


STATUS = """\
Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab

Package: removed-one
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2024a-0+deb12u1
"""


def test_debian_packages_from_the_dpkg_status(tmp_path):
    status, release = tmp_path / "status", tmp_path / "os-release"
    status.write_text(STATUS)
    release.write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')
    system, packages = sbom.os_components(status, release)
    assert system is not None
    assert (system.type, system.name, system.version) == ("operating-system", "debian", "12")
    assert [p.name for p in packages] == ["libc6", "tzdata"]  # not the removed one
    libc = packages[0].to_json()
    assert libc["version"] == "2.36-9+deb12u4"
    assert libc["purl"] == "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12"
    assert libc["properties"] == [{"name": "warpdrive:source", "value": "glibc"}]
    assert "hashes" not in libc
    assert packages[1].purl == "pkg:deb/debian/tzdata@2024a-0+deb12u1?arch=all&distro=debian-12"


def test_an_epoch_is_encoded_in_the_purl():
    assert sbom.deb_purl("tar", "1:1.34+dfsg-1", "amd64", "") == (
        "pkg:deb/debian/tar@1%3A1.34+dfsg-1?arch=amd64"
    )


def test_with_os_adds_this_machines_packages(venv, tmp_path):
    status = tmp_path / "status"
    status.write_text(STATUS)
    doc = sbom.document("myapp", venv / "bin" / "python", [], True, status, tmp_path / "none")
    names = [c["name"] for c in doc["components"]]
    assert "libc6" in names and "tzdata" in names
    assert not any(c["type"] == "operating-system" for c in doc["components"])  # no os-release


def test_no_dpkg_database_is_no_packages(tmp_path):
    assert sbom.os_components(tmp_path / "none", tmp_path / "none") == (None, [])


def test_the_label_joins_the_s2i_labels(tmp_path):
    metadata = tmp_path / ".s2i" / "image_metadata.json"
    sbom.add_image_label(Path("/opt/app-root/sbom.cdx.json"), metadata)
    assert json.loads(metadata.read_text()) == {
        "labels": [{"io.warpdrive.sbom": "/opt/app-root/sbom.cdx.json"}]
    }
    # An app's own assemble wrote labels of its own first: they stay; ours is replaced.
    metadata.write_text(json.dumps({"labels": [{"team": "web", "io.warpdrive.sbom": "/old"}]}))
    sbom.add_image_label(Path("/srv/sbom.cdx.json"), metadata)
    assert json.loads(metadata.read_text()) == {
        "labels": [{"team": "web"}, {"io.warpdrive.sbom": "/srv/sbom.cdx.json"}]
    }
