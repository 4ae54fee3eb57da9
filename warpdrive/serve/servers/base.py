"""The protocol every server module implements: all warpdrive knows about one server.

A server module in this package defines one subclass of `Server` and an instance of
it named SERVER, which servers/__init__.py finds; its launcher is
`server-scripts/start-<name>`. The defaults here fit a WSGI server that the build
installs (its `requirements`) and that `start` sizes from the CPUs and memory it may use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.serve import sizing
from warpdrive.serve.apache import Missing

if TYPE_CHECKING:
    from warpdrive.serve.launch import LaunchPlan

# Seconds a server waits for in-flight requests after SIGTERM.
GRACEFUL_SECONDS = 8
# The app as server-scripts/wsgi/warpdrive_wsgi.py wraps it: static files by WhiteNoise.
WRAPPER = "warpdrive_wsgi:application"
# The app as server-scripts/wsgi/warpdrive_asgi.py wraps an ASGI app: static files by
# ServeStatic (WhiteNoise's fork that serves ASGI apps too).
ASGI_WRAPPER = "warpdrive_asgi:application"
# The package that serves static files for the servers that load the app through WRAPPER.
STATIC_PACKAGE = "whitenoise"
WHITENOISE = "whitenoise==6.12.0"
ASGI_STATIC_PACKAGE = "servestatic"
SERVESTATIC = "servestatic==4.4.0"
# The fast event loop uvicorn and gunicorn's ASGI worker use when it is installed.
UVLOOP = "uvloop==0.23.0"


@dataclass(frozen=True)
class Launch:
    """What a server's argv and environment are built from."""

    ctx: Context
    spec: AppSpec
    port: int
    size: sizing.Sizing | None
    user: str | None  # the user the server drops to when started as root
    # False when the app's own configuration binds the address (see config_bind).
    bind: bool = True

    @property
    def sized(self) -> sizing.Sizing:
        """The sizing of a WSGI server, which always has one."""
        if self.size is None:
            raise ValueError("a WSGI server is started without a sizing")
        return self.size


class Server:
    name: ClassVar[str]
    # Where it stands in --server's list: the default first.
    rank: ClassVar[int]
    # What the build installs when the app does not list it, pinned: the server's own
    # package first, then what warpdrive needs beside it.
    requirements: ClassVar[tuple[str, ...]] = ()
    # The program the launcher execs, in the app environment's bin/.
    executable: ClassVar[str]
    # A WSGI server: installed by the build, chosen with --server, sized. Otherwise the
    # app runs its own process (app.sh, app.py) and warpdrive installs nothing for it.
    wsgi: ClassVar[bool] = True
    # The app interfaces it runs ("wsgi", "asgi"): another is refused, naming those that can.
    interfaces: ClassVar[tuple[str, ...]] = ("wsgi",)
    # App kinds that this server always runs, whatever server was asked for.
    own_kinds: ClassVar[tuple[str, ...]] = ()
    # Said at every start of this server.
    notes: ClassVar[tuple[str, ...]] = ()
    # The settings that give the process and thread counts, first set wins.
    process_settings: ClassVar[tuple[str, ...]] = ("WEB_CONCURRENCY",)
    thread_settings: ClassVar[tuple[str, ...]] = ("WARPDRIVE_THREADS",)
    # It serves the static files itself, so the wrapper leaves them alone.
    serves_static: ClassVar[bool] = False
    # Installed by the build beside the server, but `start` runs without them.
    optional_packages: ClassVar[tuple[str, ...]] = ()
    # Why each package beside the server is there, for `start`'s refusal.
    package_roles: ClassVar[Mapping[str, str]] = {
        STATIC_PACKAGE: "which serves the app's static files for it",
        ASGI_STATIC_PACKAGE: "which serves the ASGI app's static files for it",
    }

    def packages(self) -> list[str]:
        """The requirements the build installs: the server's package first."""
        return list(self.requirements)

    def needed_packages(self, spec: AppSpec) -> list[str]:
        """The packages besides the server itself that starting it for this app needs:
        WhiteNoise (ServeStatic for an ASGI app) only when there are static files."""
        names = [r.partition("==")[0] for r in self.packages()[1:]]
        static = ASGI_STATIC_PACKAGE if spec.interface == "asgi" else STATIC_PACKAGE
        unused = {STATIC_PACKAGE, ASGI_STATIC_PACKAGE} - ({static} if spec.static else set())
        return [n for n in names if n not in unused and n not in self.optional_packages]

    def runs(self, spec: AppSpec) -> bool:
        """Whether it can run the app's interface."""
        return spec.interface in self.interfaces

    def wraps(self, spec: AppSpec) -> bool:
        """Whether the server loads the app through WRAPPER (it cannot serve the
        static files, or load this kind of app, itself). An app factory always is:
        the wrapper calls it once with its literal arguments, the same for every server."""
        return spec.factory_args is not None

    def size(self, ctx: Context, limits: sizing.Limits | None = None) -> sizing.Sizing | None:
        if not self.wsgi:
            return None
        return sizing.size(ctx, self.process_settings, self.thread_settings, limits)

    def run_user(self, ctx: Context) -> str | None:
        """The user to drop to when started as root; None: the server does not."""
        return None

    def arguments(self, launch: Launch) -> list[str]:
        """The arguments the launcher passes on (the server's argv after its program)."""
        raise NotImplementedError

    def environment(self, launch: Launch) -> dict[str, str]:
        """Variables the launcher or the server needs, added to the environment."""
        return {}

    def config_bind(self, ctx: Context, spec: AppSpec) -> tuple[str, int | None] | None:
        """When the app's own configuration file for this server sets the address it
        listens on: (the file, its port; None when the value is not a plain literal).
        Without a port asked for, that address is kept; None: warpdrive binds it."""
        return None

    def with_extra_args(self, args: list[str], extras: list[str]) -> list[str]:
        """The user's extra options go last, so they override warpdrive's own choices."""
        return [*args, *extras]

    def program(self, ctx: Context) -> list[str]:
        """What the launcher runs, for `info`: see server-scripts/start-<name>."""
        return [str(ctx.app_root / "bin" / self.executable)]

    def is_installed(self, app_root: Path) -> bool:
        return (app_root / "bin" / self.executable).exists()

    def cannot_install(self, ctx: Context) -> Missing | None:
        """What keeps the build from installing the server here; None when nothing."""
        return None

    def check_build(self, ctx: Context, spec: AppSpec) -> None:
        """Refuse a build whose settings the server cannot start with."""

    def cannot_start(self, ctx: Context) -> Missing | None:
        """What the installed server lacks on this machine to start; None when nothing."""
        return None

    def check_start(self, ctx: Context, plan: LaunchPlan) -> None:
        """Refuse to start what would only fail later (`start --dry-run` included)."""

    def prepare(self, ctx: Context, plan: LaunchPlan) -> None:
        """Files the server reads at start, written just before the exec."""


class OwnServer(Server):
    """An app that runs its own server: the launcher runs the app's entry file."""

    wsgi = False

    def arguments(self, launch: Launch) -> list[str]:
        return [str(launch.spec.entry_path)]


def wrapper(spec: AppSpec) -> str:
    """The wrapper module that serves the app's static files around it."""
    return ASGI_WRAPPER if spec.interface == "asgi" else WRAPPER
