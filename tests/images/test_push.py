"""`warpdrive s2i --push` against a real registry on loopback (Debian's docker-registry
with htpasswd authentication, over plain HTTP, which the engine allows for loopback):
credentials from a Docker config file and from the environment, refusals in one line
before anything is built, the image pulled back by its digest and served, and the
credentials in no layer of it."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import re
import secrets
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.images.test_build_only import layers_containing
from tests.images.test_images import copy, running, s2i
from tests.support import require_tool
from tests.support.apps import BODIES
from tests.support.http import free_port, get

APP = "warpdrive-test-push-app"


@dataclass
class Registry:
    port: int
    user: str
    password: str

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def auth(self) -> str:
        return base64.b64encode(f"{self.user}:{self.password}".encode()).decode()

    def secrets(self) -> list[bytes]:
        return [self.user.encode(), self.password.encode(), self.auth.encode()]

    def manifest(self, name: str, reference: str) -> tuple[int, str | None]:
        """GET /v2/NAME/manifests/REF with the credentials: status, its digest header."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            accept = "application/vnd.docker.distribution.manifest.v2+json"
            conn.request(
                "GET",
                f"/v2/{name}/manifests/{reference}",
                headers={"Authorization": f"Basic {self.auth}", "Accept": accept},
            )
            response = conn.getresponse()
            response.read()
            return response.status, response.getheader("Docker-Content-Digest")
        finally:
            conn.close()


@contextlib.contextmanager
def serving(where: Path, user: str, password: str, readonly: bool = False):
    """docker-registry serving on a free loopback port, one htpasswd (bcrypt) user;
    `readonly`: it refuses every upload."""
    binary = require_tool("docker-registry")
    htpasswd = require_tool("htpasswd")
    where.mkdir(parents=True, exist_ok=True)
    reg = Registry(free_port(), user, password)
    users = subprocess.run(
        [htpasswd, "-Bbn", user, password], capture_output=True, text=True, check=True
    )
    (where / "htpasswd").write_text(users.stdout)
    maintenance = "  maintenance:\n    readonly:\n      enabled: true\n" if readonly else ""
    (where / "config.yml").write_text(
        "version: 0.1\n"
        f"storage:\n  filesystem:\n    rootdirectory: {where / 'data'}\n{maintenance}"
        f"http:\n  addr: {reg.host}\n"
        f"auth:\n  htpasswd:\n    realm: warpdrive-test\n    path: {where / 'htpasswd'}\n"
    )
    log_path = where / "registry.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "serve", str(where / "config.yml")], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                if reg.manifest("none", "latest")[0] == 404:  # up, and the login accepted
                    break
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        yield reg
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    user, password = f"pusher{secrets.token_hex(4)}", secrets.token_hex(16)
    with serving(tmp_path_factory.mktemp("registry"), user, password) as reg:
        yield reg


def docker_config(directory: Path, entries: dict[str, str]) -> Path:
    """A Docker config dir whose config.json has an `auths` entry per registry."""
    directory.mkdir(parents=True, exist_ok=True)
    auths = {host: {"auth": auth} for host, auth in entries.items()}
    (directory / "config.json").write_text(json.dumps({"auths": auths}))
    return directory


def environ(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARPDRIVE_REGISTRY_")}
    return {**env, **extra}


def one_error(result) -> str:
    """The single `error:` line (with its hint after it), no traceback."""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return errors[0]


def remove_images(engine, *names: str) -> None:
    for name in names:
        with contextlib.suppress(Exception):
            engine.images.remove(name, force=True)


@pytest.fixture(scope="module")
def pushed(engine, builders, registry, tmp_path_factory):
    """The wsgi example built and pushed with the credentials of a Docker config file
    (DOCKER_CONFIG): the run's result, the image's name and the config file."""
    where = tmp_path_factory.mktemp("pushed")
    config = docker_config(where / "docker", {registry.host: registry.auth})
    image = f"{registry.host}/{APP}:config"
    result = s2i(
        copy("wsgi", where),
        image,
        "--builder",
        builders["3.11"],
        "--push",
        env=environ(DOCKER_CONFIG=str(config)),
    )
    yield result, image, config / "config.json"
    remove_images(engine, image)


def test_push_with_the_docker_config(pushed, registry, engine, tmp_path):
    result, image, config = pushed
    assert result.returncode == 0, result.stderr[-4000:]
    assert f"Checking the credentials for {registry.host} (from {config})" in result.stderr
    reference = result.stdout.strip()
    assert re.fullmatch(rf"{re.escape(registry.host)}/{APP}@sha256:[0-9a-f]{{64}}", reference)
    digest = reference.split("@")[1]
    assert f"-----> Pushed {image}: {digest}" in result.stderr
    for secret in registry.secrets():
        assert secret.decode() not in result.stdout + result.stderr
    # The registry has it, under the tag and by the digest printed.
    assert registry.manifest(APP, "config") == (200, digest)
    assert registry.manifest(APP, digest) == (200, digest)

    # Pulled back by digest, with the local tag gone, it serves.
    remove_images(engine, image)
    auth = {"username": registry.user, "password": registry.password}
    pulled = engine.images.pull(reference, auth_config=auth)
    try:
        assert reference in pulled.attrs["RepoDigests"]
        with running(engine, reference) as (port, _):
            assert get(port, "/")[:2] == (200, BODIES["wsgi"])

        # The credentials are in no layer, nor in the image's config.
        config_json = json.dumps(pulled.attrs["Config"])
        for secret in registry.secrets():
            assert secret.decode() not in config_json
        assert layers_containing(engine, reference, registry.secrets(), tmp_path) == {}
    finally:
        remove_images(engine, pulled.id)


def test_push_with_credentials_from_the_environment(engine, builders, registry, tmp_path):
    """WARPDRIVE_REGISTRY_USER and WARPDRIVE_REGISTRY_PASSWORD, with a Docker config
    that has nothing for the registry."""
    image = f"{registry.host}/{APP}:env"
    empty = docker_config(tmp_path / "docker", {})
    env = environ(
        DOCKER_CONFIG=str(empty),
        WARPDRIVE_REGISTRY_USER=registry.user,
        WARPDRIVE_REGISTRY_PASSWORD=registry.password,
    )
    try:
        result = s2i(
            copy("wsgi", tmp_path), image, "--builder", builders["3.11"], "--push", env=env
        )
        assert result.returncode == 0, result.stderr[-4000:]
        assert "(from WARPDRIVE_REGISTRY_USER and WARPDRIVE_REGISTRY_PASSWORD)" in result.stderr
        digest = result.stdout.strip().split("@")[1]
        assert registry.manifest(APP, "env") == (200, digest)
        for secret in registry.secrets():
            assert secret.decode() not in result.stdout + result.stderr
        config = json.dumps(engine.images.get(image).attrs["Config"])
        assert "WARPDRIVE_REGISTRY" not in config and registry.password not in config
    finally:
        remove_images(engine, image)


def test_refusals_are_one_line_before_anything_is_built(engine, builders, registry, tmp_path):
    """No credentials, a wrong password (in --registry-auth, which wins over the
    environment's right one), half the variables, a registry that is not there, a name
    without a registry: one `error:` line each, and no image."""
    src = copy("wsgi", tmp_path)
    image = f"{registry.host}/{APP}:refused"
    empty = docker_config(tmp_path / "empty", {})
    wrong = base64.b64encode(f"{registry.user}:wrong".encode()).decode()
    wrong_file = docker_config(tmp_path / "wrong", {registry.host: wrong}) / "config.json"
    right_env = {
        "WARPDRIVE_REGISTRY_USER": registry.user,
        "WARPDRIVE_REGISTRY_PASSWORD": registry.password,
    }
    builder = ("--builder", builders["3.11"])

    def run(name, *args, **env):
        return s2i(
            src, name, *builder, "--push", *args, env=environ(DOCKER_CONFIG=str(empty), **env)
        )

    result = run(image)
    assert result.returncode == 2
    assert one_error(result).startswith(f"error: registry {registry.host} refused {image}: ")
    assert "no basic auth credentials" in result.stderr
    assert f"hint: no credentials for {registry.host} were found" in result.stderr
    assert "nothing was built" in result.stderr

    result = run(image, "--registry-auth", str(wrong_file), **right_env)
    assert result.returncode == 2
    assert "401 Unauthorized" in one_error(result)
    assert f"the credentials from --registry-auth {wrong_file} were refused" in result.stderr

    result = run(image, WARPDRIVE_REGISTRY_PASSWORD=registry.password)
    assert result.returncode == 2
    line = one_error(result)
    assert line == "error: WARPDRIVE_REGISTRY_PASSWORD is set but WARPDRIVE_REGISTRY_USER is not"
    assert registry.password not in result.stderr

    gone = f"127.0.0.1:{free_port()}"
    result = run(f"{gone}/{APP}:refused", **right_env)
    assert result.returncode == 1
    assert one_error(result).startswith(f"error: pushing {gone}/{APP}:refused to {gone} failed:")
    assert "connection refused" in result.stderr

    result = run(f"{APP}:refused")
    assert result.returncode == 2
    assert "does not start with a registry" in one_error(result)

    for name in (image, f"{gone}/{APP}:refused", f"{APP}:refused"):
        with pytest.raises(Exception, match="No such image"):
            engine.images.get(name)


def test_a_push_refused_after_the_check_is_one_line(engine, builders, tmp_path):
    """The credentials pass the check made before the build, and the registry then
    refuses the upload itself (read-only): the error in the engine's push stream
    becomes one error, with the pushed name and the registry's reason."""
    from warpdrive.errors import PushFailed
    from warpdrive.images import push

    user, password = "reader", secrets.token_hex(8)
    with serving(tmp_path / "ro", user, password, readonly=True) as readonly:
        image = f"{readonly.host}/{APP}-readonly"
        engine.images.get(builders["3.11"]).tag(image, "ro")
        try:
            env = {"WARPDRIVE_REGISTRY_USER": user, "WARPDRIVE_REGISTRY_PASSWORD": password}
            creds = push.prepare(f"{image}:ro", None, env)
            push.check(engine, f"{image}:ro", creds)  # the login is accepted
            with pytest.raises(PushFailed) as failed:
                push.push(engine, image, "ro", creds)
        finally:
            remove_images(engine, f"{image}:ro")
    error = failed.value
    assert error.exit_status == 1
    assert "\n" not in error.message
    assert error.message.startswith(f"pushing {image}:ro to {readonly.host} failed: ")
    assert f"`docker push {image}:ro` pushes it" in error.hint
