"""Builder images and `warpdrive s2i` against a real Docker engine: images are built,
run with an arbitrary UID on host networking, and answer real requests."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.images.conftest import WARPDRIVE, base_image
from tests.support import EXAMPLES, FIXTURES
from tests.support.apps import BODIES
from tests.support.http import free_port, get
from warpdrive.build.deps.installer import OFFLINE_LINE

# The builder's entrypoint: tini as PID 1, then the script that execs the command.
ENTRYPOINT = ["/usr/bin/tini", "--", "/usr/libexec/s2i/container-entrypoint"]


def s2i(src, image, *args, env=None):
    return subprocess.run(
        [WARPDRIVE, "s2i", image, "--source", str(src), *args],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
        env=env,
    )


def copy(name, tmp_path):
    source = EXAMPLES / name if (EXAMPLES / name).is_dir() else FIXTURES / name
    return shutil.copytree(source, tmp_path / name)


@contextlib.contextmanager
def running(engine, image, env=None, user="123456:0", port=None, **kwargs):
    """`docker run --network host --user USER IMAGE`, answering on GET /: (port,
    container). With no `port`, a free one is given to the image as PORT; with one, the
    image is run with `env` alone and expected to answer there."""
    if port is None:
        port = free_port()
        env = {"PORT": str(port), **(env or {})}
    container = engine.containers.run(
        image, detach=True, network_mode="host", user=user, environment=env or {}, **kwargs
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                get(port, "/", timeout=5)
                break
            container.reload()
            assert container.status == "running", container.logs().decode()
            assert time.monotonic() < deadline, container.logs().decode()
            time.sleep(0.3)
        yield port, container
    finally:
        container.remove(force=True)


@pytest.mark.parametrize("python", ["3.11", "3.13"])
def test_builder_images_meet_the_s2i_contract(engine, builders, python):
    image = engine.images.get(builders[python])
    config = image.attrs["Config"]
    labels = config["Labels"]
    assert labels["io.openshift.s2i.scripts-url"] == "image:///usr/libexec/s2i"
    assert labels["io.openshift.expose-services"] == "8080:http"
    assert labels["io.openshift.tags"].startswith("builder,python,warpdrive")
    assert labels["io.k8s.display-name"] and labels["io.k8s.description"]
    assert config["User"] == "1001"
    assert "8080/tcp" in config["ExposedPorts"]
    assert config["Entrypoint"] == ENTRYPOINT
    assert config["Cmd"] == ["/usr/libexec/s2i/usage"]
    usage = engine.containers.run(image.id, remove=True).decode()
    assert "warpdrive S2I builder image" in usage
    check = (
        "set -e; command -v tar; test -x /bin/sh; test -x /usr/bin/env; "
        "for s in assemble run save-artifacts usage container-entrypoint; do "
        "test -x /usr/libexec/s2i/$s; done; "
        "python3 -c 'import sys; print(sys.version_info[:2])'; warpdrive --version; "
        "ls -R /opt/app-root/.cache/wheels; touch /opt/app-root/written; id -u"
    )
    out = engine.containers.run(
        image.id, ["sh", "-c", check], user="123456:0", remove=True, network_mode="host"
    ).decode()
    assert f"({python.replace('.', ', ')})" in out
    assert "mod_wsgi-6.1.1-cp" in out  # mod_wsgi comes compiled
    assert out.strip().endswith("123456")


@pytest.mark.parametrize("python", ["3.11", "3.13"])
def test_runtime_images_have_no_compiler_or_headers(engine, builders, python):
    runtime = f"{builders[python]}-runtime"
    out = engine.containers.run(
        runtime,
        [
            "sh",
            "-c",
            'command -v gcc cc apxs; [ -z "$(ls -A /usr/include 2>/dev/null)" ] && echo no-headers',
        ],
        remove=True,
    ).decode()
    assert "gcc" not in out and "apxs" not in out
    assert out.strip() == "no-headers"
    assert (
        engine.images.get(runtime).attrs["Size"] < engine.images.get(builders[python]).attrs["Size"]
    )


def check_example_serves(engine, image, example, user="123456:0"):
    """The image, run as OpenShift would, serves the example (Django: its admin too)."""
    with running(engine, image, user=user) as (port, _):
        assert get(port, "/")[:2] == (200, BODIES[example])
        if example == "django":
            status, _, headers = get(port, "/static/admin/css/base.css")
            assert status == 200
            assert headers["content-type"].startswith("text/css")
            assert get(port, "/admin/login/")[0] == 200


@pytest.mark.parametrize("example", sorted(BODIES))
def test_s2i_every_example(engine, builders, tmp_path, example):
    src = copy(example, tmp_path)
    image = f"warpdrive-test-{example}"
    result = s2i(src, image, "--builder", builders["3.11"], "--no-incremental")
    assert result.returncode == 0, result.stderr[-4000:]
    assert f"-----> Built image {image}:latest" in result.stderr
    config = engine.images.get(image).attrs["Config"]
    assert config["Cmd"] == ["/usr/libexec/s2i/run"]
    assert config["User"] == "1001"
    assert config["Entrypoint"] == ENTRYPOINT
    env = dict(item.split("=", 1) for item in config["Env"])
    assert env["WARPDRIVE_APP_ROOT"] == "/opt/app-root"
    labels = config["Labels"]
    assert labels["io.openshift.s2i.build.image"] == f"docker.io/library/{builders['3.11']}:latest"
    assert labels["io.openshift.s2i.build.source-location"] == str(src)
    assert labels["io.k8s.display-name"] == image
    check_example_serves(engine, image, example)


def test_s2i_with_the_python_3_13_builder(engine, builders, tmp_path):
    src = copy("wsgi", tmp_path)
    # Clean: an image of that name left by an earlier run would make the build reuse
    # its environment, and the output this test reads is the full build's.
    result = s2i(src, "warpdrive-test-313", "--builder", builders["3.13"], "--no-incremental")
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Python 3.13" in result.stderr
    with running(engine, "warpdrive-test-313") as (port, _):
        assert get(port, "/")[:2] == (200, BODIES["wsgi"])


# An assemble script names labels for the image in /tmp/.s2i/image_metadata.json.
OWN_LABEL = "io.example.own"
OWN_LABEL_SCRIPT = (
    "mkdir -p /tmp/.s2i\n"
    f'echo \'{{"labels": [{{"{OWN_LABEL}": "from-assemble"}}]}}\''
    " > /tmp/.s2i/image_metadata.json\n"
)


def with_own_label(src: Path) -> None:
    """An own .s2i/bin/assemble that names a label, then runs the builder's."""
    assemble = src / ".s2i/bin/assemble"
    assemble.parent.mkdir(parents=True, exist_ok=True)
    assemble.write_text(f"#!/bin/sh\nset -e\n{OWN_LABEL_SCRIPT}exec /usr/libexec/s2i/assemble\n")
    assemble.chmod(0o755)


def test_s2i_environment_ignore_and_own_scripts(engine, builders, tmp_path):
    """.s2i/environment (quoted values too) reaches assemble and the image Env;
    .s2iignore and .git stay out; .s2i/bin/assemble overrides the builder's."""
    src = copy("wsgi_slow", tmp_path)
    (src / ".s2i/bin").mkdir(parents=True)
    (src / ".s2i/environment").write_text('GREETING="hello there"\n# a comment\nPLAIN=yes\n')
    (src / ".s2iignore").write_text("secrets\n*.log\n!keep.log\n")
    (src / "secrets").mkdir()
    (src / "secrets/key").write_text("do not ship")
    (src / "debug.log").write_text("no")
    (src / "keep.log").write_text("yes")
    (src / ".git").mkdir()
    (src / ".git/config").write_text("[core]\n")
    assemble = src / ".s2i/bin/assemble"
    assemble.write_text(
        '#!/bin/sh\nset -e\necho "own assemble sees GREETING=$GREETING"\n'
        f"{OWN_LABEL_SCRIPT}exec /usr/libexec/s2i/assemble\n"
    )
    assemble.chmod(0o755)
    result = s2i(
        src,
        "warpdrive-test-s2i-env",
        "--builder",
        builders["3.11"],
        "--env",
        "EXTRA=1",
        "--build-env",
        "ONLY_BUILD=secret-value",
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "own assemble sees GREETING=hello there" in result.stderr
    env = dict(
        i.split("=", 1) for i in engine.images.get("warpdrive-test-s2i-env").attrs["Config"]["Env"]
    )
    assert (env["GREETING"], env["PLAIN"], env["EXTRA"]) == ("hello there", "yes", "1")
    assert "ONLY_BUILD" not in env
    assert engine.images.get("warpdrive-test-s2i-env").labels[OWN_LABEL] == "from-assemble"
    listing = (
        engine.containers.run(
            "warpdrive-test-s2i-env",
            ["sh", "-c", "ls -a /opt/app-root/src"],
            remove=True,
            entrypoint=[],
        )
        .decode()
        .split()
    )
    assert "keep.log" in listing and "wsgi.py" in listing
    assert "secrets" not in listing and "debug.log" not in listing and ".git" not in listing
    with running(engine, "warpdrive-test-s2i-env") as (port, _):
        assert get(port, "/env/GREETING")[:2] == (200, b"hello there")


def test_s2i_incremental_restores_the_caches_and_downloads_nothing(engine, builders, tmp_path):
    """After a change of the dependency inputs (requirements.txt, the same pins), the
    second build makes a new environment from the caches it gets back, and needs no
    network at all: it runs with `--network none` and still installs everything."""
    src = copy("django", tmp_path)
    image = "warpdrive-test-incremental"
    first = s2i(src, image, "--builder", builders["3.11"], "--no-incremental")
    assert first.returncode == 0, first.stderr[-4000:]
    (src / "hello" / "views.py").write_text(
        (src / "hello" / "views.py").read_text().replace("Hello from Django", "Hello again")
    )
    requirements = src / "requirements.txt"
    requirements.write_text("# the same pins\n" + requirements.read_text())
    result = s2i(src, image, "--builder", builders["3.11"], "--network", "none")
    assert result.returncode == 0, result.stderr[-4000:]
    assert "-----> Saving artifacts from the previous" in result.stderr
    assert "-----> Restoring installer caches from the previous image" in result.stderr
    # Once for the app's requirements, once for the server's packages.
    assert result.stderr.count(OFFLINE_LINE) == 2, result.stderr[-4000:]
    assert "Building mod-wsgi" not in result.stderr  # its wheel came back with the caches
    with running(engine, image) as (port, _):
        assert get(port, "/")[:2] == (200, b"Hello again")


def containers(engine) -> set[str]:
    return {c.id for c in engine.containers.list(all=True)}


def test_failing_assemble_leaves_no_container_and_no_image(engine, builders, tmp_path):
    before = containers(engine)
    result = s2i(
        copy("deps_broken", tmp_path), "warpdrive-test-broken", "--builder", builders["3.11"]
    )
    assert result.returncode == 1
    assert "warpdrive-no-such-package-xyz" in result.stderr  # the failing step's output
    assert (
        "error: assemble in builder warpdrive-python-3.11 failed with exit code 1" in result.stderr
    )
    assert containers(engine) == before
    with pytest.raises(Exception, match="No such image"):
        engine.images.get("warpdrive-test-broken")


def test_builder_build_from_an_installed_wheel(engine, installed):
    """The installed package carries builders/ and s2i/: it builds the same image."""
    result = subprocess.run(
        [
            str(installed / "bin/warpdrive"),
            "builder",
            "build",
            "--python",
            "3.11",
            "--base-image",
            base_image(engine, "3.11"),
            "--tag",
            "warpdrive-test-from-wheel",
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = engine.containers.run(
        "warpdrive-test-from-wheel", ["warpdrive", "--version"], remove=True
    )
    assert out.decode().startswith("warpdrive ")
