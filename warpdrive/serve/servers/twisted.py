"""twisted: Twisted's web server with its WSGI container, run by `twist web`. One
process; the app runs in a thread pool of the sizing's processes times threads threads.

twist loads the app through server-scripts/wsgi/warpdrive_twisted.py (`--class
warpdrive_twisted.Root`): the WSGI resource around the app as warpdrive_wsgi loads it
(static files by WhiteNoise, a Paste Deploy ini, an app factory), with the thread pool
sized from WARPDRIVE_TWISTED_THREADS and a graceful stop on SIGTERM: twist's own
`--wsgi` pool cannot be sized, and on SIGTERM it drops the requests in flight and hangs."""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.serve import sizing
from warpdrive.serve.servers.base import GRACEFUL_SECONDS, WHITENOISE, Launch, Server

# The site's root resource: the app in warpdrive's thread pool (server-scripts/wsgi/).
ROOT = "warpdrive_twisted.Root"


class Twisted(Server):
    name = "twisted"
    rank = 7
    # The graceful stop in server-scripts/wsgi/warpdrive_twisted.py reads the thread
    # pool's statistics, a Twisted internal.
    requirements = ("twisted==26.10.0", WHITENOISE)
    executable = "twist"

    def wraps(self, spec: AppSpec) -> bool:
        # Always: the wrapper makes the resource twist serves (see ROOT).
        return True

    def size(self, ctx: Context, limits: sizing.Limits | None = None) -> sizing.Sizing:
        """One process, so it gets the threads the others would spread over several."""
        spread = sizing.size(ctx, self.process_settings, self.thread_settings, limits)
        return sizing.Sizing(
            1, spread.processes * spread.threads, "twisted runs 1 process: " + spread.source
        )

    def arguments(self, launch: Launch) -> list[str]:
        return [
            "--log-format=text",
            "web",
            f"--listen=tcp:{launch.port}:interface=0.0.0.0",
            f"--class={ROOT}",
        ]

    def environment(self, launch: Launch) -> dict[str, str]:
        return {
            "WARPDRIVE_TWISTED_THREADS": str(launch.sized.threads),
            "WARPDRIVE_TWISTED_GRACEFUL_SECONDS": str(GRACEFUL_SECONDS),
        }


SERVER = Twisted()
