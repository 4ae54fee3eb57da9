"""How a command's failure is shown, without click: an `error:`/`hint:` pair (and, for a
`--json` command, the error as JSON on stdout) with the documented exit status; an
unexpected exception as a bug with its traceback in a log file. The click group and
the quick paths of warpdrive/cli/entry.py both run commands through `guarded`."""

from __future__ import annotations

import sys
from collections.abc import Callable

from warpdrive import output
from warpdrive.env import registry
from warpdrive.errors import WarpdriveError


def log_unexpected(exc: BaseException) -> str:
    """Write the traceback of an unexpected error to a log file; return its path."""
    import datetime  # here, not at the top: every command's start-up pays for imports
    import traceback

    log_dir = registry.warpdrive_home() / "logs"
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / "warpdrive.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.datetime.now().isoformat()} {' '.join(sys.argv)}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return str(path)
    except OSError:
        return "(no log: WARPDRIVE_HOME is not writable)"


def guarded(
    call: Callable[[], object],
    options: Callable[[], dict | None],
    passing: tuple[type[BaseException], ...] = (),
) -> int | None:
    """Run `call`; None when it succeeds, else the exit status after the failure is
    shown. `options()` gives the command's `json` and `verbose` as parsed by then;
    exceptions of the types `passing` go through untouched (click's own)."""
    try:
        try:
            call()
        except FileNotFoundError:
            # Every relative path, the current directory's own included, fails once
            # that directory is deleted: say that rather than report a bug.
            registry.current_directory()
            raise
    except WarpdriveError as exc:
        if (options() or {}).get("json"):
            import json

            print(json.dumps({"error": exc.to_json()}, indent=2), flush=True)
        output.error(exc.message, exc.hint)
        return exc.exit_status
    except passing:
        raise
    except KeyboardInterrupt:
        output.error("interrupted")
        return 130
    except Exception as exc:
        if (options() or {}).get("verbose"):
            import traceback

            traceback.print_exc()
        log = log_unexpected(exc)
        output.error(
            f"unexpected {type(exc).__name__}: {exc}",
            f"this is a bug in warpdrive; the traceback is in {log} (or use -v)",
        )
        return 1
    return None
