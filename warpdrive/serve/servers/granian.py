"""granian: a Rust HTTP server for WSGI and ASGI apps. The launcher execs it from the
app's environment; static files are served by WhiteNoise around a WSGI app (ServeStatic
around an ASGI app), and granian cannot load a Paste Deploy app, which the wrapper loads.

A WSGI app gets the processes and threads (`--blocking-threads`, per worker) of the
sizing; an ASGI app an event loop per process. On SIGTERM granian stops its workers
gracefully and kills those still running after 8 s."""

from __future__ import annotations

from warpdrive.detect.spec import AppSpec
from warpdrive.serve.servers.base import (
    GRACEFUL_SECONDS,
    SERVESTATIC,
    WHITENOISE,
    Launch,
    Server,
    wrapper,
)


class Granian(Server):
    name = "granian"
    rank = 6
    requirements = ("granian==2.8.9", WHITENOISE, SERVESTATIC)
    executable = "granian"
    interfaces = ("wsgi", "asgi")

    def wraps(self, spec: AppSpec) -> bool:
        return bool(spec.static) or spec.kind == "paste" or super().wraps(spec)

    def arguments(self, launch: Launch) -> list[str]:
        spec, size = launch.spec, launch.sized
        args = [
            "--interface",
            spec.interface,
            "--host",
            "0.0.0.0",  # noqa: S104 - servers listen on all interfaces
            "--port",
            str(launch.port),
            "--workers",
            str(size.processes),
        ]
        if spec.interface == "wsgi":
            args += ["--blocking-threads", str(size.threads)]
        args += [
            "--workers-kill-timeout",
            str(GRACEFUL_SECONDS),
            "--working-dir",
            str(spec.app_home),
            "--access-log",
        ]
        if self.wraps(spec):
            return [*args, wrapper(spec)]
        return [*args, f"{spec.module}:{spec.callable}"]


SERVER = Granian()
