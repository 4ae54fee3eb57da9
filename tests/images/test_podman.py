"""Daemonless builds, as OpenShift's own builds run them: the standard `s2i` tool writes
the S2I build as a Dockerfile (`s2i build --as-dockerfile`) and podman (buildah) builds
it. The image, run by the Docker engine as an arbitrary UID, answers as the Docker-engine
build of the same source does, and stops gracefully."""

from __future__ import annotations

import contextlib
import subprocess
import time

import pytest

from tests.images.test_images import ENTRYPOINT, copy, running
from tests.support import require_tool
from tests.support.apps import BODIES
from tests.support.http import get
from tests.support.s2i_tool import s2i_build

PODMAN_IMAGE = "warpdrive-test-podman-django"
DOCKER_IMAGE = "warpdrive-test-podman-django-docker"
# podman names a local image localhost/NAME; `podman save | docker load` keeps the name.
LOADED = f"localhost/{PODMAN_IMAGE}:latest"


def run(*argv: str, timeout: int = 900, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, capture_output=True, timeout=timeout, check=False, **kwargs)
    assert result.returncode == 0, (argv, result.stderr[-4000:])
    return result


@pytest.fixture(scope="module")
def images(engine, builders, tmp_path_factory):
    """The Django example built twice with the 3.13 builder: by the standard tool against
    the Docker engine, and as a Dockerfile built by podman, then moved into the engine."""
    podman = require_tool("podman")
    builder = builders["3.13"]
    work = tmp_path_factory.mktemp("podman")
    src = copy("django", work)

    result = s2i_build(src, builder, DOCKER_IMAGE)
    assert result.returncode == 0, result.stderr[-4000:]

    dockerfile = work / "context" / "Dockerfile"
    result = s2i_build(src, builder, PODMAN_IMAGE, "--as-dockerfile", str(dockerfile))
    assert result.returncode == 0, result.stderr[-4000:]
    text = dockerfile.read_text()
    assert f"FROM docker.io/library/{builder}:latest" in text
    assert "RUN /usr/libexec/s2i/assemble" in text
    assert "CMD /usr/libexec/s2i/run" in text

    # podman has its own image store: the builder comes from the engine's.
    pulled = f"docker.io/library/{builder}:latest"
    try:
        run(podman, "pull", "-q", f"docker-daemon:{builder}:latest")
        built = run(
            *(podman, "build", "--network", "host", "--layers=false"),
            *("-t", PODMAN_IMAGE, str(dockerfile.parent)),
            text=True,
        )
        assert "-----> Build finished" in built.stdout + built.stderr
        with subprocess.Popen([podman, "save", LOADED], stdout=subprocess.PIPE) as save:
            run("docker", "load", stdin=save.stdout)
        assert save.returncode == 0
    finally:
        # Nothing of this test stays in podman's store (/var/lib/containers).
        subprocess.run([podman, "rmi", "-f", LOADED, pulled], capture_output=True, check=False)
    yield {"docker": DOCKER_IMAGE, "podman": LOADED}
    for image in (DOCKER_IMAGE, LOADED):
        with contextlib.suppress(Exception):
            engine.images.remove(image, force=True)


def answers(engine, image: str) -> dict:
    """What the Django example answers, run as OpenShift runs it (`--user 123456:0`)."""
    with running(engine, image) as (port, _):
        status, body, _ = get(port, "/")
        css_status, css, headers = get(port, "/static/admin/css/base.css")
        return {
            "/": (status, body),
            "css": (css_status, headers["content-type"], css),
            "admin": get(port, "/admin/login/")[0],
        }


def test_podman_build_of_the_s2i_dockerfile_answers_as_the_docker_build(engine, images):
    by_docker = answers(engine, images["docker"])
    by_podman = answers(engine, images["podman"])
    assert by_docker["/"] == (200, BODIES["django"])
    assert by_docker["css"][:2] == (200, "text/css")
    assert by_docker["admin"] == 200
    assert by_podman == by_docker

    docker = engine.images.get(images["docker"]).attrs["Config"]
    podman = engine.images.get(images["podman"]).attrs["Config"]
    for field in ("User", "Env", "Entrypoint", "WorkingDir", "ExposedPorts"):
        assert podman[field] == docker[field], field
    assert podman["Entrypoint"] == ENTRYPOINT
    # A Dockerfile's CMD in shell form; container-entrypoint execs the script itself.
    assert docker["Cmd"] == ["/usr/libexec/s2i/run"]
    assert podman["Cmd"] == ["/bin/sh", "-c", "/usr/libexec/s2i/run"]
    # The same labels, but the name each was given and buildah's own.
    ours = {"io.k8s.display-name", "io.buildah.version"}
    assert {k: v for k, v in podman["Labels"].items() if k not in ours} == {
        k: v for k, v in docker["Labels"].items() if k not in ours
    }
    assert podman["Labels"]["io.k8s.display-name"] == PODMAN_IMAGE


def test_the_podman_built_image_stops_gracefully(engine, images):
    """No shell stays between tini and the server: `docker stop`'s SIGTERM reaches the
    server, which stops gracefully, and the container exits 0."""
    with running(engine, images["podman"]) as (_, container):
        script = "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done"
        tree = container.exec_run(["sh", "-c", script], user="123456:0").output.decode()
        processes = tree.splitlines()
        assert processes[0].startswith("/usr/bin/tini -- "), tree  # PID 1
        assert not any(p.startswith("/bin/sh -c /usr/libexec/s2i/run") for p in processes), tree
        started = time.monotonic()
        container.stop(timeout=20)
        assert time.monotonic() - started < 15
        container.reload()
        logs = container.logs().decode("utf-8", "replace")
        assert container.attrs["State"]["ExitCode"] == 0, logs[-3000:]
        assert "shutting down gracefully" in logs, logs[-3000:]
