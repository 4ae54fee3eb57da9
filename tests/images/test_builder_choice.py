"""`warpdrive s2i` without --builder picks the builder by the Python the app asks for,
and refuses, before building anything, a Python that no builder has; forced onto a
builder that lacks it, assemble fails in one line."""

from __future__ import annotations

import pytest

from tests.images.test_images import check_example_serves, containers, copy, s2i


def test_python_version_chooses_the_builder_and_its_runtime(engine, builders, tmp_path):
    src = copy("wsgi", tmp_path)
    (src / ".python-version").write_text("3.13\n")
    image = "warpdrive-test-chosen-313"
    result = s2i(src, image, "--runtime-image", "auto")
    assert result.returncode == 0, result.stderr[-4000:]
    builder = builders["3.13"]
    assert f"-----> Builder {builder} (from .python-version (3.13))" in result.stderr
    labels = engine.images.get(image).attrs["Config"]["Labels"]
    assert labels["io.openshift.s2i.build.image"] == f"docker.io/library/{builder}:latest"
    assert labels["io.openshift.s2i.build.runtime-image"] == f"{builder}-runtime"
    version = engine.containers.run(
        image,
        ["/opt/app-root/bin/python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        remove=True,
        entrypoint=[],
    )
    assert version.decode().strip() == "3.13"
    check_example_serves(engine, image, "wsgi")


def test_a_python_no_builder_has(engine, builders, tmp_path):
    src = copy("wsgi", tmp_path)
    (src / ".python-version").write_text("3.9\n")
    image = "warpdrive-test-python-39"
    before = containers(engine)

    refused = s2i(src, image)
    assert refused.returncode == 2, refused.stderr
    # Nothing before it but step lines (such as the CA bundle trusted).
    assert not any(
        ln.startswith("hint:") or ln.startswith("error:") for ln in refused.stderr.splitlines()[:-2]
    )
    assert refused.stderr.splitlines()[-2:] == [
        "error: .python-version asks for Python 3.9, which no builder image has "
        f"(builders: {builders['3.11']}, {builders['3.13']})",
        "hint: ask for Python 3.11 or 3.13, or pass --builder with an image of your own",
    ]

    forced = s2i(src, image, "--builder", builders["3.13"])
    assert forced.returncode == 1, forced.stderr[-4000:]
    lines = forced.stderr.splitlines()
    inside = "error: .python-version asks for Python 3.9 but none is available (found: 3.13)"
    assert inside in lines
    assert lines[lines.index(inside) + 1].startswith("hint: ")
    assert lines[-2] == (
        f"error: assemble in builder {builders['3.13']} failed with exit code 2: "
        + inside.removeprefix("error: ")
    )
    assert "Traceback" not in forced.stderr
    assert containers(engine) == before
    with pytest.raises(Exception, match="No such image"):
        engine.images.get(image)


def test_a_runtime_image_of_another_python_is_refused(engine, builders, tmp_path):
    before = containers(engine)
    result = s2i(
        copy("wsgi", tmp_path),
        "warpdrive-test-mismatch",
        "--builder",
        builders["3.13"],
        "--runtime-image",
        f"{builders['3.11']}-runtime",
    )
    assert result.returncode == 2, result.stderr[-4000:]
    assert result.stderr.splitlines()[-2:] == [
        f"error: runtime image {builders['3.11']}-runtime has Python 3.11, "
        f"builder {builders['3.13']} has 3.13",
        f"hint: use the builder's own runtime image, {builders['3.13']}-runtime, "
        "or --runtime-image auto",
    ]
    assert containers(engine) == before
