"""`warpdrive start`: exec the server launcher for the built app (SPEC §6)."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from warpdrive import context, detect, proc, record, servers
from warpdrive.errors import NotBuilt


def prepare(src: str | Path | None, server: str | None, port: int | None):
    """The launch plan and the environment it runs with."""
    ctx = context.resolve(src)
    if not ctx.built:
        raise NotBuilt(ctx.app_root)
    spec = record.recorded_spec(ctx) or detect.detect(ctx)
    plan = servers.plan(ctx, spec, server, port)
    env = proc.with_venv(ctx.environ, ctx.app_root)
    env.update(plan.env)
    return plan, env


def start(
    src: str | Path | None = None,
    server: str | None = None,
    port: int | None = None,
    dry_run: bool = False,
) -> None:
    plan, env = prepare(src, server, port)
    if dry_run:
        sys.stdout.write(shlex.join(plan.argv) + "\n")
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(plan.argv[0], plan.argv, env)  # noqa: S606 - an argv list, no shell
