"""Answers that programs give about themselves (`uv --version`, a Python's full
version, where `apxs` says Apache is), remembered while the program's file is the
same: every build asks them, and a build with nothing to do would spend most of its
time starting those programs.

An answer is kept under the program's resolved path with its file's device, inode,
size, modification and change times: an upgrade replaces the file and so changes
them (the change time cannot be set back), and the question is asked again. The
answers are kept in tool-answers.json in WARPDRIVE_CACHE_DIR when it is set (the
cache environments share), else in WARPDRIVE_HOME; when that cannot be read or
written, the program is simply asked every time.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable

from warpdrive.env import registry

FILE = "tool-answers.json"


def _identity(program: str) -> tuple[str, str] | None:
    """(resolved path, the file's identity), None when it cannot be read."""
    try:
        real = os.path.realpath(program)
        st = os.stat(real)
    except OSError:
        return None
    ids = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return real, ":".join(map(str, ids))


def _load(path: str) -> dict[str, list[str]]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(path: str, data: dict[str, list[str]]) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def remembered(question: str, program: str, ask: Callable[[], str | None]) -> str | None:
    """The answer `ask()` gives about `program`, from the last time it was asked of the
    same file; a None answer (the program failed) is not kept."""
    identity = _identity(program)
    if identity is None:
        return ask()
    real, stamp = identity
    folder = os.environ.get("WARPDRIVE_CACHE_DIR") or registry.warpdrive_home()
    path = os.path.join(folder, FILE)
    data = _load(path)
    key = f"{question} {real}"
    kept = data.get(key)
    if isinstance(kept, list) and len(kept) == 2 and kept[0] == stamp:
        return kept[1]
    answer = ask()
    if answer is not None:
        data[key] = [stamp, answer]
        _save(path, data)
    return answer
