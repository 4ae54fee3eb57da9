"""`warpdrive info` (alias `plan`): what was detected and the exact argv `start` execs."""

from __future__ import annotations

import json
import shlex

import click

from warpdrive import context, detect
from warpdrive.build import record
from warpdrive.cli.main import json_option
from warpdrive.detect.spec import DjangoFacts
from warpdrive.serve import launch as launches
from warpdrive.serve.choice import SERVER_CHOICES
from warpdrive.serve.launch import LaunchPlan


def gather(src: str | None, server: str | None, port: int | None) -> dict:
    ctx = context.resolve(src)
    known = record.recorded_spec(ctx) if ctx.built else None
    spec = known or detect.detect(ctx)
    launch = launches.plan(ctx, spec, server, port)
    return {
        "spec_from": "from the build record" if known else "detected now",
        "src": str(ctx.src),
        "app_root": str(ctx.app_root),
        "has_env": ctx.has_env,
        "built": ctx.built,
        "spec": spec.to_json(),
        "launch": launch.to_json(),
    }


def render(data: dict) -> str:
    spec, launch = data["spec"], LaunchPlan.from_json(data["launch"])
    rows = [
        ("source root", data["src"]),
        ("app home", spec["app_home"]),
        ("kind", f"{spec['kind']} ({spec['detected_by']}; {data['spec_from']})"),
        ("entry point", spec["entry"]),
    ]
    rows += [("static", f"{m['url']} -> {m['directory']}") for m in spec["static"]] or [
        ("static", "none")
    ]
    django = DjangoFacts.from_json(spec["django"]) if spec["django"] else None
    if django and django.ok:
        rows += [
            (
                "django",
                f"{django.django_version or 'version unknown'}, settings "
                f"{django.settings_module}, database {django.database_engine}",
            )
        ]
    rows += [
        ("server", f"{launch.server} ({launch.server_source})"),
        ("port", str(launch.port)),
    ]
    if launch.sizing:
        s = launch.sizing
        rows.append(("sizing", f"{s.processes} processes x {s.threads} threads ({s.source})"))
    built = "built" if data["built"] else "not built yet: run warpdrive build"
    rows += [
        ("app root", f"{data['app_root']} ({built})"),
        ("argv", shlex.join(launch.argv)),
        ("server argv", shlex.join(launch.server_argv)),
    ]
    rows += [("note", n) for n in spec["notes"] + launch.notes]
    return "\n".join(f"{k + ':':<13} {v}" for k, v in rows)


@click.command(
    epilog="""\b
Examples:
  warpdrive info                 the app in the current directory (or the active env's)
  warpdrive info examples/django --json
  warpdrive info --server gunicorn --port 9000
"""
)
@click.argument("directory", required=False, type=click.Path(file_okay=True))
@json_option
@click.option("--server", type=click.Choice(SERVER_CHOICES), help="Server type to plan for.")
@click.option("--port", type=click.IntRange(1, 65535), help="Port to plan for.")
def info(directory: str | None, as_json: bool, server: str | None, port: int | None) -> None:
    """Show the detected app (kind, entry point, static mounts), the server, and the
    exact argv `warpdrive start` would exec, without running anything."""
    data = gather(directory, server, port)
    click.echo(json.dumps(data, indent=2) if as_json else render(data))


plan = click.Command(
    "plan", callback=info.callback, params=info.params, help="Alias of `info`.", epilog=info.epilog
)

COMMANDS = [info, plan]
