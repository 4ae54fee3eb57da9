"""Bad input to `warpdrive s2i` (docs/images.md, "Errors"): Docker engine not reachable,
builder image missing, source not a directory, `.s2i/environment` malformed. The local
cases, and what each check means, are in tests/integration/test_bad_input.py.

Every case aims at the name of an image built once for the module: after the failure
that name still tags the same image id (ids are content digests, so the image is the
very same and still works). These fail before any container is made; that a failing
assemble leaves no container is tests/images/test_images.py's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.clean_error import assert_clean_error
from tests.images.conftest import WARPDRIVE
from tests.support import EXAMPLES

IMAGE = "warpdrive-test-bad-input"


@dataclass
class Previous:
    """A wsgi app and the image `warpdrive s2i` built of it."""

    src: Path
    builder: str
    image_id: str


def s2i(src: Path, *args: str, extra: dict[str, str] | None = None):
    return subprocess.run(
        [WARPDRIVE, "s2i", IMAGE, *args],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
        env={**os.environ, "NO_COLOR": "1", **(extra or {})},
        cwd=src,
    )


@pytest.fixture(scope="module")
def previous(engine, builders, tmp_path_factory) -> Previous:
    src = shutil.copytree(EXAMPLES / "wsgi", tmp_path_factory.mktemp("bad-input") / "wsgi")
    result = s2i(src, "--source", str(src), "--builder", builders["3.11"], "--no-incremental")
    assert result.returncode == 0, result.stderr[-4000:]
    return Previous(src, builders["3.11"], engine.images.get(IMAGE).id)


@contextlib.contextmanager
def nothing(src: Path) -> Iterator[None]:
    yield


@contextlib.contextmanager
def malformed_s2i_environment(src: Path) -> Iterator[None]:
    path = src / ".s2i/environment"
    path.parent.mkdir()
    path.write_text("GOOD=1\noops no equals sign\n")
    try:
        yield
    finally:
        shutil.rmtree(path.parent)


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]  # {src} and {builder} are filled in
    status: int
    value: str
    fix: str
    extra: tuple[tuple[str, str], ...] = ()
    arrange: object = nothing


NOWHERE = "unix:///nonexistent/docker.sock"
CASES = [
    Case(
        "engine-not-reachable",
        ("--source", "{src}", "--builder", "{builder}"),
        2,
        f"cannot reach the Docker engine at DOCKER_HOST={NOWHERE}",
        "start the engine (dockerd), or point DOCKER_HOST at a running one",
        extra=(("DOCKER_HOST", NOWHERE),),
    ),
    Case(
        "builder-image-missing",
        ("--source", "{src}", "--builder", "warpdrive-python-9.9"),
        2,
        "builder image warpdrive-python-9.9 is not in the Docker engine",
        "warpdrive builder build --python 9.9 --tag warpdrive-python-9.9",
    ),
    Case(
        "source-not-a-directory",
        ("--source", "{src}/wsgi.py", "--builder", "{builder}"),
        2,
        "source path {src}/wsgi.py is not a directory",
        "pass the directory that holds the application's code",
    ),
    Case(
        "source-missing",
        ("--source", "{src}/no-such-dir", "--builder", "{builder}"),
        2,
        "source path {src}/no-such-dir is not a directory",
        "pass the directory that holds the application's code",
    ),
    Case(
        "s2i-environment-malformed",
        ("--source", "{src}", "--builder", "{builder}"),
        2,
        "cannot read {src}/.s2i/environment: line 2 is not KEY=VALUE: 'oops no equals sign'",
        "write one KEY=VALUE per line",
        arrange=malformed_s2i_environment,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_for_images(engine, previous, case):
    fill = {"src": previous.src, "builder": previous.builder}
    with case.arrange(previous.src):
        result = s2i(previous.src, *[a.format(**fill) for a in case.args], extra=dict(case.extra))
    assert_clean_error(
        result.returncode,
        result.stdout,
        result.stderr,
        case.status,
        case.value.format(**fill),
        case.fix.format(**fill),
    )
    # Nothing lost: the name still tags the same image.
    assert engine.images.get(IMAGE).id == previous.image_id
