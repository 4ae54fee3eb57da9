"""The pinned versions of what warpdrive installs (pins.toml beside this file)."""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from pathlib import Path

PINS_FILE = Path(__file__).with_name("pins.toml")


@cache
def pins() -> dict:
    with PINS_FILE.open("rb") as fh:
        return tomllib.load(fh)


def server_requirements(server: str) -> list[str]:
    """The server's package first, then what warpdrive needs beside it."""
    return list(pins()["servers"][server])


def digest() -> str:
    return hashlib.sha256(PINS_FILE.read_bytes()).hexdigest()
