"""Compiled bytecode shared between environments, beside the installer's cache.

uv installs a package by hard-linking its files from uv's cache, so every environment
that has, say, Django 5.2 holds the same `.py` files (the same inodes). Python compiles
each module the first time it is imported and writes the `.pyc` beside it, in that
environment only: a new environment compiles Django again, which is most of the time a
build's settings probe, entry point check and collectstatic take.

So after a build, the `.pyc` files of hard-linked sources are linked into
CACHE/bytecode/, named by their source's device, inode, size and modification time;
and after installing, a new environment gets a link to each `.pyc` whose source is
that same file. Python checks a `.pyc` against its source's size and modification
time (the same, it is the same file) and puts the module's real path into the code it
loads, so a shared `.pyc` behaves exactly as one compiled there. Files installed by
copying (pip) are left alone. Nothing here is required: any error leaves Python to
compile as it always does.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

STORE = "bytecode"
# More entries than this (several versions of many packages): start afresh.
MOST = 50_000


def _key(st: os.stat_result) -> str:
    return f"{st.st_dev}-{st.st_ino}-{st.st_size}-{st.st_mtime_ns}"


# Folders of translations and package metadata hold no modules: Django alone has some
# two thousand under locale/, most of the time a walk of site-packages would take.
NO_MODULES = ("locale",)


def _walk(site: str, into_pycache: bool) -> Iterator[tuple[str, list[str]]]:
    """(folder, file names) of the folders of site-packages that may hold modules
    (and their __pycache__ with `into_pycache`)."""
    for folder, dirs, files in os.walk(site):
        dirs[:] = [
            d
            for d in dirs
            if d not in NO_MODULES
            and not d.endswith(".dist-info")
            and (into_pycache or d != "__pycache__")
        ]
        yield folder, files


def _site_packages(venv: Path) -> list[str]:
    return [str(p) for p in venv.glob("lib/python*/site-packages") if p.is_dir()]


def _sources(venv: Path) -> Iterator[tuple[str, str, os.stat_result]]:
    """(directory, module name, stat) of every hard-linked `.py` file installed."""
    for site in _site_packages(venv):
        for folder, files in _walk(site, into_pycache=False):
            for name in files:
                if name.endswith(".py"):
                    with contextlib.suppress(OSError):
                        st = os.stat(os.path.join(folder, name))
                        if st.st_nlink > 1:
                            yield folder, name[:-3], st


def restore(venv: Path, cache: Path) -> int:
    """Link the kept `.pyc` of every installed source into its `__pycache__`; how many."""
    store = cache / STORE
    try:
        entries = os.listdir(store)
    except OSError:
        return 0
    kept: dict[str, list[str]] = {}
    for entry in entries:
        key, _, rest = entry.partition(".")  # KEY.cpython-311.pyc
        kept.setdefault(key, []).append(rest)
    linked = 0
    for folder, module, st in _sources(venv):
        for rest in kept.get(_key(st), ()):
            pycache = os.path.join(folder, "__pycache__")
            with contextlib.suppress(OSError):
                os.makedirs(pycache, exist_ok=True)
                os.link(store / f"{_key(st)}.{rest}", os.path.join(pycache, f"{module}.{rest}"))
                linked += 1
    return linked


def keep(venv: Path, cache: Path) -> int:
    """Link the `.pyc` files the build's imports wrote (of hard-linked sources) into the
    store; how many were new. Entries that no environment links any more (a store
    restored from elsewhere, an environment deleted) go, once this build kept some."""
    store = cache / STORE
    try:
        store.mkdir(parents=True, exist_ok=True)
        entries = os.listdir(store)
        if len(entries) > MOST:
            for entry in entries:
                os.unlink(store / entry)
    except OSError:
        return 0
    added, used = 0, set()
    for site in _site_packages(venv):
        for folder, files in _walk(site, into_pycache=True):
            if os.path.basename(folder) != "__pycache__":
                continue
            for name in files:
                module, _, rest = name.partition(".")
                pyc = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    st = os.stat(os.path.join(os.path.dirname(folder), module + ".py"))
                    if not rest.endswith(".pyc") or st.st_nlink < 2:
                        continue
                    entry = f"{_key(st)}.{rest}"
                    used.add(entry)
                    if os.stat(pyc).st_nlink < 2:  # not linked from the store yet
                        os.link(pyc, store / entry)
                        added += 1
    if used:
        for entry in set(entries) - used:
            with contextlib.suppress(OSError):
                if os.stat(store / entry).st_nlink < 2:
                    os.unlink(store / entry)
    return added
