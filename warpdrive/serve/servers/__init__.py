"""The servers warpdrive runs apps with, one module each (see base.Server): every
module of this package that defines SERVER is one, so adding a server is adding its
module (and its launcher, server-scripts/start-<name>)."""

from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil

from warpdrive.serve.servers.base import Server


def _discover() -> dict[str, Server]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        server = getattr(importlib.import_module(f"{__name__}.{info.name}"), "SERVER", None)
        if isinstance(server, Server):
            found.append(server)
    return {server.name: server for server in sorted(found, key=lambda s: s.rank)}


# By name, in the order --server lists them.
SERVERS: dict[str, Server] = _discover()
# The servers --server and WARPDRIVE_SERVER_TYPE name; the others run apps of their kind.
WSGI_SERVERS = tuple(name for name, server in SERVERS.items() if server.wsgi)


def requirements_digest() -> str:
    """Of every server's pinned requirements: a build reinstalls when they change."""
    pinned = {name: server.packages() for name, server in SERVERS.items()}
    return hashlib.sha256(json.dumps(pinned, sort_keys=True).encode()).hexdigest()
