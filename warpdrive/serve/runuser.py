"""The unprivileged user mod_wsgi runs the app as when started as root.

mod_wsgi-express refuses to serve as root without --user/--group. Its daemon
processes then need to read the app, its environment and the Python that
environment is based on; a Python under /root (pyenv, mode 700) is the usual
trap, and it shows only as 504s at request time. So check first, as that user.
"""

from __future__ import annotations

import grp
import pwd
from pathlib import Path

from warpdrive import proc
from warpdrive.context import Context
from warpdrive.errors import NoRunUser, UnreadableForRunUser

DEFAULT_USERS = ("www-data", "nobody")


def run_user(ctx: Context) -> str:
    setting = ctx.setting("WARPDRIVE_RUN_USER", "MOD_WSGI_USER")
    if setting:
        try:
            pwd.getpwnam(setting.value)
        except KeyError:
            raise NoRunUser(setting.value, setting.source) from None
        return setting.value
    for name in DEFAULT_USERS:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise NoRunUser(DEFAULT_USERS[0], "the default")


def primary_group(user: str) -> str:
    gid = pwd.getpwnam(user).pw_gid
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def can_read(user: str, path: Path) -> bool:
    return may(user, "-r", path)


def can_write(user: str, path: Path) -> bool:
    return may(user, "-w", path)


def may(user: str, test: str, path: Path) -> bool:
    """Ask the system, as that user: `test -r` (-w, -x) follows the real permission
    checks, every parent directory included."""
    return allowed(user, [(test, path)])[0]


# One shell run as the user answers every (test, path) pair: a line each, 1 or 0.
_ANSWER_ALL = (
    'while [ $# -gt 1 ]; do if test "$1" "$2"; then echo 1; else echo 0; fi; shift 2; done'
)


def allowed(user: str, checks: list[tuple[str, Path]]) -> list[bool]:
    """`may` for each (test, path), in one process: a start as root asks several."""
    if not checks:
        return []
    entry = pwd.getpwnam(user)
    pairs = [arg for test, path in checks for arg in (test, str(path))]
    # /bin/sh by its path: a search of PATH as the user tries every directory first.
    argv = ["/bin/sh", "-c", _ANSWER_ALL, "sh", *pairs]
    answers = proc.capture(argv, user=entry.pw_uid, group=entry.pw_gid).stdout.split()
    # A shell that could not run (or stopped early) answers no for what it left out.
    return [i < len(answers) and answers[i] == "1" for i in range(len(checks))]


def check_readable(user: str, paths: list[tuple[str, Path]]) -> None:
    """Raise naming the first of (what, path) that `user` cannot read."""
    readable = allowed(user, [("-r", path) for _, path in paths])
    for (what, path), ok in zip(paths, readable, strict=True):
        if not ok:
            raise UnreadableForRunUser(user, path, what)
