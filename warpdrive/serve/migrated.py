"""What the last `manage.py migrate` left behind, so that `start` can tell that running
it again would do nothing, without running it: Django alone takes a few tenths of a
second to import, on every start.

After Django's migrate succeeds, the state is written to the app root: the build, the
environment's packages, the source files (migrations are source), the variables of
the environment, and, for each SQLite database the settings name, the migrations
recorded as applied in its `django_migrations` table. A start under `auto` compares
them with what it finds: any difference (a new or edited migration file, a rebuilt or
changed environment, another variable, a database that is missing, replaced or
migrated by something else) and it migrates. Only SQLite databases can be read this
cheaply; apps on a database server migrate as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from warpdrive.build import record
from warpdrive.build.record import BuildRecord
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.serve import writable

STATE_FILE = "warpdrive-migrated.json"
# Variables that differ from one shell or one start to the next and that no settings
# file reads to find its database: left out of the comparison.
VOLATILE = frozenset({"PWD", "OLDPWD", "SHLVL", "_", "PORT"})


def applied(database: Path) -> str | None:
    """A digest of the migrations `django_migrations` records as applied; None when
    the file is missing or has no such table (or cannot be read)."""
    import sqlite3  # here: only Django apps on SQLite need it

    if not database.is_file():
        return None
    try:
        with contextlib.closing(
            sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        ) as db:
            rows = db.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            names = [f"{app}.{name}" for app, name in rows]
    except sqlite3.Error:
        return None
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def state(ctx: Context, spec: AppSpec, built: BuildRecord) -> dict[str, Any] | None:
    """What a migrate depends on and what it leaves, as now; None when that cannot be
    known cheaply (no SQLite database, or one without Django's table)."""
    facts = spec.django
    if facts is None or not facts.sqlite_databases:
        return None
    databases = {}
    for name in facts.sqlite_databases:
        digest = applied(Path(name))
        if digest is None:
            return None
        databases[name] = digest
    # The databases (with the files SQLite writes beside them) and the uploads are the
    # app's data, not its source.
    suffixes = ("", *writable.SQLITE_COMPANIONS)
    data = [Path(name + suffix) for name in facts.sqlite_databases for suffix in suffixes]
    data += [Path(facts.media_root)] if facts.media_root else []
    packages = {
        str(path): path.stat().st_mtime_ns
        for path in sorted(ctx.app_root.glob("lib/python*/site-packages"))
    }
    environ = {k: v for k, v in sorted(ctx.environ.items()) if k not in VOLATILE}
    return {
        "build": [built.built_at, built.generation, built.detection],
        "packages": packages,
        "source": record.source_fingerprint(ctx.app_home, also_skip=data),
        "environment": record.digest_of(environ),
        "databases": databases,
    }


def up_to_date(ctx: Context, spec: AppSpec, built: BuildRecord | None) -> bool:
    """True when nothing a migrate depends on has changed since the last one, and the
    databases hold what it left: migrating again would do nothing."""
    if built is None:
        return False
    try:
        last = json.loads((ctx.app_root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    now = state(ctx, spec, built)
    return now is not None and now == last


def remember(ctx: Context, spec: AppSpec, built: BuildRecord | None) -> None:
    """After Django's migrate succeeded: write the state for the next start to compare,
    or remove an older one when it cannot be known (the spec was detected again)."""
    path = ctx.app_root / STATE_FILE
    now = state(ctx, spec, built) if built is not None else None
    with contextlib.suppress(OSError):  # a read-only app root: the next start migrates
        if now is None:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(now, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
