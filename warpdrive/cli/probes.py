"""`warpdrive alive` and `warpdrive ready`: liveness and readiness probes."""

from __future__ import annotations

import click

from warpdrive.serve import probes

TIMEOUT = click.option(
    "--timeout",
    type=click.FloatRange(0.1, 60),
    default=probes.DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for the HTTP answer.",
)


def run_probe(probe: str, directory: str | None, timeout: float) -> None:
    result = probes.check(probe, directory, timeout)
    word = probe if result.healthy else f"not {probe}"
    click.echo(f"{word}: {result.detail}")
    raise SystemExit(0 if result.healthy else 1)


@click.command(
    epilog="""\b
Examples:
  warpdrive alive                      exit 0 if the server on $PORT answers at all
  WARPDRIVE_ALIVE_PATH=/ping warpdrive alive
"""
)
@click.argument("directory", required=False, type=click.Path(file_okay=True))
@TIMEOUT
def alive(directory: str | None, timeout: float) -> None:
    """Exit 0 if the running app is alive: its alive hook succeeds or, without one, the
    server on the local port answers an HTTP GET (any status); else exit 1."""
    run_probe("alive", directory, timeout)


@click.command(
    epilog="""\b
Examples:
  warpdrive ready                      exit 0 if GET / on $PORT answers below 500
  WARPDRIVE_READY_PATH=/health warpdrive ready
"""
)
@click.argument("directory", required=False, type=click.Path(file_okay=True))
@TIMEOUT
def ready(directory: str | None, timeout: float) -> None:
    """Exit 0 if the running app is ready for requests: its ready hook succeeds or,
    without one, a GET of WARPDRIVE_READY_PATH (default /) on the local port answers
    with a status below 500; else exit 1."""
    run_probe("ready", directory, timeout)


COMMANDS = [alive, ready]
