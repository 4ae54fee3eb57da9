"""Apps whose app.sh execs their own server (server-scripts/start-shell)."""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.serve.servers.base import Launch, Server


class Shell(Server):
    name = "shell"
    executable = ""
    wsgi = False
    own_kinds = ("shell",)

    def arguments(self, launch: Launch) -> list[str]:
        return [str(launch.spec.entry_path)]

    def program(self, ctx: Context) -> list[str]:
        return []  # the script is the program


SERVER = Shell()
