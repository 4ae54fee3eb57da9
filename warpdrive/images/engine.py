"""Connecting to the Docker engine, with errors people can act on."""

from __future__ import annotations

import contextlib
import os

from warpdrive.errors import EngineFailed, EngineUnreachable


def connect():
    """A docker SDK client for DOCKER_HOST, or the local socket; checked with a ping."""
    import docker
    from docker.errors import DockerException

    where = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock (the default socket)"
    if os.environ.get("DOCKER_HOST"):
        where = f"DOCKER_HOST={where}"
    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except DockerException as exc:
        detail = str(exc).split("(")[0].strip() or type(exc).__name__
        raise EngineUnreachable(where, detail) from None
    return client


def image_or_none(client, name: str):
    from docker.errors import ImageNotFound

    try:
        return client.images.get(name)
    except ImageNotFound:
        return None


@contextlib.contextmanager
def failure_is_an_error(step: str):
    """The engine going away (stopped, crashed) or failing in the middle of a build,
    as one line instead of a traceback from deep inside the SDK."""
    import requests
    import urllib3
    from docker.errors import APIError, DockerException

    lost = (requests.exceptions.ConnectionError, urllib3.exceptions.HTTPError, ConnectionError)
    try:
        yield
    except lost as exc:
        raise EngineFailed(step, f"the connection broke ({type(exc).__name__})") from None
    except (APIError, DockerException) as exc:
        detail = getattr(exc, "explanation", None) or str(exc)
        raise EngineFailed(step, str(detail).splitlines()[0][:200]) from None
