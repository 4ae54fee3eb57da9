"""`warpdrive sbom`: the CycloneDX SBOM of an app image or of a built app directory."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command(
    epilog="""\b
Examples:
  warpdrive sbom                         the app in the current directory
  warpdrive sbom warpdrive-myapp         the SBOM an app image carries
  warpdrive sbom ~/src/myapp -o sbom.json
"""
)
@click.argument("target", required=False)
@click.option(
    "--os-packages",
    is_flag=True,
    help="For a directory: add this machine's Debian packages (what the image scripts do).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write it to a file."
)
@click.option("--s2i-label", is_flag=True, hidden=True)
def sbom(target: str | None, os_packages: bool, output: Path | None, s2i_label: bool) -> None:
    """Print the CycloneDX SBOM (JSON) of TARGET: an app image (the file its label
    io.warpdrive.sbom names) or an app directory built with `warpdrive build` (its
    environment's Python packages). Without TARGET: the current directory's app."""
    if target is not None and not Path(target).is_dir():
        from warpdrive.images import sbom as images

        text = images.read(target).decode("utf-8")
    else:
        from warpdrive import context
        from warpdrive import sbom as sboms

        doc = sboms.for_app(context.resolve(target), os_packages)
        text = json.dumps(doc, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    if s2i_label:
        from warpdrive import sbom as sboms

        sboms.add_image_label(output.absolute())


COMMANDS = [sbom]
