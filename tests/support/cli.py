"""Run the real `warpdrive` command as a process, in the environment the tests give it.

That environment is deliberately hostile (junk PYTHONPATH, VIRTUAL_ENV and PIP_* values)
to prove warpdrive relies on its own settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

WARPDRIVE = str(Path(sys.executable).parent / "warpdrive")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def base_env(home: Path) -> dict[str, str]:
    """This process's environment without warpdrive's and the app's settings, with
    WARPDRIVE_HOME at `home` and the hostile values set."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WARPDRIVE_", "VIRTUAL_ENV", "APP_", "DJANGO_"))
    }
    env.pop("PORT", None)
    env.pop("WEB_CONCURRENCY", None)
    env.update(
        WARPDRIVE_HOME=str(home),
        NO_COLOR="1",
        PYTHONPATH="/nonexistent/junk-pythonpath",
        VIRTUAL_ENV="/nonexistent/junk-venv",
        PIP_REQUIRE_VIRTUALENV="junk",
    )
    # The tests' venv first, so `warpdrive` in a shell is this checkout's.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def as_user(user: str | None) -> dict:
    """subprocess keyword arguments that run a command as `user` (None: as this process)."""
    return {"user": user, "group": user, "extra_groups": []} if user else {}


def run_command(
    argv: Sequence[str],
    env: dict[str, str],
    cwd: Path | None = None,
    input: str | None = None,
    user: str | None = None,
    timeout: float = 300,
    keep_cr: bool = False,
) -> Result:
    """Run `argv` to its end with its output captured, as `user` if given. Line ends
    become \n as in text mode, unless `keep_cr`: for tests where a CR that warpdrive
    writes must reach the assertion."""
    proc = subprocess.run(
        list(argv),
        cwd=cwd,
        env=env,
        input=input.encode() if keep_cr and input is not None else input,
        capture_output=True,
        text=not keep_cr,
        timeout=timeout,
        check=False,
        **as_user(user),
    )
    if keep_cr:
        return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode(errors="replace"))
    return Result(proc.returncode, proc.stdout, proc.stderr)


def run_warpdrive(
    *args: str,
    env: dict[str, str],
    cwd: Path | None = None,
    extra: dict[str, str] | None = None,
    input: str | None = None,
    user: str | None = None,
    timeout: float = 300,
    prefix: Sequence[str] = (),
    warpdrive: str = WARPDRIVE,
) -> Result:
    """`warpdrive ARGS...` with `env` plus `extra`, as `user` if given; `prefix` is a
    command that runs warpdrive (`unshare ...`, a shell)."""
    argv = [*prefix, warpdrive, *args]
    return run_command(argv, {**env, **(extra or {})}, cwd, input, user, timeout)
