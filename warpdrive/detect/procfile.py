"""Kind `procfile`: a Procfile (Heroku's format) with a `web:` line, the author's own
start command; its `release:` line runs before the server starts."""

from __future__ import annotations

import re

from warpdrive import output
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec, Reads

KIND = "procfile"
FILE = "Procfile"
READS = Reads(files={FILE: "with a web: line"}, settings=("APP_MODULE",))
NEEDS = "Procfile with a web: line"

# `<process type>: <command>`, as Heroku reads it; other lines (comments) are skipped.
_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def parse(text: str) -> dict[str, str]:
    """Process types and their commands; the first line of a type wins."""
    processes: dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if match:
            processes.setdefault(match.group(1), match.group(2).strip())
    return processes


def detect(ctx: Context) -> AppSpec | None:
    # APP_MODULE names the app to serve: the Procfile steps aside, as app.sh does.
    if ctx.setting("APP_MODULE"):
        return None
    path = ctx.app_home / FILE
    if not path.is_file():
        return None
    try:
        processes = parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        output.warn(f"{path} cannot be read, so it is not used: {exc}")
        return None
    if "web" not in processes:
        output.warn(f"{path} has no web: line, so it is not used")
        return None
    return AppSpec(KIND, ctx.app_home, FILE, detected_by="Procfile web: line", procfile=processes)
