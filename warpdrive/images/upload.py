"""The S2I upload: one tar with src/ (the source, without .git, .s2iignore applied),
scripts/ (the app's own .s2i/bin scripts) and artifacts/ (incremental builds)."""

from __future__ import annotations

import fnmatch
import io
import os
import re
import shlex
import tarfile
from pathlib import Path
from typing import BinaryIO

from warpdrive.errors import BadSetting

S2I_SCRIPTS = ("assemble", "run", "save-artifacts", "usage")
BUILD_ENV = ".warpdrive-build-env"
CA_BUNDLE = ".warpdrive-ca-bundle.pem"
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def ignore_rules(src: Path) -> list[tuple[bool, str]]:
    """(excluded?, pattern) from .s2iignore: one glob a line, # comments, ! exceptions."""
    try:
        lines = (src / ".s2iignore").read_text(encoding="utf-8").split("\n")
    except OSError:
        return []
    rules = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            negate = line.startswith("!")
            rules.append((not negate, line.lstrip("!").strip("/")))
    return rules


def ignored(rel: str, rules: list[tuple[bool, str]]) -> bool:
    """The last rule matching the path or one of its parent directories decides.

    As in the standard s2i tool, a pattern is a glob relative to the source root, in
    which `*` does not cross a `/`: `*.log` is a top-level file, `logs/*.log` one level
    down."""
    parts = rel.split("/")
    verdict = False
    for exclude, pattern in rules:
        globs = pattern.split("/")
        depth = len(globs)
        if depth <= len(parts) and all(map(fnmatch.fnmatchcase, parts[:depth], globs)):
            verdict = exclude
    return verdict


def build_env_script(values: dict[str, str]) -> bytes:
    """Shell assignments with every value quoted: sourcing it runs nothing."""
    for key in values:
        if not _KEY.match(key):
            raise BadSetting("--build-env", key, "a variable name of letters, digits and _")
    return "".join(f"{k}={shlex.quote(v)}\n" for k, v in values.items()).encode()


def write_upload(
    src: Path,
    out: BinaryIO,
    artifacts: Path | None = None,
    build_env: dict[str, str] | None = None,
    ca_bundle: Path | None = None,
) -> list[str]:
    """Write the upload tar to `out`; returns the names of the app's own scripts."""
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        scripts = add_source(tar, src)
        if build_env:
            add_private(tar, BUILD_ENV, build_env_script(build_env))
        if ca_bundle:
            add_private(tar, CA_BUNDLE, ca_bundle.read_bytes())
        if artifacts:
            with tarfile.open(artifacts, mode="r:*") as saved:
                copy_members(saved, tar, lambda name: f"artifacts/{name}")
    return scripts


def add_private(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    """A build-only file beside src/, readable by its owner alone."""
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    tar.addfile(info, io.BytesIO(data))


def add_source(tar: tarfile.TarFile, src: Path) -> list[str]:
    """src/ and scripts/: the source, and the app's own .s2i/bin scripts apart.

    Symlinks go in as symlinks, never as the content they point to, so a link to a
    file outside the source (say /etc/passwd) cannot copy that file into the image.
    """
    rules = ignore_rules(src)
    scripts = []
    tar.add(src, arcname="src", recursive=False)
    for dirpath, dirnames, filenames in os.walk(src):
        base = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(dirnames) + sorted(filenames):
            path = base / name
            rel = path.relative_to(src).as_posix()
            if ignored(rel, rules):
                if name in dirnames:
                    dirnames.remove(name)
                continue
            if rel.startswith(".s2i/bin/") and name in S2I_SCRIPTS and path.is_file():
                tar.add(path, arcname=f"scripts/{name}", recursive=False)
                scripts.append(name)
                continue
            tar.add(path, arcname=f"src/{rel}", recursive=False)
    return scripts


def add_own_scripts(tar: tarfile.TarFile, src: Path, names: tuple[str, ...]) -> list[str]:
    """scripts/ only: those of `names` the app has in .s2i/bin."""
    found = []
    for name in names:
        path = src / ".s2i" / "bin" / name
        if path.is_file():
            tar.add(path, arcname=f"scripts/{name}", recursive=False)
            found.append(name)
    return found


def copy_members(source: tarfile.TarFile, tar: tarfile.TarFile, rename) -> None:
    """Every member of `source` into `tar`, under the name `rename` gives it."""
    for member in source:
        name = member.name.removeprefix("./")
        if name in ("", "."):
            continue
        data = source.extractfile(member) if member.isfile() else None
        # A long name came in a PAX header, which would win over the new name.
        member.pax_headers = {
            k: v for k, v in member.pax_headers.items() if k not in ("path", "linkpath")
        }
        member.name = rename(name)
        if member.islnk():  # hard links name another member: rename the target too
            member.linkname = rename(member.linkname.removeprefix("./"))
        tar.addfile(member, data)
