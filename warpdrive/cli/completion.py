"""`warpdrive completion`: print the shell completion script for bash, zsh or fish."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from warpdrive.env.activation import SHELLS


@click.command(
    epilog="""\b
Examples:
  eval "$(warpdrive completion bash)"          in ~/.bashrc
  eval "$(warpdrive completion zsh)"           in ~/.zshrc
  warpdrive completion fish > ~/.config/fish/completions/warpdrive.fish
"""
)
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (commands, options and env names)."""
    root = ctx.find_root().command
    complete = get_completion_class(shell)(root, {}, "warpdrive", "_WARPDRIVE_COMPLETE")
    click.echo(complete.source())


COMMANDS = [completion]
