"""Apps whose app.sh execs their own server (server-scripts/start-shell)."""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.serve.servers.base import OwnServer


class Shell(OwnServer):
    name = "shell"
    rank = 10
    executable = ""
    own_kinds = ("shell",)

    def program(self, ctx: Context) -> list[str]:
        return []  # the script is the program


SERVER = Shell()
