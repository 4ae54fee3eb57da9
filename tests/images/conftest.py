"""Shared fixtures for image tests: a Docker engine, local base images (made with
mmdebstrap, as no registry can be reached) and the builder images, each made once
per test run."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.support import IN_CI, ROOT
from tests.support.cli import WARPDRIVE

SUITES = {"3.11": "bookworm", "3.13": "trixie"}


def need_engine():
    try:
        import docker

        client = docker.from_env()
        client.ping()
        return client
    except Exception as exc:
        message = f"no Docker engine ({exc}); .ci/run installs and starts one"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def engine():
    return need_engine()


@pytest.fixture(scope="session", autouse=True)
def no_leftover_app_images(engine):
    """Remove the app images an earlier, interrupted run left (warpdrive-test-*, not the
    base images): `warpdrive s2i` builds incrementally on an image of the same name, so a
    leftover would change what a test builds."""
    for image in engine.images.list():
        for tag in image.tags:
            if tag.startswith("warpdrive-test-") and not tag.startswith("warpdrive-test-base:"):
                engine.images.remove(tag, force=True)


def base_image(engine, python: str) -> str:
    name = f"warpdrive-test-base:{SUITES[python]}-slim"
    try:
        engine.images.get(name)
    except Exception:
        subprocess.run(
            ["sh", str(ROOT / "builders/make-base-image.sh"), SUITES[python], name], check=True
        )
    return name


# Tags of the builder images the tests make: warpdrive-python-X.Y (and -runtime), the
# names `warpdrive s2i` chooses by default. WARPDRIVE_TEST_BUILDER_PREFIX puts a prefix
# in front, so that work in two checkouts on one engine does not test the other's.
BUILDER_PREFIX = os.environ.get("WARPDRIVE_TEST_BUILDER_PREFIX", "")


@pytest.fixture(scope="session")
def builders(engine) -> dict[str, str]:
    """`warpdrive builder build` for both Pythons, on the local base images; the
    engine's layer cache makes an unchanged rebuild quick."""
    images = {}
    for python in SUITES:
        base = base_image(engine, python)
        tag = f"{BUILDER_PREFIX}warpdrive-python-{python}"
        result = subprocess.run(
            [WARPDRIVE, "builder", "build", "--python", python, "--base-image", base, "--tag", tag],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        images[python] = tag
    return images
