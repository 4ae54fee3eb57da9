"""`warpdrive s2i`: build a Docker image of the app with a builder image."""

from __future__ import annotations

from pathlib import Path

import click

from warpdrive.errors import BadSetting


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
  warpdrive s2i myapp:1.0 --runtime-image warpdrive-python-3.11-runtime
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
    "--builder", default="warpdrive-python-3.11", show_default=True, help="Builder image."
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
    "(the slim runtime image, no compilers).",
)
def s2i(
    image: str | None,
    source: str,
    builder: str,
    incremental: bool,
    env: tuple[str, ...],
    build_env: tuple[str, ...],
    network: str,
    runtime_image: str | None,
) -> None:
    """Build an image of the app with the S2I protocol, through the Docker engine."""
    from warpdrive.images import s2i as protocol

    request = protocol.S2IRequest(
        Path(source),
        image,
        builder,
        incremental,
        key_values("--env", env),
        key_values("--build-env", build_env),
        network,
        runtime_image,
    )
    protocol.build(request)


COMMANDS = [s2i]
