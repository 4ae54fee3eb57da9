"""`warpdrive list`, `destroy`, `shell` and `exec`: managing and using environments."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import click

from warpdrive import output
from warpdrive.cli.main import json_option
from warpdrive.env import lifecycle, registry
from warpdrive.errors import CommandNotFound


@click.command("list", epilog="\b\nExample:\n  warpdrive list --json")
@json_option
def list_command(as_json: bool) -> None:
    """List the environments under WARPDRIVE_HOME; the active one is marked with *."""
    active = registry.active_name()
    records = registry.list_environments()
    if as_json:
        rows = [
            {
                "name": r.name,
                "app_root": str(r.app_root),
                "src": str(r.src) if r.src else None,
                "python": r.python,
                "active": r.name == active,
            }
            for r in records
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not records:
        output.notice(f"no environments under {registry.warpdrive_home()}")
        return
    for r in records:
        mark = "*" if r.name == active else " "
        click.echo(f"{mark} {r.name:<24} {r.src or '(unbound)'}")


@click.command(epilog="\b\nExample:\n  warpdrive destroy myapp")
@click.argument("name")
def destroy(name: str) -> None:
    """Delete the environment NAME (never the active one)."""
    removed = registry.destroy(name)
    output.step(f"Removed {removed}")


@click.command(epilog="\b\nExample:\n  warpdrive shell --env myapp")
@click.option("--env", "name", metavar="NAME", help="Environment (default: the active one).")
def shell(name: str | None) -> None:
    """Start an interactive shell inside an environment, in its source directory."""
    record = registry.find(name)
    program = os.environ.get("SHELL") or shutil.which("bash") or "/bin/sh"
    environ = lifecycle.activated_environ(record)
    environ["PS1"] = f"({registry.ENV_PREFIX}{record.name}) " + os.environ.get("PS1", r"\w \$ ")
    cwd = record.src if record.src and record.src.is_dir() else None
    raise SystemExit(subprocess.run([program], env=environ, cwd=cwd, check=False).returncode)


@click.command(
    "exec",
    context_settings={"ignore_unknown_options": True},
    epilog="\b\nExamples:\n  warpdrive exec python manage.py check\n"
    "  warpdrive exec --env myapp -- pip list",
)
@click.option("--env", "name", metavar="NAME", help="Environment (default: the active one).")
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def exec_command(name: str | None, command: tuple[str, ...]) -> None:
    """Run COMMAND inside an environment (it replaces warpdrive)."""
    record = registry.find(name)
    environ = lifecycle.activated_environ(record)
    program = shutil.which(command[0], path=environ["PATH"])
    if program is None:
        raise CommandNotFound(command[0], environ["PATH"])
    os.execve(program, list(command), environ)  # noqa: S606 - argv list, no shell


COMMANDS = [list_command, destroy, shell, exec_command]
