"""Where the shipped s2i/, server-scripts/ and builders/ are: inside the installed
package (`warpdrive/_data/`), or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
NAMES = ("s2i", "server-scripts", "builders")


def data_dir(name: str) -> Path:
    if name not in NAMES:
        raise ValueError(name)
    for base in (_PACKAGE / "_data", _PACKAGE.parent):
        if (base / name).is_dir():
            return base / name
    raise FileNotFoundError(f"warpdrive's {name}/ is missing from {_PACKAGE}; reinstall warpdrive")


def launcher(server: str) -> Path:
    return data_dir("server-scripts") / f"start-{server}"
