"""Which file lists an app's dependencies, and how each format is installed.

The formats are an ordered table. Requirement lists and lockfiles
(requirements.txt, Pipfile.lock, poetry.lock, uv.lock) are alternatives: two of them
and no explicit choice is an error. A project (pyproject.toml, setup.py) is installed
only when no list or lockfile is there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warpdrive.context import Context, pyproject
from warpdrive.errors import (
    BadSetting,
    ConflictingSettings,
    DependencyFileMissing,
    PipfileNotLocked,
    SeveralDependencyFormats,
)


def _pyproject_is_project(home: Path) -> bool:
    data = pyproject(home)
    if data is None:
        return False
    return "project" in data or "build-system" in data


def _lock_project_is_package(home: Path) -> bool:
    """A pyproject.toml beside poetry.lock or uv.lock that builds a package: it has a
    [build-system], and neither Poetry's `package-mode` nor uv's `package` is false."""
    data = pyproject(home)
    if data is None:
        return False
    tool = data.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    uv = tool.get("uv", {}) if isinstance(tool, dict) else {}
    return (
        "build-system" in data
        and not (isinstance(poetry, dict) and poetry.get("package-mode") is False)
        and not (isinstance(uv, dict) and uv.get("package") is False)
    )


@dataclass(frozen=True)
class Format:
    name: str  # the file that names the format, as users write it in settings
    inputs: tuple[str, ...]  # files whose content decides what gets installed
    is_list: bool  # a requirement list or lockfile (alternatives to each other)
    present: Callable[[Path], bool]


FORMATS = (
    Format(
        "requirements.txt",
        ("requirements.txt",),
        True,
        lambda h: (h / "requirements.txt").is_file(),
    ),
    Format("Pipfile.lock", ("Pipfile.lock",), True, lambda h: (h / "Pipfile.lock").is_file()),
    Format(
        "poetry.lock",
        ("poetry.lock", "pyproject.toml"),
        True,
        lambda h: (h / "poetry.lock").is_file(),
    ),
    Format("uv.lock", ("uv.lock", "pyproject.toml"), True, lambda h: (h / "uv.lock").is_file()),
    Format(
        "pyproject.toml", ("pyproject.toml", "setup.cfg", "setup.py"), False, _pyproject_is_project
    ),
    Format("setup.py", ("setup.py", "setup.cfg"), False, lambda h: (h / "setup.py").is_file()),
)
BY_NAME = {f.name: f for f in FORMATS}
CHOICES = (*BY_NAME, "none")


@dataclass(frozen=True)
class DependencySource:
    format: Format
    app_home: Path
    # The app's own project (setup.py / pyproject.toml), installed after a requirements
    # list as OpenShift's Python builder does; None when there is none or it is off.
    project: Format | None = None

    def input_files(self) -> list[Path]:
        """The files whose content is hashed for incremental builds, includes too."""
        files = [self.app_home / n for n in self.format.inputs if (self.app_home / n).is_file()]
        if self.format.name == "requirements.txt":
            files = _with_includes(files[0], set())
        if self.project is not None:
            files += [
                self.app_home / n for n in self.project.inputs if (self.app_home / n).is_file()
            ]
        return files


_INCLUDE = re.compile(r"^\s*(?:-r|-c|--requirement|--constraint)\s*=?\s*(\S+)")


def _with_includes(path: Path, seen: set[Path]) -> list[Path]:
    """A requirements file and the files it pulls in with -r / -c, recursively."""
    if path in seen or not path.is_file():
        return []
    seen.add(path)
    files = [path]
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _INCLUDE.match(line)
        if match:
            files += _with_includes((path.parent / match.group(1)).resolve(), seen)
    return files


# The OpenShift Python builder's switches for processing the app's own project.
PROJECT_SWITCHES = {
    "setup.py": "DISABLE_SETUP_PY_PROCESSING",
    "pyproject.toml": "DISABLE_PYPROJECT_TOML_PROCESSING",
}


def own_project(ctx: Context, home: Path | None = None) -> Format | None:
    """The app's project (setup.py, or a pyproject.toml that declares a project), unless
    every file it has is switched off: as in OpenShift's builder, setup.py and
    pyproject.toml are each processed unless their DISABLE_* variable is set."""
    for name in ("setup.py", "pyproject.toml"):
        fmt = BY_NAME[name]
        if fmt.present(home or ctx.app_home) and not ctx.flag(PROJECT_SWITCHES[name]):
            return fmt
    return None


def switched_off_projects(ctx: Context) -> list[str]:
    """The DISABLE_* variables that kept a present project file from being installed."""
    return [
        variable
        for name, variable in PROJECT_SWITCHES.items()
        if BY_NAME[name].present(ctx.app_home) and ctx.flag(variable)
    ]


def choose(ctx: Context) -> DependencySource | None:
    """The dependency source of the app, or None when it declares none."""
    home = ctx.app_home
    if ctx.flag("ENABLE_PIPENV") and ctx.flag("ENABLE_MICROPIPENV"):
        raise ConflictingSettings("ENABLE_PIPENV", "ENABLE_MICROPIPENV")
    explicit = ctx.setting("WARPDRIVE_DEPENDENCIES", key="dependencies")
    if explicit:
        if explicit.value not in CHOICES:
            raise BadSetting(explicit.name, explicit.value, "one of " + ", ".join(CHOICES))
        if explicit.value == "none":
            return None
        fmt = BY_NAME[explicit.value]
        if not (home / fmt.name).is_file():
            raise DependencyFileMissing(explicit.name, explicit.value, home)
        return DependencySource(fmt, home)
    if ctx.app_home != ctx.src and not _declares_any(home):
        # APP_HOME names the app's directory, but OpenShift's builder installs the
        # repository's own files: with none in the app home, the source root's count.
        home = ctx.src
    return _choose_in(ctx, home)


def _declares_any(home: Path) -> bool:
    return (home / "Pipfile").is_file() or any(f.present(home) for f in FORMATS)


def _choose_in(ctx: Context, home: Path) -> DependencySource | None:
    lists = [f for f in FORMATS if f.is_list and f.present(home)]
    if len(lists) > 1:
        raise SeveralDependencyFormats(home, [f.name for f in lists])
    if lists and lists[0].name == "requirements.txt":
        return DependencySource(lists[0], home, own_project(ctx, home))
    if lists:
        # A lockfile already holds the project's dependencies (poetry.lock and uv.lock
        # belong to the project's own pyproject.toml). A project that is a package is
        # installed itself too, without dependencies (as `pip install .` on OpenShift
        # and `poetry install` / `uv sync` do): its code may live under src/.
        project = own_project(ctx, home) if _lock_project_is_package(home) else None
        return DependencySource(lists[0], home, project)
    if (home / "Pipfile").is_file():
        raise PipfileNotLocked(home)
    project = own_project(ctx, home)
    return DependencySource(project, home) if project else None


def install_arguments(source: DependencySource, work: Path, uv: str | None) -> list[str]:
    """Installer arguments for the source; lockfiles are written out as exact pins
    into `work` and installed without dependency resolution."""
    home = source.app_home
    name = source.format.name
    if name == "requirements.txt":
        return ["-r", str(home / name)]
    if name in ("pyproject.toml", "setup.py"):
        # Editable: the app runs from its source, so code changes need no reinstall.
        return ["-e", str(home)]
    from warpdrive.build.deps import lockfiles  # packaging: only for lockfiles

    if name == "Pipfile.lock":
        lines = lockfiles.pipfile_lock(home / name)
    elif name == "poetry.lock":
        lines = lockfiles.poetry_lock(home / name, home / "pyproject.toml", work / "bin" / "python")
    else:
        lines = lockfiles.uv_lock(home / name, uv)
    pinned = work / "warpdrive-locked-requirements.txt"
    pinned.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["--no-deps", "-r", str(pinned)]


def own_indexes(
    source: DependencySource, args: list[str], environ: dict[str, str]
) -> tuple[list[str], dict[str, str], str | None]:
    """A Pipfile.lock installs from the package indexes it names (`_meta.sources`), as
    pipenv and micropipenv do, whatever PIP_INDEX_URL or UV_INDEX_URL say: its pins
    were resolved there. The installer arguments and environment for that, and the
    main index as the lock writes it (for the step line; None: the lock names none)."""
    if source.format.name != "Pipfile.lock":
        return args, environ, None
    from warpdrive.build.deps import lockfiles

    sources = lockfiles.pipfile_lock_sources(source.app_home / source.format.name, environ)
    if not sources:
        return args, environ, None
    urls = [filled for _, filled in sources]
    return (
        [*lockfiles.index_arguments(urls), *args],
        lockfiles.with_indexes(environ, urls),
        sources[0][0],
    )


LOCKFILES = ("Pipfile.lock", "poetry.lock", "uv.lock")
# Options of a requirements file that do not loosen what gets installed.
_NEUTRAL_OPTIONS = re.compile(
    r"^(-r|-c|--requirement|--constraint|-i|--index-url|--extra-index-url|--trusted-host"
    r"|-f|--find-links|--only-binary|--prefer-binary)\b"
)


def is_pinned(source: DependencySource) -> bool:
    """Whether every requirement names one exact version: lockfiles always do, a
    requirements file when each line is `name==version` (markers and hashes allowed).
    Only then may the installer take everything from its cache without asking the
    index: an unpinned name would stay at whatever version was cached."""
    if source.format.name in LOCKFILES:
        return True
    if source.format.name != "requirements.txt":
        return False
    return all(_file_is_pinned(path) for path in source.input_files())


def _file_is_pinned(path: Path) -> bool:
    from packaging.requirements import InvalidRequirement, Requirement

    text = path.read_text(encoding="utf-8", errors="replace").replace("\\\n", " ")
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*", "", raw).strip()
        if not line:
            continue
        if line.startswith("-"):
            if not _NEUTRAL_OPTIONS.match(line):
                return False  # -e, a local path or anything else uncertain
            continue
        try:
            requirement = Requirement(re.split(r"\s+--?[a-z]", line)[0])
        except InvalidRequirement:
            return False
        specs = list(requirement.specifier)
        if requirement.url or len(specs) != 1:
            return False
        if specs[0].operator not in ("==", "===") or "*" in specs[0].version:
            return False
    return True
