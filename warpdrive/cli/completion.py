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
    completion_class = get_completion_class(shell)
    if completion_class is None:  # click knows every shell SHELLS offers
        raise click.UsageError(f"no completion for {shell}")
    click.echo(completion_class(root, {}, "warpdrive", "_WARPDRIVE_COMPLETE").source())


COMMANDS = [completion]
