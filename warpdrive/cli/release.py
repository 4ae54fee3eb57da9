"""`warpdrive release` and `warpdrive setup`: once-per-deployment steps."""

from __future__ import annotations

import click

from warpdrive.serve import release as releases


@click.command(
    epilog="""\b
Examples:
  warpdrive release                     as a platform's pre-deployment step
  WARPDRIVE_MIGRATE=off warpdrive release   does nothing
"""
)
@click.argument("directory", required=False, type=click.Path(file_okay=True))
def release(directory: str | None) -> None:
    """Run the release step once and exit: the migrate hook, else the Procfile's
    release: line, else Django's migrate, as WARPDRIVE_MIGRATE says (under auto, a
    SQLite database is left to each container's start)."""
    releases.release(directory)


@click.command(epilog="\b\nExample:\n  warpdrive setup")
@click.argument("directory", required=False, type=click.Path(file_okay=True))
def setup(directory: str | None) -> None:
    """Run the app's setup hook (.warpdrive/action_hooks/setup): one-off
    initialisation of a deployment, such as creating its first admin user."""
    releases.setup(directory)


COMMANDS = [release, setup]
