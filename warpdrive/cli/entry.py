"""The `warpdrive` console script.

`eval "$(warpdrive activate NAME)"` runs in every new shell, so its everyday form (an
environment that exists and is bound to a source directory, no options) is answered
here without loading click and the command table, which would take most of its time.
Anything else, errors included, goes to the full command line, which gives the same
answer more slowly. `warpdrive build [DIRECTORY]` without options, which often has
nothing to do, is run here too, without click, its failures shown as the command line
shows them (warpdrive/cli/failures.py). So is `warpdrive start` with only its own
options (`--server`, `--port`, `--dry-run`), whose every millisecond is a millisecond
before the app answers.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


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
    from warpdrive.build import pipeline
    from warpdrive.cli import failures

    directory = args[1] if len(args) == 2 else None
    options = {"verbose": bool(os.environ.get("WARPDRIVE_DEBUG"))}
    return failures.guarded(lambda: pipeline.build(directory, None), lambda: options) or 0


def start_arguments(args: list[str]) -> tuple[str | None, str | None, int | None, bool] | None:
    """`start`'s DIRECTORY, --server, --port and --dry-run, parsed as the full command
    line parses them; None for anything it might read otherwise or refuse (another
    option, `--opt=value`, an option twice, a value it would not accept)."""
    if not args or args[0] != "start":
        return None
    from warpdrive.serve.choice import SERVER_CHOICES

    directory, values, dry_run = None, {}, False
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--dry-run" and not dry_run:
            dry_run = True
        elif arg in ("--server", "--port") and arg not in values:
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            values[arg] = value
        elif arg.startswith("-") or directory is not None:
            return None
        else:
            directory = arg
    server, port = values.get("--server"), values.get("--port")
    if server is not None and server not in SERVER_CHOICES:
        return None
    if port is not None and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        return None
    return directory, server, None if port is None else int(port), dry_run


def quick_start(args: list[str]) -> int | None:
    """Run `start`; its exit status (it execs the server, so it returns only from a
    failure or a dry run), or None when the full command line must decide."""
    parsed = start_arguments(args)
    if parsed is None:
        return None
    from warpdrive.cli import failures
    from warpdrive.serve import pipeline

    options = {"verbose": bool(os.environ.get("WARPDRIVE_DEBUG"))}
    return failures.guarded(lambda: pipeline.start(*parsed), lambda: options) or 0


def leave(status: int) -> NoReturn:
    """Exit with `status` once a quick path has answered. When Python's own exit has
    nothing left to do (no exit handler registered, no other thread; every file
    warpdrive writes is closed by its `with`), it is skipped: it would only take the
    imported modules apart one by one, a tenth of a no-op build's time."""
    import atexit

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(status)
    threading = sys.modules.get("threading")
    others = threading is not None and threading.active_count() > 1
    if getattr(atexit, "_ncallbacks", lambda: 1)() == 0 and not others:
        os._exit(status)
    sys.exit(status)


def main() -> None:
    if quick_activate(sys.argv[1:]):
        leave(0)
    status = quick_build(sys.argv[1:])
    if status is None:
        status = quick_start(sys.argv[1:])
    if status is not None:
        leave(status)
    from warpdrive.cli.main import main as full

    full()
