"""`warpdrive s2i --runtime-image`: assemble in the builder, then copy the app into the
slim runtime image. The result serves the same, has no compiler or headers, and is
smaller than the single-stage image of the same app."""

from __future__ import annotations

import pytest

from tests.images.test_images import (
    ENTRYPOINT,
    OWN_LABEL,
    check_example_serves,
    containers,
    copy,
    s2i,
    with_own_label,
)
from tests.images.test_sbom import check_image_sbom

NO_TOOLCHAIN = (
    "command -v gcc cc apxs pip; ls /usr/include/python3* 2>/dev/null | head -1; "
    "ls -A /opt/app-root; touch /opt/app-root/tmp/written && echo group-writes"
)


@pytest.mark.parametrize(("python", "example"), [("3.11", "django"), ("3.13", "wsgi")])
def test_two_stage_build_into_the_runtime_image(engine, builders, tmp_path, python, example):
    src = copy(example, tmp_path)
    with_own_label(src)
    single, slim = f"warpdrive-test-single-{example}", f"warpdrive-test-slim-{example}"
    runtime = f"{builders[python]}-runtime"
    result = s2i(src, single, "--builder", builders[python], "--no-incremental")
    assert result.returncode == 0, result.stderr[-4000:]
    result = s2i(src, slim, "--builder", builders[python], "--runtime-image", runtime)
    assert result.returncode == 0, result.stderr[-4000:]
    assert f"-----> Copying the assembled app into runtime image {runtime}" in result.stderr
    assert "-----> Installing the app assembled by the builder into /opt/app-root" in result.stderr

    config = engine.images.get(slim).attrs["Config"]
    assert config["Cmd"] == ["/usr/libexec/s2i/run"]
    assert config["User"] == "1001"
    assert config["Entrypoint"] == ENTRYPOINT
    labels = config["Labels"]
    assert labels["io.openshift.s2i.build.image"] == f"docker.io/library/{builders[python]}:latest"
    assert labels["io.openshift.s2i.build.runtime-image"] == runtime
    assert labels["io.openshift.tags"].startswith("runtime,")
    # The labels the app's assemble named, in both images.
    assert labels[OWN_LABEL] == engine.images.get(single).labels[OWN_LABEL] == "from-assemble"

    out = engine.containers.run(
        slim, ["sh", "-c", NO_TOOLCHAIN], remove=True, user="123456:0", entrypoint=[]
    ).decode()
    assert "gcc" not in out and "apxs" not in out and "/usr/include" not in out, out
    assert "/pip" not in out, out  # the installer served the build only
    listing = out.split()
    assert "warpdrive-build.json" in listing and "src" in listing
    assert ".cache" not in listing  # installer caches served the build only
    assert listing[-1] == "group-writes"

    sizes = {name: engine.images.get(name).attrs["Size"] for name in (single, slim)}
    assert sizes[slim] < sizes[single] * 0.7, sizes
    print(f"image sizes (MB): { {k: round(v / 1e6) for k, v in sizes.items()} }")

    check_example_serves(engine, slim, example)
    # Each image's SBOM lists its own packages (the builder's, or the runtime image's).
    check_image_sbom(engine, single, example, two_stage=False)
    check_image_sbom(engine, slim, example, two_stage=True)


def test_runtime_image_missing(engine, builders, tmp_path):
    before = containers(engine)
    result = s2i(
        copy("wsgi", tmp_path),
        "warpdrive-test-no-runtime",
        "--builder",
        builders["3.11"],
        "--runtime-image",
        "warpdrive-python-3.11-nothere-runtime",
    )
    assert result.returncode == 2
    assert (
        "error: runtime image warpdrive-python-3.11-nothere-runtime is not in the Docker engine"
        in result.stderr
    )
    assert (
        "`warpdrive builder build --python 3.11 --tag warpdrive-python-3.11-nothere`"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert containers(engine) == before


def test_runtime_image_that_names_nothing_to_copy(engine, builders, tmp_path):
    """A plain Debian image has no io.openshift.s2i.assemble-input-files label."""
    before = containers(engine)
    result = s2i(
        copy("wsgi", tmp_path),
        "warpdrive-test-no-runtime",
        "--builder",
        builders["3.11"],
        "--runtime-image",
        "warpdrive-test-base:bookworm-slim",
    )
    assert result.returncode == 2
    assert "does not say what to copy from the builder" in result.stderr
    assert "io.openshift.s2i.assemble-input-files" in result.stderr
    assert containers(engine) == before


# As root, with Debian's mirror: the runtime image's own apache2-bin (without two modules
# and without the perl and libxml2 dependencies) leaves dpkg's records whole, so an
# image derived from it installs packages as usual, Debian's apache2 included (which
# needs perl and an apache2-bin of the same version, and brings Debian's back).
WITHOUT = (
    "ls /usr/lib/apache2/modules/ | grep -c 'proxy_html\\|xml2enc'; "
    "ldconfig -p | grep -c 'libxml2\\|libicu'; ls -d /usr/share/perl 2>/dev/null | wc -l"
)
DERIVED = (
    "set -e; apt-get check -q; apt-get update -qq; "
    "apt-get install -y -qq --no-install-recommends apache2 >/dev/null; "
    "dpkg --audit; apt-get check -q; "
    "perl -MEncode -e 'print qq(perl works\\n)'; "
    "test -e /usr/lib/apache2/modules/mod_proxy_html.so && echo debian-apache2-bin; "
    "apache2 -v | head -1"
)


@pytest.mark.parametrize("python", ["3.11", "3.13"])
def test_an_image_derived_from_the_runtime_image_installs_packages(engine, builders, python):
    before = engine.containers.run(
        f"{builders[python]}-runtime",
        ["sh", "-c", WITHOUT],
        remove=True,
        entrypoint=[],
    ).decode()
    assert before == "0\n0\n0\n", before
    out = engine.containers.run(
        f"{builders[python]}-runtime",
        ["sh", "-c", DERIVED],
        remove=True,
        user="0",
        entrypoint=[],
        network_mode="host",
    ).decode()
    assert "perl works\ndebian-apache2-bin\nServer version: Apache/2.4" in out, out
