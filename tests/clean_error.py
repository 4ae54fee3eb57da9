"""The checks every bad-input test makes on a failed `warpdrive` command (README.md,
"Errors and exit codes"): the documented exit status, one line naming the offending
value and the fix, and no traceback through warpdrive's own code."""

from __future__ import annotations

import re
from pathlib import Path

import click

import warpdrive
from tests.support import ROOT

# Code of warpdrive's own (and of the library its CLI runs on): a traceback frame in
# any of these is a bug, whatever the input. The app's own frames (its settings, its
# packages) may show: they help.
OWN_CODE = (
    Path(warpdrive.__file__).parent,
    ROOT / "server-scripts",
    Path(click.__file__).parent,
)
FRAME = re.compile(r'^\s*File "([^"]+)", line \d+', re.MULTILINE)


def warpdrive_frames(stderr: str) -> list[str]:
    frames = []
    for path in FRAME.findall(stderr):
        resolved = Path(path).resolve()
        if any(resolved.is_relative_to(own.resolve()) for own in OWN_CODE):
            frames.append(path)
    return frames


def assert_clean_error(
    returncode: int,
    stdout: str,
    stderr: str,
    status: int,
    value: str,
    fix: str,
    level: str = "error",
) -> None:
    """The exit status; nothing on stdout (so an `eval` of it runs nothing); exactly
    one `error:` line (`warning:` for a case documented as a warning; click's usage
    errors say `Error:`) holding `value`, with `fix` in it or in the `hint:` line
    after it; no traceback frame of warpdrive's own."""
    report = f"exit {returncode}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    assert returncode == status, report
    assert stdout == "", report
    lines = stderr.splitlines()
    marked = [i for i, line in enumerate(lines) if line.lower().startswith(level + ":")]
    assert len(marked) == 1, report
    line = lines[marked[0]]
    assert value in line, report
    after = lines[marked[0] + 1] if marked[0] + 1 < len(lines) else ""
    hint = after if after.startswith("hint: ") else ""
    assert fix in line or fix in hint, report
    assert "this is a bug in warpdrive" not in hint, report
    assert warpdrive_frames(stderr) == [], report
