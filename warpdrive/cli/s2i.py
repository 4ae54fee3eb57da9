"""`warpdrive s2i`: build a Docker image of the app with a builder image."""

from __future__ import annotations

import os
from pathlib import Path

import click

from warpdrive import output
from warpdrive.errors import BadSetting

CA_VARIABLES = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


def choose_ca_bundle(flag: str | None, environ) -> Path | None:
    """--ca-bundle, else the bundle the installers here are told to trust."""
    name, value = "--ca-bundle", flag
    if value is None:
        found = [(k, environ[k]) for k in CA_VARIABLES if environ.get(k)]
        if not found:
            return None
        name, value = found[0]
    path = Path(value)
    if not path.is_file():
        raise BadSetting(name, value, "an existing file of PEM certificates")
    output.step(f"Trusting the CA bundle {path} (from {name}) during the build only")
    return path


def key_values(option: str, values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise BadSetting(option, item, "KEY=VALUE")
        pairs[key] = value
    return pairs


@click.command(
    epilog="""\b
Examples:
  warpdrive s2i                          image warpdrive-<dir> from the current directory
  warpdrive s2i myapp:1.0 --env DJANGO_DEBUG=0
  warpdrive s2i --source examples/django --builder warpdrive-python-3.13
  warpdrive s2i myapp:1.0 --runtime-image auto
  warpdrive s2i --ca-bundle proxy-ca.pem --build-env PIP_INDEX_URL=https://u:t@pypi.example/simple
  warpdrive s2i registry.example.com/team/app:1.0 --push   credentials from `docker login`
  warpdrive s2i 127.0.0.1:5000/app --push --registry-auth ci-auth.json
"""
)
@click.argument("image", required=False)
@click.option(
    "--source",
    "source",
    default=".",
    type=click.Path(file_okay=True),
    help="Source directory (default: the current one).",
)
@click.option(
    "--builder",
    metavar="IMG",
    help="Builder image (default: warpdrive-python-X.Y for the Python the app asks for in "
    ".python-version, runtime.txt or requires-python; else warpdrive-python-3.11).",
)
@click.option(
    "--incremental/--no-incremental",
    default=True,
    show_default=True,
    help="Reuse the previous image's installer caches.",
)
@click.option(
    "--env", "env", multiple=True, metavar="K=V", help="Set in assemble and in the image."
)
@click.option(
    "--build-env",
    "build_env",
    multiple=True,
    metavar="K=V",
    help="Set in assemble only, never in the image.",
)
@click.option(
    "--network", default="host", show_default=True, help="Network mode of build containers."
)
@click.option(
    "--runtime-image",
    "runtime_image",
    metavar="IMG",
    help="Two-stage build: assemble in the builder, then copy the app into IMG "
    "(the slim runtime image, no compilers); `auto` is the builder's own, BUILDER-runtime.",
)
@click.option(
    "--ca-bundle",
    "ca_bundle",
    metavar="FILE",
    help="CA certificates (PEM) trusted during the build only, such as a TLS-intercepting "
    "proxy's; default: the file PIP_CERT, SSL_CERT_FILE or REQUESTS_CA_BUNDLE names.",
)
@click.option(
    "--push",
    is_flag=True,
    help="Push the image to the registry its name starts with (HOST[:PORT]/name); print "
    "its reference by digest. Credentials: --registry-auth, else WARPDRIVE_REGISTRY_USER "
    "and WARPDRIVE_REGISTRY_PASSWORD, else the Docker config (docker login).",
)
@click.option(
    "--registry-auth",
    "registry_auth",
    metavar="FILE",
    help="With --push: a Docker-config-style JSON file with the registry's credentials "
    '({"auths": {"HOST:PORT": {"auth": base64 of USER:PASSWORD}}}).',
)
def s2i(
    image: str | None,
    source: str,
    builder: str | None,
    incremental: bool,
    env: tuple[str, ...],
    build_env: tuple[str, ...],
    network: str,
    runtime_image: str | None,
    ca_bundle: str | None,
    push: bool,
    registry_auth: str | None,
) -> None:
    """Build an image of the app with the S2I protocol, through the Docker engine."""
    from warpdrive.images import s2i as protocol

    if registry_auth is not None and not push:
        raise click.UsageError("--registry-auth is used only with --push")
    request = protocol.S2IRequest(
        Path(source),
        image,
        builder,
        incremental,
        key_values("--env", env),
        key_values("--build-env", build_env),
        network,
        runtime_image,
        choose_ca_bundle(ca_bundle, os.environ),
        push,
        registry_auth,
    )
    built = protocol.build(request)
    if push:
        click.echo(built)  # the pushed image by digest, for scripts: REPO@sha256:...


COMMANDS = [s2i]
