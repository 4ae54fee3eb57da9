"""The app root's virtualenv, built in generations and swapped in whole.

APP_ROOT/bin, lib, pyvenv.cfg, ... are symlinks into APP_ROOT/.generations/<id>/, a
complete virtualenv. A build that changes dependencies installs into a fresh
generation and only re-points the links once every step has succeeded, so a failed
or interrupted build never touches the environment that is serving. Python finds its
prefix from the path it was started as (APP_ROOT/bin/python) and the pyvenv.cfg
beside it, so `sys.prefix` stays APP_ROOT whichever generation is linked.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

from warpdrive import output, proc, tools
from warpdrive.errors import CommandFailed

GENERATIONS = ".generations"
PREVIOUS = "previous"  # file in GENERATIONS naming the generation before the current one


def current_generation(app_root: Path) -> Path | None:
    """The generation APP_ROOT's links point at; None before the first is linked."""
    link = app_root / "pyvenv.cfg"
    if not link.is_symlink():
        return None
    target = (app_root / os.readlink(link)).parent
    return target if target.is_dir() else None


# Why uv could not make a virtualenv for a Python, once per command: a build that
# makes two (the environment, then its first generation) says so once.
_uv_failures: dict[str, str] = {}


def make_venv(
    python: str, target: Path, cache_dir: Path | None = None, environ: dict[str, str] | None = None
) -> None:
    """A virtualenv with pip in it: with uv when it is available (a fraction of a
    second), else with the standard library's venv (several seconds: ensurepip).
    When uv fails, a warning gives its reason and the standard library makes it."""
    if target.exists():
        raise FileExistsError(target)  # never build over (or delete) what is there
    environ = dict(os.environ if environ is None else environ)
    uv = tools.find_uv()
    if uv and python not in _uv_failures:
        failure = _uv_venv(uv, python, target, cache_dir, environ)
        if not failure:
            return
        _uv_failures[python] = failure
        output.warn(f"uv could not make the virtualenv ({failure}); using {python} -m venv")
    argv = [python, "-m", "venv", str(target)]
    # Its own output is progress, so it goes to stderr with ours.
    returncode = proc.run_passthrough(argv, environ)
    if returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        failure = _uv_failures.get(python) if uv else None
        detail = f"uv had failed first ({failure})" if failure else ""
        raise CommandFailed("creating the virtualenv", argv, returncode, detail)


def _uv_venv(
    uv: str, python: str, target: Path, cache_dir: Path | None, environ: dict[str, str]
) -> str | None:
    """Make the virtualenv with `uv venv --seed`; None when done, else why not."""
    version = tools.uv_version(uv)
    if not version:
        return f"{uv} --version failed"
    env = tools.uv_environ(environ, version)
    if cache_dir:
        # uv's cache beside the installer's, not in $HOME (the source dir, in images).
        env["UV_CACHE_DIR"] = str(cache_dir / "uv")
    seeded = [uv, "venv", "--quiet", "--seed", "--python", python, str(target)]
    # pip, the seed, comes from the cache when it is there: any pip will do, and a
    # build whose cache came back then needs no network for it. That attempt fails
    # when the cache lacks it; the one that asks the package index says why it failed.
    for argv in ([*seeded, "--offline"], seeded):
        result = proc.capture(argv, env)
        if result.ok:
            return None
        shutil.rmtree(target, ignore_errors=True)
    return proc.summarise(result.stderr.splitlines(), result.returncode)


def cache_root(app_root: Path) -> Path:
    """WARPDRIVE_CACHE_DIR (shared between apps), else the app root's own cache,
    which S2I incremental builds carry from image to image."""
    shared = os.environ.get("WARPDRIVE_CACHE_DIR")
    return Path(shared) if shared else app_root / ".cache"


def new_generation(
    app_root: Path, python: str, environ: dict[str, str] | None = None, name: str | None = None
) -> Path:
    """A fresh, not yet linked virtualenv under APP_ROOT/.generations/: called `name`
    when no generation has that name yet, else after the time it was made."""
    gen = app_root / GENERATIONS / name if name else None
    if gen is None or gen.exists():
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{os.urandom(3).hex()}"
        gen = app_root / GENERATIONS / stamp
    gen.parent.mkdir(parents=True, exist_ok=True)
    make_venv(python, gen, cache_root(app_root), environ)
    return gen


def link_generation(app_root: Path, gen: Path) -> None:
    """Point APP_ROOT's venv entries at `gen`; each link is replaced atomically."""
    old = current_generation(app_root)
    skip = ("CACHEDIR.TAG",)
    names = {p.name for p in gen.iterdir() if not p.name.startswith(".") and p.name not in skip}
    for name in sorted(names):
        tmp = app_root / f".{name}.link"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(Path(GENERATIONS) / gen.name / name)
        os.replace(tmp, app_root / name)
    for entry in app_root.iterdir():
        if entry.is_symlink() and entry.name not in names and GENERATIONS in os.readlink(entry):
            entry.unlink()
    if old is not None and old != gen:
        (app_root / GENERATIONS / PREVIOUS).write_text(old.name + "\n", encoding="utf-8")
    prune(app_root)


def prune(app_root: Path) -> None:
    """Delete generations other than the current and the previous one: the previous
    stays because a server started before the swap may still import from it."""
    keep = set()
    current = current_generation(app_root)
    if current is not None:
        keep.add(current.name)
    with contextlib.suppress(OSError):
        keep.add((app_root / GENERATIONS / PREVIOUS).read_text(encoding="utf-8").strip())
    root = app_root / GENERATIONS
    if root.is_dir():
        for gen in root.iterdir():
            if gen.is_dir() and gen.name not in keep:
                shutil.rmtree(gen, ignore_errors=True)


def drop_previous(app_root: Path) -> None:
    """Delete the previous generation: after a first build, the one `make_app_root` made
    empty, which no server ever ran from and which would only take up space."""
    (app_root / GENERATIONS / PREVIOUS).unlink(missing_ok=True)
    prune(app_root)


def make_app_root(app_root: Path, python: str) -> None:
    """Make APP_ROOT with its first generation linked in."""
    app_root.mkdir(parents=True, exist_ok=True)
    link_generation(app_root, new_generation(app_root, python))
    for sub in ("tmp", "data"):
        (app_root / sub).mkdir(exist_ok=True)


def has_distribution(venv: Path, name: str) -> bool:
    """Whether the distribution `name` is installed in the virtualenv."""

    def normal(text: str) -> str:  # PEP 503 names, without importing packaging
        return re.sub(r"[-_.]+", "-", text).lower()

    wanted = normal(name)
    return any(  # NAME-VERSION.dist-info; a version has no "-"
        normal(dist.name.removesuffix(".dist-info").rsplit("-", 1)[0]) == wanted
        for dist in venv.glob("lib/python*/site-packages/*.dist-info")
    )
