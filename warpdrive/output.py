"""The one output vocabulary: `-----> ` step lines, indented detail, warnings, errors.

Everything for people goes to stderr, so that commands whose stdout is meant for
`eval` or for machines (`activate`, `info --json`) keep it clean. Colour is decided
once: only on a TTY, never with NO_COLOR set.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):  # no-color.org: set and not empty
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _paint(text: str, code: str, stream: TextIO) -> str:
    return f"\033[{code}m{text}\033[0m" if use_colour(stream) else text


def step(text: str) -> None:
    """Announce one build or start step."""
    print(_paint("-----> ", "1;36", sys.stderr) + text, file=sys.stderr, flush=True)


def detail(text: str) -> None:
    """A line that belongs to the step above it."""
    for line in text.splitlines() or [""]:
        print("       " + line, file=sys.stderr, flush=True)


def notice(text: str) -> None:
    print(_paint("notice: ", "1;34", sys.stderr) + text, file=sys.stderr, flush=True)


def warn(text: str) -> None:
    print(_paint("warning: ", "1;33", sys.stderr) + text, file=sys.stderr, flush=True)


def error(message: str, hint: str | None = None) -> None:
    print(_paint("error: ", "1;31", sys.stderr) + message, file=sys.stderr, flush=True)
    if hint:
        print(_paint("hint: ", "1", sys.stderr) + hint, file=sys.stderr, flush=True)


def passthrough(text: str) -> None:
    """A tool's own output (an image build, a container's log), as it comes."""
    sys.stderr.write(text)
    sys.stderr.flush()
