"""`warpdrive builder build`: make the S2I builder and runtime images."""

from __future__ import annotations

import click


@click.group(epilog="\b\nExample:\n  warpdrive builder build --python 3.13")
def builder() -> None:
    """Builder images for `warpdrive s2i`, `s2i build` and OpenShift."""


@builder.command(
    epilog="""\b
Examples:
  warpdrive builder build                       warpdrive-python-3.11 and -runtime
  warpdrive builder build --python 3.13 --tag registry.example/warpdrive-python-3.13
  warpdrive builder build --base-image mydebian:bookworm --network host
"""
)
@click.option(
    "--python",
    "python",
    default="3.11",
    show_default=True,
    help="3.11 (Debian 12) or 3.13 (Debian 13).",
)
@click.option(
    "--base-image", help="Debian image to build on (default: the official debian:*-slim)."
)
@click.option("--tag", help="Name of the builder image; the runtime image gets -runtime added.")
@click.option("--network", default="host", show_default=True, help="Network mode of the build.")
def build(python: str, base_image: str | None, tag: str | None, network: str) -> None:
    """Build the builder image and its slim runtime image for one Python."""
    from warpdrive.images import builder as images

    images.build(python, base_image, tag, network)


COMMANDS = [builder]
