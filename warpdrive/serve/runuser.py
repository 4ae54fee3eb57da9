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
    entry = pwd.getpwnam(user)
    return proc.capture(["test", test, str(path)], user=entry.pw_uid, group=entry.pw_gid).ok


def check_readable(user: str, paths: list[tuple[str, Path]]) -> None:
    """Raise naming the first of (what, path) that `user` cannot read."""
    for what, path in paths:
        if not can_read(user, path):
            raise UnreadableForRunUser(user, path, what)
