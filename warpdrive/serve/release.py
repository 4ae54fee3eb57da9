"""`warpdrive release` and `warpdrive setup`: steps run once per deployment, outside the
app's containers (docs/openshift.md#one-release-step-per-rollout).

`release` runs what a deployment must do once before its new version serves: the
migrate hook, else the Procfile's release: line, else Django's migrate (the same step
as `warpdrive migrate`), when the WARPDRIVE_MIGRATE rules say so. Under `auto` it
leaves out a SQLite database: that file lives in each container, which migrates its own
at start. `setup` runs the setup hook, the app's one-off initialisation.
"""

from __future__ import annotations

from pathlib import Path

from warpdrive import output
from warpdrive.build import hooks
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.serve import pipeline


def policy(ctx: Context, spec: AppSpec) -> tuple[bool, str]:
    """Whether `warpdrive release` migrates, and why."""
    if ctx.flag("DISABLE_MIGRATE"):
        return False, "DISABLE_MIGRATE is set"
    chosen = pipeline.migrate_choice(ctx)
    if chosen is not None and chosen[0] != "auto":
        return chosen[0] == "on", chosen[1]
    if "release" in spec.procfile:
        return True, "the Procfile has a release: line"
    if spec.kind != "django":
        return False, "not a Django app and no Procfile release: line"
    engine = (spec.django.database_engine if spec.django else None) or ""
    if engine.endswith("sqlite3"):
        return False, (
            "WARPDRIVE_MIGRATE=auto and the database is SQLite: each container migrates"
            " its own when it starts"
        )
    return True, f"WARPDRIVE_MIGRATE=auto and the database is {engine or 'unknown'}, shared"


def release(src: str | Path | None = None) -> None:
    ctx, spec, built = pipeline.load_built(src)
    wanted, why = policy(ctx, spec)
    if not wanted:
        output.step(f"Nothing to release: {why}")
        return
    output.step(f"Releasing: {why}")
    pipeline.migrate(ctx, spec, built)


def setup(src: str | Path | None = None) -> None:
    ctx, _ = pipeline.load(src)
    if not hooks.run(ctx, "setup", ctx.app_root):
        output.step(f"Nothing to set up: no executable {hooks.HOOKS_DIR / 'setup'}")
