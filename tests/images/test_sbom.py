"""Every app image carries a CycloneDX SBOM, named by its label io.warpdrive.sbom:
`warpdrive sbom IMAGE` prints it. The Python packages it lists are those the image's
app environment has installed, at the versions importlib.metadata reports inside the
container; the Debian packages are the image's own (the runtime image's in a two-stage
build: no compilers).

`check_image_sbom` runs on the images test_two_stage.py builds anyway (single-stage and
two-stage, Python 3.11 and 3.13), so the SBOM costs the test run no image build."""

from __future__ import annotations

import json
import subprocess

from tests.images.conftest import WARPDRIVE, base_image

PATH = "/opt/app-root/sbom.cdx.json"
# What the app environment has installed, asked inside the container.
INSTALLED = (
    "import importlib.metadata as m, json; "
    "print(json.dumps({d.metadata['Name'].lower().replace('_', '-'): d.version "
    "for d in m.distributions()}))"
)
# Each example's own requirements, and the server the builder installs (mod_wsgi).
REQUIREMENTS = {"django": {"django": "5.2.19", "asgiref": None, "sqlparse": None}}


def sbom(target):
    return subprocess.run(
        [WARPDRIVE, "sbom", target], capture_output=True, text=True, timeout=300, check=False
    )


def in_container(engine, image, command):
    return engine.containers.run(
        image, command, remove=True, user="123456:0", entrypoint=[]
    ).decode()


def check_image_sbom(engine, image, example, two_stage):
    assert engine.images.get(image).labels["io.warpdrive.sbom"] == PATH
    result = sbom(image)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["bomFormat"], doc["specVersion"], doc["version"]) == ("CycloneDX", "1.5", 1)
    components = doc["components"]
    pypi = {
        c["purl"].split("/")[1].split("@")[0]: c["version"]
        for c in components
        if c.get("purl", "").startswith("pkg:pypi/")
    }
    deb = {c["name"]: c for c in components if c.get("purl", "").startswith("pkg:deb/debian/")}

    # Every package the app's environment has, at its installed version, and no other.
    probe = ["/opt/app-root/bin/python", "-c", INSTALLED]
    assert pypi == json.loads(in_container(engine, image, probe))
    for name, version in {**REQUIREMENTS.get(example, {}), "mod-wsgi": None}.items():
        assert name in pypi, (name, sorted(pypi))
        assert version is None or pypi[name] == version

    # The image's own Debian packages, at their installed versions.
    query = ["dpkg-query", "-W", "-f", "${Version} ${Architecture}\n", "libc6"]
    version, arch = in_container(engine, image, query).split()
    release = in_container(engine, image, ["sh", "-c", ". /etc/os-release; echo $VERSION_ID"])
    distro = f"debian-{release.strip()}"
    assert deb["libc6"]["version"] == version
    assert deb["libc6"]["purl"] == f"pkg:deb/debian/libc6@{version}?arch={arch}&distro={distro}"
    assert {"type": "operating-system", "name": "debian"}.items() <= next(
        c for c in components if c["type"] == "operating-system"
    ).items()
    listed = in_container(engine, image, ["dpkg-query", "-W", "-f", "${Package}\n"]).split()
    assert set(deb) == set(listed)
    # The runtime image has no compilers: its SBOM is its own, not the builder's.
    assert ("gcc" in deb) == (not two_stage)

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
