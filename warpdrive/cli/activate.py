"""`warpdrive activate`: print shell code that enters an app's environment."""

from __future__ import annotations

import sys

import click

from warpdrive.env import activation, lifecycle, registry


@click.command(
    epilog="""\b
Examples:
  eval "$(warpdrive activate myapp)"               bash or zsh
  warpdrive activate myapp --shell fish | source   fish
  eval "$(warpdrive activate myapp --python python3.13)"
"""
)
@click.argument("name", required=False)
@click.option(
    "--python",
    "python",
    metavar="PY",
    help="Interpreter for a new environment (path or name on PATH).",
)
@click.option(
    "--shell",
    "shell_name",
    type=click.Choice(activation.SHELLS),
    help="Shell dialect (default: from $SHELL).",
)
@click.option(
    "--rebind", is_flag=True, help="Bind an existing environment to the current directory."
)
def activate(name: str | None, python: str | None, shell_name: str | None, rebind: bool) -> None:
    """Create (on first use) and activate the environment NAME for the app in the
    current directory. Prints shell code for eval and nothing else on stdout.

    NAME defaults to the current directory's name. It may hold letters, digits,
    '.', '_' and '-'.
    """
    src = None  # with a NAME, the current directory matters only to bind the environment
    if name is None:
        src = registry.current_directory().resolve()
        name = registry.name_for_directory(src)
    record = lifecycle.activate(registry.validate_name(name), src, python, rebind)
    sys.stdout.write(
        activation.activate_code(
            record, shell_name or activation.detect_shell(), activation.running_command()
        )
    )


COMMANDS = [activate]
