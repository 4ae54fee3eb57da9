"""Action hooks: executables in `.warpdrive/action_hooks/` run at fixed points."""

from __future__ import annotations

import os
from pathlib import Path

from warpdrive import output, proc
from warpdrive.context import Context
from warpdrive.errors import HookFailed

HOOKS_DIR = Path(".warpdrive") / "action_hooks"
NAMES = ("pre-build", "build", "deploy", "migrate", "setup", "alive", "ready")


def hook_path(ctx: Context, name: str) -> Path:
    return ctx.src / HOOKS_DIR / name


def hook_environ(
    ctx: Context, venv: Path, name: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """What a hook sees: the app's environment active, and the WARPDRIVE_* variables
    documented in docs/configuration.md."""
    env = proc.with_venv(ctx.environ, venv)
    env.update(
        WARPDRIVE_HOOK=name,
        WARPDRIVE_SRC_ROOT=str(ctx.src),
        WARPDRIVE_APP_HOME=str(ctx.app_home),
        WARPDRIVE_APP_ROOT=str(ctx.app_root),
        WARPDRIVE_PYTHON=str(venv / "bin" / "python"),
    )
    env.update(extra or {})
    return env


def run(ctx: Context, name: str, venv: Path, extra: dict[str, str] | None = None) -> bool:
    """Run hook `name` if present; False when there is none (or it is not executable)."""
    path = hook_path(ctx, name)
    if not path.is_file():
        return False
    if not os.access(path, os.X_OK):
        output.warn(
            f"hook {name} ({path}) is not executable, so it did not run; run: chmod +x {path}"
        )
        return False
    output.step(f"Running hook {name}")
    returncode, _ = proc.run_streamed(
        [str(path)], hook_environ(ctx, venv, name, extra), ctx.app_home
    )
    if returncode != 0:
        raise HookFailed(name, path, returncode)
    return True
