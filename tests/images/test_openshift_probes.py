"""The template's probes and release step, run as the cluster runs them: the exact
commands of builders/openshift/template.json, `docker exec`'d in a container of an app
image (arbitrary UID, as OpenShift runs it) while its server starts, serves and stops."""

from __future__ import annotations

import contextlib
import time

import pytest

from tests.images.test_images import copy, s2i
from tests.support.http import free_port, get
from tests.unit.test_openshift import the

IMAGE = "warpdrive-test-probes-wsgi"
CONTAINER = "warpdrive-test-probes-run"


@pytest.fixture(scope="module")
def image(engine, builders, tmp_path_factory):
    src = copy("wsgi", tmp_path_factory.mktemp("probes"))
    result = s2i(src, IMAGE, "--builder", builders["3.13"])
    assert result.returncode == 0, result.stderr[-3000:]
    yield IMAGE
    with contextlib.suppress(Exception):
        engine.images.remove(IMAGE, force=True)


def probe_commands() -> dict[str, list[str]]:
    container = the("Deployment")["spec"]["template"]["spec"]["containers"][0]
    return {
        probe: container[f"{probe}Probe"]["exec"]["command"]
        for probe in ("startup", "readiness", "liveness")
    }


def run(container, argv: list[str]) -> tuple[int, str]:
    code, out = container.exec_run(argv)
    return code, out.decode()


def until(container, argv: list[str], code: int, seconds: float) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    while True:
        result = run(container, argv)
        if result[0] == code or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_the_template_probes_follow_the_server_in_a_container(engine, image):
    """The server starts 4 s after the container (as migrations would delay it): the
    probes fail until it answers, pass while it serves, and fail once it is stopped,
    while the container itself goes on."""
    commands = probe_commands()
    port = free_port()
    with contextlib.suppress(Exception):
        engine.containers.get(CONTAINER).remove(force=True)
    script = "sleep 4; /usr/libexec/s2i/run & echo $! > /tmp/server.pid; wait; sleep 600"
    container = engine.containers.run(
        image,
        ["sh", "-c", script],
        name=CONTAINER,
        detach=True,
        network_mode="host",
        user="123456:0",
        environment={"PORT": str(port)},
    )
    try:
        for probe in ("readiness", "liveness", "startup"):
            code, out = run(container, commands[probe])
            assert code == 1, out
            assert "Connection refused" in out, out
        code, out = until(container, commands["readiness"], 0, 120)
        assert code == 0, out + container.logs().decode()[-3000:]
        assert out == f"ready: GET http://127.0.0.1:{port}/ answered 200\n"
        assert get(port, "/")[:2] == (200, b"Hello from WSGI")
        for probe in ("liveness", "startup"):
            code, out = run(container, commands[probe])
            assert (code, out) == (0, f"alive: GET http://127.0.0.1:{port}/ answered 200\n")
        code, out = run(container, ["sh", "-c", 'kill -TERM "$(cat /tmp/server.pid)"'])
        assert code == 0, out
        code, out = until(container, commands["liveness"], 1, 30)
        assert code == 1, out
        assert run(container, commands["readiness"])[0] == 1
        container.reload()
        assert container.status == "running"
    finally:
        container.remove(force=True)


def test_the_release_command_of_the_build_runs_in_the_image(engine, image):
    """The BuildConfig's post-commit command, in a container of the built image as the
    build runs it: it finds the built app, has nothing to release for this example, and
    exits 0 (a failure would fail the build)."""
    command = the("BuildConfig")["spec"]["postCommit"]["command"]
    output = engine.containers.run(
        image, command, remove=True, network_mode="host", stdout=True, stderr=True
    ).decode()
    assert "Nothing to release: not a Django app and no Procfile release: line" in output
