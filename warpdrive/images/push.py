"""`warpdrive s2i --push`: the registry's credentials, a check of them before the build,
and the push, its errors as one line and its digest.

Credentials, the first found: the Docker-config-style file `--registry-auth` names;
WARPDRIVE_REGISTRY_USER and WARPDRIVE_REGISTRY_PASSWORD; the Docker config
($DOCKER_CONFIG/config.json, else ~/.docker/config.json: `auths` entries, `credHelpers`
and `credsStore`, read by the docker SDK). None found: the push is anonymous."""

from __future__ import annotations

import binascii
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from warpdrive import output
from warpdrive.errors import (
    BadConfigFile,
    PushDenied,
    PushFailed,
    PushNeedsRegistry,
    RegistryCredentialsHalf,
    RegistryCredentialsMissing,
)

USER_VARIABLE = "WARPDRIVE_REGISTRY_USER"
PASSWORD_VARIABLE = "WARPDRIVE_REGISTRY_PASSWORD"  # noqa: S105 - a variable's name
# What the engine or the registry says when the credentials are missing or refused.
DENIED = re.compile(
    r"unauthori[sz]ed|authentication required|no basic auth credentials|denied|\b401\b", re.I
)


def registry_of(name: str) -> str | None:
    """The registry host an image name starts with (`host:port/...`, `host.domain/...`,
    `localhost/...`), as Docker reads a name; None for a name without one."""
    first, sep, _ = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return None


@dataclass
class Credentials:
    registry: str
    source: str  # where they came from, for people; never the secret
    auth: dict[str, str] | None  # the engine's auth config; None: anonymous

    @property
    def login(self) -> tuple[str, str] | None:
        """(user, password), when the engine can check them with a login."""
        if not self.auth:
            return "", ""
        user = self.auth.get("username") or self.auth.get("Username")
        password = self.auth.get("password") or self.auth.get("Password")
        return (user, password) if user and password else None


def docker_config_path(environ: Mapping[str, str]) -> Path:
    """Where the docker CLI keeps its config: $DOCKER_CONFIG/config.json, else
    ~/.docker/config.json."""
    if environ.get("DOCKER_CONFIG"):
        return Path(environ["DOCKER_CONFIG"]) / "config.json"
    return Path(os.path.expanduser("~")) / ".docker" / "config.json"


def from_config_file(path: Path, registry: str) -> dict[str, str] | None:
    """The registry's entry in a Docker config file (`auths`, `credHelpers`,
    `credsStore`), through the docker SDK's own reading of it."""
    from docker import auth
    from docker.errors import DockerException

    fix = (
        f'make it a Docker config file: {{"auths": {{"{registry}": '
        '{"auth": "<base64 of user:password>"}}}'
    )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadConfigFile(path, exc.strerror or str(exc), fix) from None
    except ValueError as exc:
        raise BadConfigFile(path, f"not JSON ({exc})", fix) from None
    if not isinstance(data, dict):
        raise BadConfigFile(path, "not a JSON object", fix)
    try:
        found = auth.load_config(config_dict=data).resolve_authconfig(registry)
    except (binascii.Error, ValueError):
        # A bad base64 `auth`, or one without user:password (its text is a secret).
        raise BadConfigFile(path, "an `auth` entry is not base64 of user:password", fix) from None
    except DockerException as exc:
        detail = str(exc).splitlines()[0][:200]
        raise BadConfigFile(
            path, detail, "install the credential helper it names, or log in again"
        ) from None
    return dict(found) if found else None


def credentials(registry: str, auth_file: str | None, environ: Mapping[str, str]) -> Credentials:
    if auth_file is not None:
        path = Path(auth_file)
        found = from_config_file(path, registry)
        if not found:
            raise RegistryCredentialsMissing(registry, f"--registry-auth {path}")
        return Credentials(registry, f"--registry-auth {path}", found)
    user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if user or password:
        if not (user and password):
            have, lack = (
                (USER_VARIABLE, PASSWORD_VARIABLE) if user else (PASSWORD_VARIABLE, USER_VARIABLE)
            )
            raise RegistryCredentialsHalf(have, lack)
        given = {"username": user, "password": password, "serveraddress": registry}
        return Credentials(registry, f"{USER_VARIABLE} and {PASSWORD_VARIABLE}", given)
    path = docker_config_path(environ)
    found = from_config_file(path, registry) if path.is_file() else None
    if found:
        return Credentials(registry, str(path), found)
    return Credentials(registry, f"none ({path} has no entry for {registry})", None)


def prepare(name: str, auth_file: str | None, environ: Mapping[str, str]) -> Credentials:
    """Before anything is built: the name has a registry, and its credentials."""
    registry = registry_of(name)
    if registry is None:
        raise PushNeedsRegistry(name)
    return credentials(registry, auth_file, environ)


def check(client: Any, name: str, creds: Credentials) -> None:
    """Log in through the engine, so that a refused password or a registry out of reach
    fails before the build rather than after it (token credentials are not checked)."""
    from docker.errors import APIError

    login = creds.login
    if login is None:
        return
    from warpdrive.images import engine

    if creds.auth:
        output.step(f"Checking the credentials for {creds.registry} (from {creds.source})")
    else:
        output.step(
            f"Checking that registry {creds.registry} answers (credentials: {creds.source})"
        )
    with engine.failure_is_an_error(f"logging in to {creds.registry}"):
        try:
            client.login(login[0], login[1], registry=creds.registry, reauth=True)
        except APIError as exc:
            fail(name, creds, str(exc.explanation or exc), built=False)


def fail(name: str, creds: Credentials, detail: str, built: bool) -> NoReturn:
    """The engine's or the registry's reason, as one line: refused credentials (or none
    given where some are needed), else a registry out of reach or a failed push."""
    detail = detail.strip().splitlines()[0][:300] if detail.strip() else "no reason given"
    if DENIED.search(detail):
        raise PushDenied(name, creds.registry, detail, creds.source, built)
    raise PushFailed(name, creds.registry, detail, built)


def push(client: Any, repo: str, tag: str, creds: Credentials) -> str:
    """Push repo:tag; the digest the registry gave it. Each layer's outcome is one line."""
    from warpdrive.images import engine

    name = f"{repo}:{tag}"
    output.step(f"Pushing {name}")
    digest = ""
    with engine.failure_is_an_error(f"pushing {name}"):
        events = client.images.push(
            repo, tag=tag, auth_config=creds.auth or {}, stream=True, decode=True
        )
        for event in events:
            if event.get("error") or event.get("errorDetail"):
                detail = (event.get("errorDetail") or {}).get("message") or event.get("error")
                fail(name, creds, str(detail), built=True)
            status = event.get("status", "")
            if event.get("id") and (
                status in ("Pushed", "Layer already exists") or status.startswith("Mounted from")
            ):
                output.detail(f"{event['id']}: {status}")
            digest = (event.get("aux") or {}).get("Digest") or digest
    if not digest:
        raise PushFailed(name, creds.registry, "the engine reported no digest", True)
    output.step(f"Pushed {name}: {digest}")
    return f"{repo}@{digest}"
