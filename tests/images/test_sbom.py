"""Every app image carries a CycloneDX SBOM, named by its label io.warpdrive.sbom:
`warpdrive sbom IMAGE` prints it. The Python packages it lists are those the image's
app environment has installed, at the versions importlib.metadata reports inside the
container; the Debian packages are the image's own (the runtime image's in a two-stage
build: no compilers)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.images.conftest import WARPDRIVE, base_image
from tests.images.test_images import copy, s2i

PATH = "/opt/app-root/sbom.cdx.json"
IMAGES = {"single": "warpdrive-test-sbom-single", "two-stage": "warpdrive-test-sbom-slim"}
# What the app environment has installed, asked inside the container.
INSTALLED = (
    "import importlib.metadata as m, json; "
    "print(json.dumps({d.metadata['Name'].lower().replace('_', '-'): d.version "
    "for d in m.distributions()}))"
)


def sbom(target):
    return subprocess.run(
        [WARPDRIVE, "sbom", target], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def images(engine, builders, tmp_path_factory):
    src = copy("django", tmp_path_factory.mktemp("sbom"))
    builder = builders["3.11"]
    result = s2i(src, IMAGES["single"], "--builder", builder, "--no-incremental")
    assert result.returncode == 0, result.stderr[-4000:]
    assert f"-----> Writing the SBOM {PATH}" in result.stderr
    result = s2i(src, IMAGES["two-stage"], "--builder", builder, "--runtime-image", "auto")
    assert result.returncode == 0, result.stderr[-4000:]
    yield IMAGES
    for name in IMAGES.values():
        engine.images.remove(name, force=True)


def in_container(engine, image, command):
    return engine.containers.run(
        image, command, remove=True, user="123456:0", entrypoint=[]
    ).decode()


@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_the_image_sbom_lists_what_is_installed(engine, images, kind):
    image = images[kind]
    assert engine.images.get(image).labels["io.warpdrive.sbom"] == PATH
    result = sbom(image)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["bomFormat"], doc["specVersion"], doc["version"]) == ("CycloneDX", "1.5", 1)
    components = doc["components"]
    pypi = {
        c["purl"].split("/")[1].split("@")[0]: c["version"]
        for c in components
        if c["purl"].startswith("pkg:pypi/")
    }
    deb = {c["name"]: c for c in components if c.get("purl", "").startswith("pkg:deb/debian/")}

    # Every package the app's environment has, at its installed version, and no other.
    installed = json.loads(
        in_container(engine, image, ["/opt/app-root/bin/python", "-c", INSTALLED])
    )
    assert pypi == installed
    assert pypi["django"] == "5.2.19"  # the requirements.txt pin
    for requirement in ("asgiref", "sqlparse", "mod-wsgi"):  # Django's own, and the server's
        assert requirement in pypi, sorted(pypi)

    # The image's own Debian packages, at their installed versions.
    libc = in_container(
        engine, image, ["dpkg-query", "-W", "-f", "${Version} ${Architecture}", "libc6"]
    )
    version, arch = libc.split()
    assert deb["libc6"]["version"] == version
    assert deb["libc6"]["purl"] == f"pkg:deb/debian/libc6@{version}?arch={arch}&distro=debian-12"
    assert any(c["type"] == "operating-system" and c["name"] == "debian" for c in components)
    listed = set(in_container(engine, image, ["dpkg-query", "-W", "-f", "${Package}\n"]).split())
    assert set(deb) == listed
    # The runtime image has no compilers: its SBOM is its own, not the builder's.
    assert ("gcc" in deb) == (kind == "single")

    # The file the label names is what `warpdrive sbom` printed.
    assert json.loads(in_container(engine, image, ["cat", PATH])) == doc


def test_sbom_of_an_image_that_has_none(engine, builders):
    result = sbom("warpdrive-test-sbom-no-such-image")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "error: image warpdrive-test-sbom-no-such-image is not in the Docker engine"
    )
    assert "Traceback" not in result.stderr and result.stdout == ""

    base = base_image(engine, "3.11")  # a Debian image with no label
    result = sbom(base)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        f"error: image {base} has no SBOM: it has no label io.warpdrive.sbom"
    )

    # The builder names where its app images have it, but has none itself.
    result = sbom(builders["3.11"])
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        f"error: image {builders['3.11']} has no SBOM: its label io.warpdrive.sbom names {PATH}, "
        "which it lacks"
    )
