"""The `warpdrive` console script.

`eval "$(warpdrive activate NAME)"` runs in every new shell, so its everyday form (an
environment that exists and is bound to a source directory, no options) is answered
here without loading click and the command table, which would take most of its time.
Anything else, errors included, goes to the full command line, which gives the same
answer more slowly. `warpdrive build [DIRECTORY]` without options, which often has
nothing to do, is run here too, without click, its failures shown as the command line
shows them (warpdrive/cli/failures.py).
"""

from __future__ import annotations

import sys


def quick_activate(args: list[str]) -> bool:
    """Print the activation code for an existing environment; False when the full
    command line must decide (options, a new environment, an invalid name, ...)."""
    if not args or args[0] != "activate" or len(args) > 2:
        return False
    if any(arg.startswith("-") for arg in args[1:]):
        return False
    from pathlib import Path

    from warpdrive.env import activation, registry
    from warpdrive.errors import WarpdriveError

    try:
        name = args[1] if len(args) == 2 else registry.name_for_directory(Path.cwd().resolve())
        record = registry.read_record(registry.app_root_for(registry.validate_name(name)))
    except (WarpdriveError, OSError):
        return False
    if not record.exists or record.src is None or not record.src.is_dir():
        return False
    code = activation.activate_code(record, activation.detect_shell(), activation.running_command())
    sys.stdout.write(code)
    return True


def quick_build(args: list[str]) -> int | None:
    """Run `build [DIRECTORY]`; its exit status, or None when the full command line
    must decide (options, help, more arguments)."""
    if not args or args[0] != "build" or len(args) > 2:
        return None
    if any(arg.startswith("-") for arg in args[1:]):
        return None
    import os

    from warpdrive.build import pipeline
    from warpdrive.cli import failures

    directory = args[1] if len(args) == 2 else None
    options = {"verbose": bool(os.environ.get("WARPDRIVE_DEBUG"))}
    return failures.guarded(lambda: pipeline.build(directory, None), lambda: options) or 0


def main() -> None:
    if quick_activate(sys.argv[1:]):
        return
    status = quick_build(sys.argv[1:])
    if status is not None:
        sys.exit(status)
    from warpdrive.cli.main import main as full

    full()
