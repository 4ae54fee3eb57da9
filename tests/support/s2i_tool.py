"""The standard `s2i` command of OpenShift (source-to-image), which the image tests
drive the builder images with beside `warpdrive s2i`. `.ci/run` builds it into
.cache/s2i from its vendored source; WARPDRIVE_TEST_S2I names another binary."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support import IN_CI, ROOT

DEFAULT = ROOT / ".cache" / "s2i"


def s2i_binary() -> Path:
    """The s2i binary; a test that needs it skips locally and fails in CI without it."""
    path = Path(os.environ.get("WARPDRIVE_TEST_S2I") or DEFAULT)
    if not os.access(path, os.X_OK):
        message = f"the standard s2i tool is not at {path} (.ci/run builds it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def engine_api_version() -> str:
    """s2i's Docker client asks for a newer API than Debian's engine speaks: it must be
    told the engine's own version."""
    out = subprocess.run(
        ["docker", "version", "--format", "{{.Server.APIVersion}}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def s2i_environ() -> dict[str, str]:
    return {**os.environ, "DOCKER_API_VERSION": engine_api_version()}


def s2i_build(
    src: Path, builder: str, image: str, *args: str, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """`s2i build SRC BUILDER IMAGE ARGS...` with local images only (no pulls) and host
    networking (these machines have no bridge network)."""
    argv = [str(s2i_binary()), "build", str(src), builder, image]
    argv += ["--pull-policy", "never", "--network", "host", *args]
    return subprocess.run(
        argv, env=s2i_environ(), capture_output=True, text=True, timeout=timeout, check=False
    )
