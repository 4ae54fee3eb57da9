"""Incremental `warpdrive s2i` builds in layers: builder | environment | installer caches
| source. A source-only change replaces the source layer alone, a dependency change
builds the environment anew from the caches, and two clean builds of the same source
give the same environment layer. Four builds of the Django example in all."""

from __future__ import annotations

import contextlib

import pytest

from tests.images.test_images import copy, running, s2i
from tests.support.http import get
from warpdrive.images.layers import ENV_LABEL

IMAGE = "warpdrive-test-incremental-layers"


def layers(engine, image: str) -> list[str]:
    return engine.images.get(image).attrs["RootFS"]["Layers"]


@pytest.fixture(scope="module")
def clean(engine, builders, tmp_path_factory):
    """Two clean builds of one source: (the source, the builder, layers of each)."""
    src = copy("django", tmp_path_factory.mktemp("incremental"))
    builder = builders["3.11"]
    built, made = [], []
    for _ in range(2):
        result = s2i(src, IMAGE, "--builder", builder, "--no-incremental")
        assert result.returncode == 0, result.stderr[-4000:]
        assert "Adding the installer caches and the source as layers of their own" in (
            result.stderr
        )
        built.append(layers(engine, IMAGE))
        made.append(engine.images.get(IMAGE).id)
    yield src, builder, built
    # The images this module replaced, then its last one (and the layers below it).
    for image in [*made, IMAGE]:
        with contextlib.suppress(Exception):
            engine.images.remove(image, force=True)


def test_clean_builds_stack_environment_caches_and_source(engine, clean):
    """Three layers on the builder's; the same environment layer from both builds."""
    _, builder, (first, second) = clean
    below = layers(engine, builder)
    assert first[: len(below)] == below
    assert len(first) == len(below) + 3
    environment = len(below)
    assert first[environment] == second[environment]
    # The label names the image below the source layer: builder, environment, caches.
    env_image = engine.images.get(engine.images.get(IMAGE).labels[ENV_LABEL])
    assert env_image.attrs["RootFS"]["Layers"] == second[:-1]
    assert not engine.images.get(IMAGE).attrs["Config"].get("Volumes")


def test_source_change_replaces_only_the_source_layer(engine, clean):
    """Nothing installed and no network (`--network none`): the new image has every
    layer of the previous one but the top, and serves the new source."""
    src, builder, _ = clean
    before = layers(engine, IMAGE)
    views = src / "hello" / "views.py"
    views.write_text(views.read_text().replace("Hello from Django", "Hello again"))
    result = s2i(src, IMAGE, "--builder", builder, "--network", "none")
    assert result.returncode == 0, result.stderr[-4000:]
    assert "-----> Reusing the environment of the previous" in result.stderr
    assert "Dependencies unchanged since the last build: skipping installation" in result.stderr
    assert "Collecting static files" in result.stderr
    assert "Saving artifacts" not in result.stderr
    after = layers(engine, IMAGE)
    assert after[:-1] == before[:-1]
    assert after[-1] != before[-1]
    with running(engine, IMAGE) as (port, _):
        assert get(port, "/")[:2] == (200, b"Hello again")
        assert get(port, "/static/admin/css/base.css")[0] == 200


def test_dependency_change_installs_from_the_caches(engine, clean):
    """A package added to requirements.txt: the environment is made anew, the caches
    of the previous image come back, and only the new package is fetched."""
    src, builder, _ = clean
    before = layers(engine, IMAGE)
    requirements = src / "requirements.txt"
    requirements.write_text(requirements.read_text().strip() + "\nsix==1.17.0\n")
    result = s2i(src, IMAGE, "--builder", builder)
    assert result.returncode == 0, result.stderr[-4000:]
    out = result.stderr
    assert "-----> The dependency inputs changed: building the environment anew" in out
    assert "-----> Restoring installer caches from the previous image" in out
    install = out.split("Installing dependencies from requirements.txt")[1]
    install = install.split("----->")[0]
    assert "Prepared 1 package" in install, install  # six; the rest from the cache
    assert "+ six==1.17.0" in install
    after = layers(engine, IMAGE)
    below = len(layers(engine, builder))
    assert after[:below] == before[:below]
    assert after[below] != before[below]  # a new environment layer
    check = "import six, django; print(six.__version__)"
    out = engine.containers.run(
        IMAGE, ["/opt/app-root/bin/python", "-c", check], entrypoint=[], remove=True
    )
    assert out.decode().strip() == "1.17.0"
