"""Apps whose app.py runs its own server under the environment's Python
(server-scripts/start-python)."""

from __future__ import annotations

from warpdrive.serve.servers.base import OwnServer


class Python(OwnServer):
    name = "python"
    rank = 11
    executable = "python"
    own_kinds = ("python",)


SERVER = Python()
