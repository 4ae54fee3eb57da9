"""`warpdrive info` (alias `plan`): what was detected and the exact argv `start` execs."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from warpdrive import context, detect
from warpdrive.build import record
from warpdrive.cli.main import json_option
from warpdrive.detect.spec import AppSpec
from warpdrive.serve import launch as launches
from warpdrive.serve.choice import SERVER_CHOICES
from warpdrive.serve.launch import LaunchPlan


@dataclass(frozen=True)
class Info:
    """What `info` shows: the app as detected (or recorded) and the launch plan."""

    spec: AppSpec
    spec_from: str  # "from the build record" or "detected now"
    src: Path
    app_root: Path
    has_env: bool
    built: bool
    launch: LaunchPlan

    def to_json(self) -> dict[str, Any]:
        return {
            "spec_from": self.spec_from,
            "src": str(self.src),
            "app_root": str(self.app_root),
            "has_env": self.has_env,
            "built": self.built,
            "spec": self.spec.to_json(),
            "launch": self.launch.to_json(),
        }


def port_row(launch: LaunchPlan) -> str:
    """The port; when the app's own server config binds it, which file says so."""
    if launch.bind_config is None:
        return str(launch.port)
    if not launch.port_known:
        return f"the bind set in {launch.bind_config} (not a literal: the port is not known)"
    return f"{launch.port} ({launch.port_source})"


def gather(src: str | None, server: str | None, port: int | None) -> Info:
    ctx = context.resolve(src)
    known = record.recorded_spec(ctx) if ctx.built else None
    spec = known or detect.detect(ctx)
    return Info(
        spec,
        "from the build record" if known else "detected now",
        ctx.src,
        ctx.app_root,
        ctx.has_env,
        ctx.built,
        launches.plan(ctx, spec, server, port),
    )


def render(info: Info) -> str:
    spec, launch = info.spec, info.launch
    rows = [
        ("source root", str(info.src)),
        ("app home", str(spec.app_home)),
        ("kind", f"{spec.kind} ({spec.detected_by}; {info.spec_from})"),
        ("entry point", spec.entry),
    ]
    if spec.kind not in ("shell", "python", "gunicorn-config"):
        rows.append(("interface", spec.interface))
    rows += [("procfile", f"{kind}: {command}") for kind, command in spec.procfile.items()]
    rows += [("static", f"{m.url} -> {m.directory}") for m in spec.static] or [("static", "none")]
    django = spec.django
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
        ("port", port_row(launch)),
    ]
    if launch.sizing:
        s = launch.sizing
        processes = f"{s.processes} process{'es' if s.processes != 1 else ''}"
        threads = f"{s.threads} thread{'s' if s.threads != 1 else ''}"
        rows.append(("sizing", f"{processes} x {threads} ({s.source})"))
    built = "built" if info.built else "not built yet: run warpdrive build"
    rows += [
        ("app root", f"{info.app_root} ({built})"),
        ("argv", shlex.join(launch.argv)),
        ("server argv", shlex.join(launch.server_argv)),
    ]
    rows += [("note", n) for n in spec.notes + launch.notes]
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
    found = gather(directory, server, port)
    click.echo(json.dumps(found.to_json(), indent=2) if as_json else render(found))


plan = click.Command(
    "plan", callback=info.callback, params=info.params, help="Alias of `info`.", epilog=info.epilog
)

COMMANDS = [info, plan]
