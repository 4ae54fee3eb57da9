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


def read_s2i(path: Path) -> dict[str, str]:
    """`.s2i/environment` as the standard `s2i` tool reads it: `KEY=VALUE` split at the
    first `=`, key and value trimmed, quotes kept, lines starting with `#` or `//` and
    lines without `=` skipped. Never an error: the tool accepted whatever is there."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    values: dict[str, str] = {}
    for raw in text.split("\n"):
        line = raw.strip()
        if line.startswith(("#", "//")):
            continue
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values


def unquote_s2i(environ: dict[str, str], src: Path) -> dict[str, str]:
    """`environ` with the quotes the standard `s2i` tool left in place removed.

    That tool passes a `.s2i/environment` value literally, quotes included, to the build
    and into the image's environment, where OpenShift's `ENV`-based builds strip them.
    A variable whose value is exactly its quoted text in SRC's `.s2i/environment` gets
    the value without the quotes, so both builds mean the same; any other value (one
    set at `docker run`, or already unquoted) is left as it is."""
    quoted = {
        key: strip_quotes(value)
        for key, value in read_s2i(src / ".s2i" / "environment").items()
        if strip_quotes(value) != value and environ.get(key) == value
    }
    return {**environ, **quoted} if quoted else environ


def load(path: Path) -> dict[str, str]:
    """The file's values, or nothing when it does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise BadConfigFile(path, str(exc), "make the file readable UTF-8 text") from exc
    return parse(text, path)
