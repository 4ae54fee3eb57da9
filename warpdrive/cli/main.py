"""The `warpdrive` command group and the one place errors are rendered."""

from __future__ import annotations

import importlib
import os

import click

from warpdrive import __version__, output
from warpdrive.cli import failures

# Command name -> the module under warpdrive.cli that defines it. Only the module of
# the command being run is imported: start-up time is most of what `activate` and a
# no-op `build` cost, and each command module pulls in its own dependencies.
COMMAND_MODULES = {
    "activate": "activate",
    "build": "build",
    "start": "start",
    "migrate": "start",
    "release": "release",
    "setup": "release",
    "alive": "probes",
    "ready": "probes",
    "s2i": "s2i",
    "builder": "builder",
    "list": "envs",
    "destroy": "envs",
    "shell": "envs",
    "exec": "envs",
    "info": "info",
    "plan": "info",
    "completion": "completion",
    "sbom": "sbom",
}

EPILOG = """\b
Examples:
  eval "$(warpdrive activate myapp)"   create and enter the app's environment
  warpdrive info                       show what warpdrive detected and would run
"""


def remember_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.ensure_object(dict)["json"] = value
    return value


# `--json` for the commands whose output is for machines. The group reads what it
# recorded: a failure of such a command is a JSON object on stdout as well.
json_option = click.option(
    "--json",
    "as_json",
    is_flag=True,
    callback=remember_json,
    help="Print JSON for machines (an error too).",
)


class WarpdriveGroup(click.Group):
    """Renders WarpdriveError as `error:`/`hint:` lines (and, for a `--json` command, as
    JSON on stdout) with the documented exit status; loads each command's module when
    that command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(name)
        if module is None:
            return None
        commands = importlib.import_module(f"warpdrive.cli.{module}").COMMANDS
        return next(c for c in commands if c.name == name)

    def invoke(self, ctx: click.Context):
        try:
            status = failures.guarded(
                lambda: super(WarpdriveGroup, self).invoke(ctx),
                lambda: ctx.obj,
                (click.UsageError, click.exceptions.Exit, click.ClickException, click.Abort),
            )
        except click.UsageError as exc:
            # A command-line mistake, in warpdrive's own two lines rather than click's
            # usage block: what was wrong, and where the right form is.
            where = exc.ctx.command_path if exc.ctx else "warpdrive"
            output.error(exc.format_message(), f"see `{where} --help`")
            ctx.exit(2)
        if status is not None:
            ctx.exit(status)


@click.group(
    cls=WarpdriveGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(
    __version__, "--version", prog_name="warpdrive", message="%(prog)s %(version)s"
)
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Detect a Python web application, build its environment, and serve it with a
    production-grade server: locally, in Docker, on OpenShift."""
    ctx.obj = {"verbose": verbose or bool(os.environ.get("WARPDRIVE_DEBUG"))}


def main() -> None:
    cli(prog_name="warpdrive")
