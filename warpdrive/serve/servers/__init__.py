"""The servers warpdrive runs apps with, one module each, by name: see base.Server."""

from __future__ import annotations

from warpdrive.serve.servers import gunicorn, mod_wsgi, python, shell, uwsgi, waitress
from warpdrive.serve.servers.base import Server

# In the order --server lists them.
SERVERS: dict[str, Server] = {
    s.name: s
    for s in (
        mod_wsgi.SERVER,
        gunicorn.SERVER,
        waitress.SERVER,
        uwsgi.SERVER,
        shell.SERVER,
        python.SERVER,
    )
}
# The servers --server and WARPDRIVE_SERVER_TYPE name; the others run apps of their kind.
WSGI_SERVERS = tuple(name for name, server in SERVERS.items() if server.wsgi)
