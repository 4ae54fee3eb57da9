"""Reading `KEY=VALUE` environment files (`.warpdrive/environment`, `.s2i/environment`).

Values are taken literally: no `$VAR` expansion and no command substitution, so a
file can never run anything. One matching pair of surrounding quotes is stripped,
as dotenv files and Dockerfile ENV lines do, so `APP_MODULE="pkg:app"` and
`APP_MODULE=pkg:app` mean the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from warpdrive.errors import BadConfigFile

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def strip_quotes(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def parse(text: str, path: Path) -> dict[str, str]:
    """Parse the file's text; a line that is not `KEY=VALUE` is an error naming it."""
    values: dict[str, str] = {}
    # Lines end at \n only (reading the file made \r\n and \r into \n): splitlines()
    # would also end them at \f, \x1c, \x85, \u2028 ..., which a value may hold.
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not _KEY.match(key):
            raise BadConfigFile(
                path,
                f"line {number} is not KEY=VALUE: {raw!r}",
                "write one KEY=VALUE per line (KEY of letters, digits and _), or # for comments",
            )
        values[key] = strip_quotes(value.strip())
    return values


def load(path: Path) -> dict[str, str]:
    """The file's values, or nothing when it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise BadConfigFile(path, str(exc), "make the file readable UTF-8 text") from exc
    return parse(text, path)
