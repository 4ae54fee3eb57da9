"""The app's writable state, handed to the user mod_wsgi runs the app as.

Started as root, `start` runs its own steps (the deploy hook, migrations) as root,
then mod_wsgi's daemon processes run the app as an unprivileged user. A SQLite
database those steps create belongs to root, and SQLite writes its journal beside
the database, so the app needs the directory too. Left alone, the app can read but
not write: a login or any form that saves ends in a 500.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from warpdrive import output
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import UnwritableForRunUser
from warpdrive.serve import runuser

# What SQLite writes beside a database: the rollback journal, or the WAL and its index.
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")


def state(spec: AppSpec) -> tuple[dict[Path, str], dict[Path, str]]:
    """The directories and the existing files the app writes: path -> what it is."""
    facts = spec.django
    directories: dict[Path, str] = {}
    files: dict[Path, str] = {}
    for name in facts.sqlite_databases if facts else []:
        directories.setdefault(Path(name).parent, "the SQLite database's directory")
        for suffix in ("", *SQLITE_COMPANIONS):
            if Path(name + suffix).is_file():
                files[Path(name + suffix)] = "the SQLite database"
    if facts and facts.media_root:
        directories.setdefault(Path(facts.media_root), "MEDIA_ROOT")
    return directories, files


def nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def give(path: Path, is_directory: bool, user: str) -> str | None:
    """Make `path` writable by `user`; what was changed, or None if nothing had to be.
    A directory keeps its owner (it is often the app's own source directory) and gets
    the user's group with group write; a file, or a directory warpdrive creates,
    becomes the user's."""
    entry = pwd.getpwnam(user)
    if is_directory and not path.exists():
        path.mkdir(parents=True)
        os.chown(path, entry.pw_uid, entry.pw_gid)
        return f"created, owner {user}"
    if runuser.can_write(user, path):
        return None
    mode = path.stat().st_mode
    if is_directory:
        os.chown(path, -1, entry.pw_gid)
        path.chmod(mode | 0o070)
        return f"group {runuser.primary_group(user)}, g+rwx"
    os.chown(path, entry.pw_uid, entry.pw_gid)
    path.chmod(mode | 0o600)
    return f"owner {user}"


def checks(spec: AppSpec) -> list[tuple[str, Path]]:
    """The (test, path) pairs that all hold when `user` can already write what the app
    writes: usually all is as an earlier start left it."""
    directories, files = state(spec)
    ways_in = [("-x", nearest_existing(path.parent)) for path in directories]
    return ways_in + [("-w", path) for path in [*directories, *files]]


def hand_over(user: str, spec: AppSpec) -> None:
    """Make the SQLite databases (with their directories) and MEDIA_ROOT writable by
    `user`, in one step line naming each change; refuse with one error naming the
    path when that cannot be done."""
    directories, files = state(spec)
    # One question to the system says when nothing is to be done.
    if all(runuser.allowed(user, checks(spec))):
        return
    # First, so that nothing is changed when this refuses. Each file's directory is
    # among the directories, and will be opened to `user` if need be.
    for path, what in directories.items():
        way_in = nearest_existing(path.parent)
        if not runuser.may(user, "-x", way_in):
            reason = f"{way_in} or one of its parent directories is closed to {user}"
            raise UnwritableForRunUser(user, path, what, reason)
    changes = []
    for path, what in [*directories.items(), *files.items()]:
        try:
            change = give(path, path in directories, user)
        except OSError as exc:
            reason = f"warpdrive could not give it to {user} ({exc.strerror})"
            raise UnwritableForRunUser(user, path, what, reason) from None
        if not runuser.can_write(user, path):
            reason = f"it stays closed to {user} even with {user} as its owner or group"
            raise UnwritableForRunUser(user, path, what, reason)
        if change:
            changes.append(f"{path} ({change})")
    if changes:
        done = "; ".join(changes)
        output.step(f"Made writable for {user}, whom mod_wsgi runs the app as: {done}")
