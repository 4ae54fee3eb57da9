"""Kind `paste`: a paste.ini (or WARPDRIVE_PASTE_INI) with an [app:main] section."""

from __future__ import annotations

import configparser

from warpdrive import output
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import ExplicitAppMissing

KIND = "paste"
LOOKS_FOR = ["paste.ini ([app:main])"]
NEEDS = "paste.ini with an [app:main] section"


def detect(ctx: Context) -> AppSpec | None:
    if ctx.setting("APP_MODULE"):
        return None
    explicit = ctx.setting("WARPDRIVE_PASTE_INI", key="paste-ini")
    entry = explicit.value if explicit else "paste.ini"
    path = ctx.app_home / entry
    if not path.is_file():
        if explicit:
            raise ExplicitAppMissing(explicit.name, explicit.value, path)
        return None
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        output.warn(f"{path} is not a valid ini file, so it is not used: {exc}")
        return None
    if not parser.has_section("app:main"):
        output.warn(f"{path} has no [app:main] section, so it is not used")
        return None
    return AppSpec(
        KIND, ctx.app_home, entry, detected_by=explicit.source if explicit else "paste.ini"
    )
