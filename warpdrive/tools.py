"""Finding the external tools warpdrive drives."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def find_uv() -> str | None:
    """uv, the fast installer: WARPDRIVE_UV if set (empty or `none` disables uv, so
    pip is used), else the one installed beside warpdrive, else the one on PATH."""
    explicit = os.environ.get("WARPDRIVE_UV")
    if explicit is not None:
        return None if explicit in ("", "none") else explicit
    beside = Path(sys.executable).parent / "uv"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("uv")
