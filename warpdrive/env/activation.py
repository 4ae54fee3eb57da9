"""Shell code that activates an environment in bash, zsh or fish, and `deactivate`,
which restores every variable and the prompt exactly as they were.

Every value is quoted for the target shell; the environment name was validated
before this runs, and is quoted all the same.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from warpdrive.env.registry import ENV_PREFIX, EnvRecord

TYPE_CHECKING = False  # not `typing`'s: activate runs in every new shell, which pays for imports
if TYPE_CHECKING:
    from collections.abc import Mapping

SHELLS = ("bash", "zsh", "fish")
# Variables activation sets; deactivate puts back whatever each held before.
VARIABLES = (
    "VIRTUAL_ENV",
    "VIRTUAL_ENV_PROMPT",
    "PYTHONHOME",
    "WARPDRIVE_ENV_NAME",
    "WARPDRIVE_APP_ROOT",
    "WARPDRIVE_SRC_ROOT",
)


def detect_shell(environ: Mapping[str, str] = os.environ) -> str:
    return "fish" if Path(environ.get("SHELL", "")).name == "fish" else "bash"


# shlex.quote's rule written out (importing shlex would cost every new shell a module;
# a test holds the two equal), and one more: zsh expands a word that starts with `=` to
# the path of a command (`=ls`), so such a value is quoted too.
_POSIX_SAFE = frozenset("%+,-./0123456789:=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")


def posix_quote(value: str) -> str:
    if value and _POSIX_SAFE.issuperset(value) and not value.startswith("="):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'"


def fish_quote(value: str) -> str:
    # Inside fish single quotes only \\ and \' are special.
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _comment(record: EnvRecord) -> str:
    # A comment ends at a line break, so one in it would end it early and leave the
    # rest to run as code (names are validated and hold none; the code must not rely
    # on that).
    text = "# warpdrive: activate " + ENV_PREFIX + record.name
    return text.replace("\r", "\\r").replace("\n", "\\n")


def activation_values(record: EnvRecord) -> dict[str, str | None]:
    """The variables as activation sets them; None means unset."""
    return {
        "VIRTUAL_ENV": str(record.app_root),
        "VIRTUAL_ENV_PROMPT": ENV_PREFIX + record.name,
        "PYTHONHOME": None,
        "WARPDRIVE_ENV_NAME": record.name,
        "WARPDRIVE_APP_ROOT": str(record.app_root),
        "WARPDRIVE_SRC_ROOT": str(record.src),
    }


def running_command(argv0: str | None = None) -> str | None:
    """The `warpdrive` command this process was started as, as the shell found it
    (not resolved: pipx's ~/.local/bin/warpdrive is a link), or None when it was not
    started as a command named warpdrive (`python -m warpdrive`)."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    if Path(argv0).name != "warpdrive" or not os.path.isfile(argv0):
        return None
    return os.path.abspath(argv0)


def activate_code(record: EnvRecord, shell: str, command: str | None = None) -> str:
    """`command` is the warpdrive that prints the code: activation first deactivates
    any other virtualenv (as venv's own activate does), which hides a warpdrive
    installed in that virtualenv; then its directory goes on PATH after the
    environment's."""
    return _fish(record, command) if shell == "fish" else _posix(record, command)


def _posix(record: EnvRecord, command: str | None) -> str:
    """For bash and zsh (both read this dialect)."""
    q = posix_quote
    venv_bin = q(str(record.app_root / "bin"))
    lines = [
        _comment(record),
        "typeset -f deactivate >/dev/null 2>&1 && deactivate",
        '_warpdrive_old_PATH="$PATH"',
    ]
    for var in (*VARIABLES, "PS1"):
        lines.append(
            f'if [ "${{{var}+set}}" = set ]; then _warpdrive_old_{var}="${var}"; '
            f"_warpdrive_had_{var}=1; else _warpdrive_had_{var}=; fi"
        )
    for var, value in activation_values(record).items():
        lines.append(f"unset {var}" if value is None else f"export {var}={q(value)}")
    lines += [
        f'export PATH={venv_bin}:"$PATH"',
    ]
    if command:
        lines += [
            "hash -r 2>/dev/null || true",
            f'[ "$(command -v warpdrive)" = {q(command)} ] || '
            f'export PATH={venv_bin}:{q(os.path.dirname(command))}:"$_warpdrive_old_PATH"',
        ]
    lines += [
        f'PS1={q("(" + ENV_PREFIX + record.name + ") ")}"${{PS1-}}"',
        "deactivate () {",
        '    PATH="$_warpdrive_old_PATH"; export PATH; unset _warpdrive_old_PATH',
    ]
    for var in (*VARIABLES, "PS1"):
        export = "" if var == "PS1" else "export "
        lines.append(
            f'    if [ -n "$_warpdrive_had_{var}" ]; then {export}{var}="$_warpdrive_old_{var}"; '
            f"else unset {var}; fi; unset _warpdrive_old_{var} _warpdrive_had_{var}"
        )
    lines += [
        "    unset -f deactivate",
        "    hash -r 2>/dev/null || true",
        "}",
        "hash -r 2>/dev/null || true",
    ]
    return "\n".join(lines) + "\n"


def _fish(record: EnvRecord, command: str | None) -> str:
    q = fish_quote
    venv_bin = q(str(record.app_root / "bin"))
    lines = [
        _comment(record),
        "functions -q deactivate; and deactivate",
        "set -g _warpdrive_old_PATH $PATH",
    ]
    for var in VARIABLES:
        lines.append(f"if set -q {var}; set -g _warpdrive_old_{var} ${var}; end")
    for var, value in activation_values(record).items():
        lines.append(f"set -e {var}" if value is None else f"set -gx {var} {q(value)}")
    lines += [
        f"set -gx PATH {venv_bin} $PATH",
    ]
    if command:
        lines.append(
            # `contains` takes the first word as the key: no output, no match.
            f"contains -- (command -v warpdrive) {q(command)}; "
            f"or set -gx PATH {venv_bin} {q(os.path.dirname(command))} $_warpdrive_old_PATH"
        )
    lines += [
        "functions -q fish_prompt; and functions -c fish_prompt _warpdrive_old_fish_prompt",
        "function fish_prompt",
        f"    printf '%s' {q('(' + ENV_PREFIX + record.name + ') ')}",
        "    functions -q _warpdrive_old_fish_prompt; and _warpdrive_old_fish_prompt",
        "end",
        "function deactivate",
        "    set -gx PATH $_warpdrive_old_PATH; set -e _warpdrive_old_PATH",
    ]
    for var in VARIABLES:
        lines.append(
            f"    if set -q _warpdrive_old_{var}; set -gx {var} $_warpdrive_old_{var}; "
            f"set -e _warpdrive_old_{var}; else; set -e {var}; end"
        )
    lines += [
        "    functions -e fish_prompt",
        "    if functions -q _warpdrive_old_fish_prompt",
        "        functions -c _warpdrive_old_fish_prompt fish_prompt",
        "        functions -e _warpdrive_old_fish_prompt",
        "    end",
        "    functions -e deactivate",
        "end",
    ]
    return "\n".join(lines) + "\n"
