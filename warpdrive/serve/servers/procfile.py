"""Apps whose Procfile's `web:` line is their start command
(server-scripts/start-procfile): run as Heroku runs it, by `bash -c`, which expands
$PORT and the other variables and execs the server, so the server gets the signals."""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.serve.servers.base import Launch, OwnServer

SHELL = ("bash", "-c")


class Procfile(OwnServer):
    name = "procfile"
    rank = 12
    executable = "bash"
    own_kinds = ("procfile",)

    def arguments(self, launch: Launch) -> list[str]:
        # The app's own command, one argument: the launcher hands it to the shell as
        # its script and never pastes it into its own code.
        return [launch.spec.procfile["web"]]

    def with_extra_args(self, args: list[str], extras: list[str]) -> list[str]:
        return args  # the command is the app's own: its options are in the Procfile

    def program(self, ctx: Context) -> list[str]:
        return list(SHELL)


SERVER = Procfile()
