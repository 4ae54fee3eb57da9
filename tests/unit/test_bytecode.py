"""Bytecode kept beside the installer's cache: a new environment whose sources are the
same files (hard links, as uv installs them) gets the `.pyc` a build compiled in another,
and Python uses it as its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from warpdrive.build import bytecode

MODULE = "def where():\n    raise RuntimeError('from here')\n"
SITE = "lib/python3.11/site-packages"


def environment(root: Path, cached: Path, link: bool = True) -> Path:
    """A virtualenv-shaped directory whose package `pkg` is linked from `cached`."""
    site = root / SITE / "pkg"
    site.mkdir(parents=True)
    for source in cached.iterdir():
        if link:
            os.link(source, site / source.name)
        else:
            (site / source.name).write_bytes(source.read_bytes())
    return root


def run(venv: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(venv / SITE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def pycs(venv: Path) -> list[Path]:
    return sorted((venv / SITE / "pkg" / "__pycache__").glob("*.pyc"))


def test_a_new_environment_gets_the_bytecode_of_the_same_files(tmp_path):
    cached = tmp_path / "uv-cache" / "pkg"
    cached.mkdir(parents=True)
    (cached / "__init__.py").write_text("")
    (cached / "mod.py").write_text(MODULE)
    cache = tmp_path / "cache"

    first = environment(tmp_path / "first", cached)
    assert run(first, "import pkg.mod").returncode == 0
    assert len(pycs(first)) == 2
    assert bytecode.keep(first, cache) == 2
    assert bytecode.keep(first, cache) == 0  # kept already

    second = environment(tmp_path / "second", cached)
    assert bytecode.restore(second, cache) == 2
    [mod] = [p for p in pycs(second) if p.name.startswith("mod.")]
    inode = mod.stat().st_ino
    # Python takes it as valid (it does not write it again) and reports the module's
    # own path, not the path it was compiled at.
    result = run(second, "import pkg.mod; pkg.mod.where()")
    assert f'File "{second / SITE / "pkg" / "mod.py"}", line 2' in result.stderr
    assert str(first) not in result.stderr
    assert mod.stat().st_ino == inode and mod.stat().st_nlink == 3


def test_copied_files_and_changed_sources_get_nothing(tmp_path):
    cached = tmp_path / "uv-cache" / "pkg"
    cached.mkdir(parents=True)
    (cached / "__init__.py").write_text("")
    cache = tmp_path / "cache"
    first = environment(tmp_path / "first", cached)
    run(first, "import pkg")
    assert bytecode.keep(first, cache) == 1

    copied = environment(tmp_path / "copied", cached, link=False)  # pip copies
    assert bytecode.restore(copied, cache) == 0
    (cached / "__init__.py").write_text("x = 1\n")  # another file now: new size and time
    assert bytecode.restore(environment(tmp_path / "third", cached), cache) == 0
    assert bytecode.restore(first, tmp_path / "no-cache") == 0


def test_entries_no_environment_links_go_once_a_build_keeps_some(tmp_path):
    cached = tmp_path / "uv-cache" / "pkg"
    cached.mkdir(parents=True)
    (cached / "__init__.py").write_text("")
    cache = tmp_path / "cache"
    first = environment(tmp_path / "first", cached)
    run(first, "import pkg")
    bytecode.keep(first, cache)
    stale = cache / bytecode.STORE / "1-2-3-4.cpython-311.pyc"  # as from another machine
    stale.write_bytes(b"")
    # A build that keeps nothing (pip copies its files) removes nothing.
    copied = environment(tmp_path / "copied", cached, link=False)
    assert bytecode.keep(copied, cache) == 0
    assert stale.exists()
    assert bytecode.keep(first, cache) == 0
    assert not stale.exists()
    assert len(list((cache / bytecode.STORE).iterdir())) == 1
