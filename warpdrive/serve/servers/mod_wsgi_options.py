"""MOD_WSGI_* variables: each names a `mod_wsgi-express start-server` option.

MOD_WSGI_RELOAD_ON_CHANGES=1 gives --reload-on-changes; MOD_WSGI_MAX_CLIENTS=40
gives --max-clients 40; options with two values take them space-separated
(MOD_WSGI_URL_ALIAS="/media /srv/media"). The table of options is
mod_wsgi_options.txt beside this file, read from the pinned mod_wsgi's own --help
(`make mod-wsgi-options` regenerates it; a test checks it against the installed one).
"""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path

from warpdrive.errors import BadSetting

OPTIONS_FILE = Path(__file__).with_name("mod_wsgi_options.txt")
PREFIX = "MOD_WSGI_"
# Decided by warpdrive from other settings; some of the variables still feed those
# (MOD_WSGI_PROCESSES, MOD_WSGI_THREADS in sizing, MOD_WSGI_USER as the run user),
# the others would fight PORT or the launcher (which runs Apache from its server root).
MANAGED = {"port", "processes", "threads", "server-root", "user", "group"}
_OPTION = re.compile(r"^  --([a-z0-9-]+)((?: [A-Z][A-Z0-9|_.:-]*)*)")
_FALSE = ("", "0", "false", "no", "off")


def parse_help(text: str) -> dict[str, int]:
    """option name -> number of values, from `start-server --help` output."""
    return {m.group(1): len(m.group(2).split()) for m in map(_OPTION.match, text.splitlines()) if m}


def write_table(help_text: str) -> None:
    """Regenerate the options file from `start-server --help` (make mod-wsgi-options)."""
    lines = [
        "# mod_wsgi-express start-server options: name, number of values.",
        "# Generated from its --help by `make mod-wsgi-options`; do not edit by hand.",
    ]
    lines += [f"{name} {nargs}" for name, nargs in parse_help(help_text).items()]
    OPTIONS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")


@cache
def options() -> dict[str, int]:
    table = {}
    for line in OPTIONS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, nargs = line.split()
            table[name] = int(nargs)
    return table


def variable_for(option: str) -> str:
    return PREFIX + option.upper().replace("-", "_")


def arguments(environ: dict[str, str]) -> list[str]:
    """The start-server arguments the MOD_WSGI_* variables in `environ` ask for."""
    args = []
    for option, nargs in sorted(options().items()):
        if option in MANAGED:
            continue
        value = environ.get(variable_for(option))
        if value is None:
            continue
        if nargs == 0:
            if value.strip().lower() not in _FALSE:
                args.append(f"--{option}")
            continue
        try:
            values = shlex.split(value) if nargs > 1 else [value]
        except ValueError:  # an unbalanced quote
            values = []
        if len(values) != nargs:
            raise BadSetting(variable_for(option), value, f"{nargs} space-separated values")
        args += [f"--{option}", *values]
    return args
