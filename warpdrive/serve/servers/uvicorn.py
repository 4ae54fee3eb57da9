"""uvicorn: the ASGI server `auto` chooses for ASGI apps. The launcher execs it from the
app's environment; static files are served by ServeStatic around the app, and an app
factory is called with its literal arguments, by server-scripts/wsgi/warpdrive_asgi.py
(uvicorn's --factory calls one without arguments only).

Each worker process runs one event loop, so the sizing gives it processes only (the
thread count is 1; WARPDRIVE_THREADS does not apply). Proxy headers are uvicorn's own
default: X-Forwarded-* is trusted from 127.0.0.1, or from the addresses
FORWARDED_ALLOW_IPS names (read by uvicorn itself)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from warpdrive.detect.spec import AppSpec
from warpdrive.serve.servers.base import (
    GRACEFUL_SECONDS,
    SERVESTATIC,
    UVLOOP,
    Launch,
    Server,
    wrapper,
)


class Uvicorn(Server):
    name = "uvicorn"
    rank = 5
    # uvloop and httptools, uvicorn's fast event loop and HTTP parser, which it uses when
    # they are installed. Without uvloop, uvicorn's worker processes (--workers 2 or
    # more) answer about 450 requests/s: each response waits for a delayed ACK. The
    # websockets package lets it serve an app's WebSocket routes.
    requirements = (
        "uvicorn==0.54.0",
        UVLOOP,
        "httptools==0.9.0",
        "websockets==17.4",
        SERVESTATIC,
    )
    optional_packages = ("websockets",)
    executable = "uvicorn"
    interfaces = ("asgi",)
    package_roles: ClassVar[Mapping[str, str]] = {
        **Server.package_roles,
        "uvloop": "its event loop",
        "httptools": "its HTTP parser",
    }

    def wraps(self, spec: AppSpec) -> bool:
        return bool(spec.static) or super().wraps(spec)

    def arguments(self, launch: Launch) -> list[str]:
        spec = launch.spec
        args = [
            "--host",
            "0.0.0.0",  # noqa: S104 - servers listen on all interfaces
            "--port",
            str(launch.port),
            "--workers",
            str(launch.sized.processes),
            "--timeout-graceful-shutdown",
            str(GRACEFUL_SECONDS),
            "--app-dir",
            str(spec.app_home),
            "--access-log",
        ]
        if self.wraps(spec):
            return [*args, wrapper(spec)]
        return [*args, f"{spec.module}:{spec.callable}"]


SERVER = Uvicorn()
