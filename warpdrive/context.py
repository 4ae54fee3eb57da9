"""Paths and settings resolved once, in one place, and passed down.

Precedence of a setting: command-line flag (the caller's) > process environment >
`.warpdrive/environment` > `[tool.warpdrive]` in pyproject.toml > detection.
The real environment beats the file so that `docker run -e` and OpenShift's
deployment variables override what the repository ships, as they do for
`.s2i/environment`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from warpdrive import envfile
from warpdrive.env import registry
from warpdrive.errors import BadConfigFile, BadSetting, SourceNotDirectory

ENV_FILE = Path(".warpdrive") / "environment"


@dataclass(frozen=True)
class Setting:
    name: str  # the variable or [tool.warpdrive] key that set it
    value: str
    origin: str  # "env", ".warpdrive/environment" or "pyproject.toml [tool.warpdrive]"

    @property
    def source(self) -> str:
        return f"{self.origin} {self.name}"


@dataclass(frozen=True)
class Context:
    src: Path
    app_home: Path
    app_root: Path
    environ: dict[str, str]  # process environment over .warpdrive/environment
    file_keys: frozenset[str]  # keys whose value came from .warpdrive/environment
    tool: dict = field(default_factory=dict)  # [tool.warpdrive]
    python: Path | None = None  # a Python to introspect with instead of the app root's

    def flag(self, name: str) -> bool:
        """A yes/no variable: set to anything but empty, 0, false, no or off means yes
        (as the OpenShift builder's DISABLE_* variables: any value disables)."""
        return self.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")

    def setting(self, *names: str, key: str | None = None) -> Setting | None:
        """The first of the environment variables `names` that is set, else `key` of
        [tool.warpdrive]; None when nothing sets it."""
        for name in names:
            value = self.environ.get(name)
            if value:
                where = ".warpdrive/environment" if name in self.file_keys else "env"
                return Setting(name, value, where)
        if key is not None and key in self.tool:
            return Setting(key, str(self.tool[key]), "pyproject.toml [tool.warpdrive]")
        return None

    @property
    def has_env(self) -> bool:
        """True once the app's environment (its venv) exists."""
        return (self.app_root / "bin" / "python").exists()

    @property
    def built(self) -> bool:
        """True once a build has succeeded: its record is in the app root."""
        return (self.app_root / registry.BUILD_RECORD).is_file()

    @property
    def app_python(self) -> Path:
        """The app's own Python once its environment exists, else warpdrive's."""
        if self.python is not None:
            return self.python
        return self.app_root / "bin" / "python" if self.has_env else Path(sys.executable)


def pyproject(home: Path) -> dict | None:
    """The pyproject.toml of `home`, parsed; None when there is none, or it cannot be
    read or is not TOML."""
    path = home / "pyproject.toml"
    if not path.is_file():
        return None
    import tomllib  # here: most apps have no pyproject.toml, and start-up time counts

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return None


def read_tool_config(src: Path) -> dict:
    path = src / "pyproject.toml"
    if not path.is_file():
        return {}
    import tomllib  # here: most apps have no pyproject.toml, and start-up time counts

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BadConfigFile(path, str(exc), "fix the TOML syntax of pyproject.toml") from exc
    tool = data.get("tool", {}).get("warpdrive", {})
    if not isinstance(tool, dict):
        raise BadConfigFile(path, "[tool.warpdrive] is not a table", "make it a TOML table")
    return tool


def resolve(src: str | Path | None = None, environ: dict[str, str] | None = None) -> Context:
    """Resolve SRC, app home and APP_ROOT for a source directory.

    SRC is the given path, else the active environment's source root, else the
    current directory. APP_ROOT is the active environment when it is bound to this
    SRC (or WARPDRIVE_APP_ROOT alone, as in an image), else the environment that
    `warpdrive activate` would make for this directory.
    """
    process_env = dict(os.environ if environ is None else environ)
    if src is None:
        src = process_env.get("WARPDRIVE_SRC_ROOT") or Path.cwd()
    src_path = Path(src).absolute()
    if not src_path.is_dir():
        raise SourceNotDirectory(src_path)
    src_path = src_path.resolve()
    # Children get ctx.environ too, so the unquoted values reach the app's build steps
    # and its server.
    process_env = envfile.unquote_s2i(process_env, src_path)

    from_file = envfile.load(src_path / ENV_FILE)
    # An empty variable counts as unset, so it does not hide the file's value.
    merged = {**from_file, **{k: v for k, v in process_env.items() if v}}
    file_keys = frozenset(k for k in from_file if not process_env.get(k))
    tool = read_tool_config(src_path)

    # Where environments live is the machine's business, never the repository's.
    app_root = _app_root(src_path, process_env)
    ctx = Context(src_path, src_path, app_root, merged, file_keys, tool)
    home = ctx.setting("WARPDRIVE_APP_HOME", "APP_HOME", key="home")
    if home is not None:
        app_home = (src_path / home.value).resolve()
        if not app_home.is_dir() or not app_home.is_relative_to(src_path):
            raise BadSetting(home.name, home.value, f"an existing subdirectory of {src_path}")
        ctx = replace(ctx, app_home=app_home)
    return ctx


def _app_root(src: Path, environ: dict[str, str]) -> Path:
    active_root = environ.get("WARPDRIVE_APP_ROOT")
    active_src = environ.get("WARPDRIVE_SRC_ROOT")
    if active_root and (not active_src or Path(active_src).resolve() == src):
        return Path(active_root)
    return registry.app_root_for(registry.name_for_directory(src), environ)
