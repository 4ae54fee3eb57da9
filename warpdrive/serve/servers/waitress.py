"""waitress: one process of threads, started through server-scripts/wsgi/
warpdrive_waitress.py (waitress's own command line with a graceful stop on SIGTERM)."""

from __future__ import annotations

from warpdrive import resources
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.serve import sizing
from warpdrive.serve.servers.base import GRACEFUL_SECONDS, WHITENOISE, WRAPPER, Launch, Server


class Waitress(Server):
    name = "waitress"
    rank = 2
    # The graceful stop in server-scripts/wsgi/warpdrive_waitress.py uses waitress internals.
    requirements = ("waitress==3.0.2", WHITENOISE)
    executable = "waitress-serve"

    def wraps(self, spec: AppSpec) -> bool:
        # waitress cannot load a Paste Deploy app: the wrapper loads it.
        return bool(spec.static) or spec.kind == "paste" or super().wraps(spec)

    def size(self, ctx: Context, limits: sizing.Limits | None = None) -> sizing.Sizing:
        """waitress runs one process, so it gets the threads the others would spread
        over several processes."""
        spread = sizing.size(ctx, self.process_settings, self.thread_settings, limits)
        return sizing.Sizing(
            1, spread.processes * spread.threads, "waitress runs 1 process: " + spread.source
        )

    def arguments(self, launch: Launch) -> list[str]:
        spec = launch.spec
        args = [
            f"--graceful-timeout={GRACEFUL_SECONDS}",
            f"--listen=0.0.0.0:{launch.port}",
            f"--threads={launch.sized.threads}",
        ]
        if self.wraps(spec):
            return [*args, WRAPPER]
        return [*args, f"{spec.module}:{spec.callable}"]

    def with_extra_args(self, args: list[str], extras: list[str]) -> list[str]:
        # waitress-serve stops reading options at the app argument.
        return [*args[:-1], *extras, *args[-1:]]

    def program(self, ctx: Context) -> list[str]:
        return [
            str(ctx.app_root / "bin" / "python"),
            str(resources.data_dir("server-scripts") / "wsgi" / "warpdrive_waitress.py"),
        ]


SERVER = Waitress()
