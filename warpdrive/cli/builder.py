"""`warpdrive builder build`: make the S2I builder and runtime images. Two hidden
commands print what the builder image's Dockerfile needs from the warpdrive it installs."""

from __future__ import annotations

from pathlib import Path

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


@builder.command(hidden=True)
@click.argument("venv", type=click.Path(file_okay=False, path_type=Path))
@click.option("--cache-root", required=True, type=click.Path(path_type=Path))
def wheelhouse(venv: Path, cache_root: Path) -> None:
    """Print the wheelhouse under CACHE_ROOT that builds install the pinned servers
    from for VENV's Python: the builder image fills it ahead of the first build."""
    from warpdrive.build.deps.installer import wheelhouse_dir

    click.echo(wheelhouse_dir(cache_root, venv))


@builder.command("server-packages", hidden=True)
@click.argument("names", nargs=-1, required=True)
def server_packages(names: tuple[str, ...]) -> None:
    """Print the pinned packages builds install for the servers NAMES, space-separated."""
    from warpdrive.errors import BadSetting
    from warpdrive.serve.servers import SERVERS, WSGI_SERVERS

    unknown = [name for name in names if name not in WSGI_SERVERS]
    if unknown:
        raise BadSetting("SERVER", unknown[0], "one of " + ", ".join(WSGI_SERVERS))
    click.echo(" ".join(r for name in names for r in SERVERS[name].packages()))


COMMANDS = [builder]
