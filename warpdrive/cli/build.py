"""`warpdrive build`: install dependencies and run the build steps."""

from __future__ import annotations

import click

from warpdrive.build import pipeline
from warpdrive.serve.choice import SERVER_CHOICES


@click.command(
    epilog="""\b
Examples:
  warpdrive build                       the app in the current directory (or the active env's)
  warpdrive build examples/django
  WARPDRIVE_UV=none warpdrive build     install with pip instead of uv
"""
)
@click.argument("directory", required=False, type=click.Path(file_okay=True))
@click.option("--server", type=click.Choice(SERVER_CHOICES), help="Server to install.")
@click.option(
    "--no-install",
    is_flag=True,
    help="Reuse the environment as it is: fail (exit status 3) instead of installing "
    "when the dependency inputs changed since the last build.",
)
def build(directory: str | None, server: str | None, no_install: bool) -> None:
    """Install the app's dependencies and its server into its environment, run the
    build hooks and Django's collectstatic, and write the build record."""
    pipeline.build(directory, server, no_install=no_install)


COMMANDS = [build]
