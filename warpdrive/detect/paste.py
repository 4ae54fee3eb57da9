"""Kind `paste`: a paste.ini (or WARPDRIVE_PASTE_INI) with an [app:main] section."""

from __future__ import annotations

import configparser

from warpdrive import output
from warpdrive.context import Context
from warpdrive.detect.entry import entry_file
from warpdrive.detect.spec import AppSpec, Reads

KIND = "paste"
READS = Reads(files={"paste.ini": "[app:main]"}, settings=("WARPDRIVE_PASTE_INI", "APP_MODULE"))
NEEDS = "paste.ini with an [app:main] section"


def detect(ctx: Context) -> AppSpec | None:
    found = entry_file(ctx, "paste.ini", "WARPDRIVE_PASTE_INI", key="paste-ini")
    if found is None:
        return None
    entry, path, rule = found
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        output.warn(f"{path} is not a valid ini file, so it is not used: {exc}")
        return None
    if not parser.has_section("app:main"):
        output.warn(f"{path} has no [app:main] section, so it is not used")
        return None
    return AppSpec(KIND, ctx.app_home, entry, detected_by=rule)
