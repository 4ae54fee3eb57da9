"""The Docker engine stopped in the middle of `warpdrive s2i`: one clear error line,
no traceback, and no image tagged. The test stops the real engine and starts it
again with the same command line."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.images.conftest import WARPDRIVE, need_engine
from tests.images.test_images import copy
from tests.support import IN_CI


def dockerd_command() -> tuple[int, list[str]]:
    """The running engine's pid and argv, to start it again the same way."""
    result = subprocess.run(["pidof", "dockerd"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        message = "no local dockerd process to stop"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    pid = int(result.stdout.split()[0])
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
    return pid, [a.decode() for a in argv]


def start_engine(argv: list[str], log: Path) -> None:
    with log.open("ab") as out:
        subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while subprocess.run(["docker", "info"], capture_output=True, check=False).returncode:
        assert time.monotonic() < deadline, log.read_text()[-2000:]
        time.sleep(0.5)


def test_engine_stopped_mid_build(engine, builders, tmp_path):
    src = copy("wsgi", tmp_path)
    (src / ".s2i/bin").mkdir(parents=True)
    assemble = src / ".s2i/bin/assemble"
    assemble.write_text("#!/bin/sh\necho assembling-now\nsleep 120\n")
    assemble.chmod(0o755)
    image = "warpdrive-test-engine-stopped"
    pid, argv = dockerd_command()

    build = subprocess.Popen(
        [WARPDRIVE, "s2i", image, "--source", str(src), "--builder", builders["3.11"]],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    seen = []
    try:
        for line in build.stderr:
            seen.append(line)
            if "assembling-now" in line:
                break
        os.kill(pid, signal.SIGTERM)  # as `systemctl stop docker` does
        rest = build.stderr.read()
        status = build.wait(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
        deadline = time.monotonic() + 60
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        start_engine(argv, tmp_path / "dockerd.log")

    errors = [line for line in rest.splitlines() if line.startswith("error:")]
    assert status == 1, "".join(seen) + rest
    assert len(errors) == 1, rest
    assert errors[0].startswith("error: the Docker engine failed while running assemble"), rest
    assert "Traceback" not in rest
    client = need_engine()
    assert not client.images.list(name=image)  # nothing half-tagged
    for container in client.containers.list(all=True, filters={"ancestor": builders["3.11"]}):
        container.remove(force=True)  # the stopped build container, left by the engine
