"""Apps whose app.py runs its own server under the environment's Python
(server-scripts/start-python)."""

from __future__ import annotations

from warpdrive.serve.servers.base import Launch, Server


class Python(Server):
    name = "python"
    executable = "python"
    wsgi = False
    own_kinds = ("python",)

    def arguments(self, launch: Launch) -> list[str]:
        return [str(launch.spec.entry_path)]


SERVER = Python()
