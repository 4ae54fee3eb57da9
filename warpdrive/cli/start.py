"""`warpdrive start` and `warpdrive migrate`: serve the built app."""

from __future__ import annotations

import click

from warpdrive.serve import pipeline as launcher
from warpdrive.serve.choice import SERVER_CHOICES


@click.command(
    epilog="""\b
Examples:
  warpdrive start                       serve on $PORT (default 8080)
  warpdrive start --server gunicorn --port 9000
  warpdrive start --dry-run             print the exact argv instead
"""
)
@click.argument("directory", required=False, type=click.Path(file_okay=True))
@click.option("--server", type=click.Choice(SERVER_CHOICES), help="Server type.")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default $PORT or 8080).")
@click.option("--dry-run", is_flag=True, help="Print the argv that would be exec'd, and exit.")
def start(directory: str | None, server: str | None, port: int | None, dry_run: bool) -> None:
    """Run the deploy hook and (for SQLite) Django migrations, then exec the app's
    server: it replaces warpdrive, so it gets signals directly."""
    launcher.start(directory, server, port, dry_run)


@click.command(epilog="\b\nExample:\n  warpdrive migrate")
@click.argument("directory", required=False, type=click.Path(file_okay=True))
def migrate(directory: str | None) -> None:
    """Run the app's migrations now: the migrate hook, or Django's migrate."""
    ctx, spec, built = launcher.load_built(directory)
    launcher.migrate(ctx, spec, built)


COMMANDS = [start, migrate]
