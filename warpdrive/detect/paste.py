"""Kind `paste`: a Paste Deploy file with an [app:main] section: production.ini (as
Pyramid's starter lays a project out), then paste.ini, or the one WARPDRIVE_PASTE_INI
names."""

from __future__ import annotations

from pathlib import Path

from warpdrive import output
from warpdrive.context import Context
from warpdrive.detect.entry import entry_file
from warpdrive.detect.spec import AppSpec, Reads

KIND = "paste"
# Looked for in this order; the first with an [app:main] section is the app.
FILES = ("production.ini", "paste.ini")
READS = Reads(
    files={name: "[app:main]" for name in FILES},
    settings=("WARPDRIVE_PASTE_INI", "APP_MODULE"),
)
NEEDS = "production.ini or paste.ini with an [app:main] section"


def has_app_main(path: Path) -> bool:
    """Whether the file is an ini file with an [app:main] section (warned when not)."""
    import configparser  # here: only an app with such a file needs it

    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        output.warn(f"{path} is not a valid ini file, so it is not used: {exc}")
        return False
    if not parser.has_section("app:main"):
        output.warn(f"{path} has no [app:main] section, so it is not used")
        return False
    return True


def detect(ctx: Context) -> AppSpec | None:
    for default in FILES:
        found = entry_file(ctx, default, "WARPDRIVE_PASTE_INI", key="paste-ini")
        if found is None:
            continue
        entry, path, rule = found
        if has_app_main(path):
            return AppSpec(KIND, ctx.app_home, entry, detected_by=f"{rule} [app:main]")
        if rule != default:  # the file a setting named: no other is looked for
            return None
    return None
