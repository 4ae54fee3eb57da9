"""One process of the app's Python that answers several scripts of a build by forking
(warpdrive/detect/app_runner.py): the Django settings probe, the entry point probe and
collectstatic each start Python and import Django otherwise, which is most of their time.

While `forking_python(...)` is active, `proc.capture`, `proc.run_passthrough` and
`proc.run_streamed` hand `[PYTHON, "-I", SCRIPT, ARGS...]` for one of its SCRIPTs to
the runner instead of starting a process: the script runs in a forked process of its
own, with the arguments, environment, working directory and standard streams it
would have had, and its exit status is returned as before. When the runner cannot
be started or fails, the script is started as a process after all.
"""

from __future__ import annotations

import array
import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    import socket

RUNNER = Path(__file__).parent / "detect" / "app_runner.py"


class Runner:
    def __init__(
        self, python: str, scripts: set[str], preload: list[str], env: dict[str, str], cwd: Path
    ) -> None:
        self.python, self.scripts, self.preload = python, scripts, preload
        self.env, self.cwd = env, cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.broken = False

    def handles(self, argv: list[str]) -> bool:
        return (
            not self.broken
            and len(argv) >= 3
            and argv[0] == self.python
            and argv[1] == "-I"
            and argv[2] in self.scripts
        )

    def _start(self) -> bool:
        import socket  # here: only a build with such scripts to run needs it

        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [self.python, "-I", str(RUNNER), str(theirs.fileno()), *self.preload],
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=[theirs.fileno()],
            )
        except OSError:
            ours.close()
            return False
        finally:
            theirs.close()
        self.sock = ours
        return True

    def _sock(self) -> socket.socket:
        if self.sock is None:
            raise ConnectionError("the runner is not running")
        return self.sock

    def _answer(self, word: str) -> int | None:
        """The number of the runner's next answer line `WORD N`; None when it ended."""
        while b"\n" not in self.buffer:
            chunk = self._sock().recv(4096)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        said, _, number = line.decode().partition(" ")
        return int(number) if said == word else None

    def start(
        self, argv: list[str], env: dict[str, str] | None, cwd: Path | None, fds: list[int]
    ) -> int | None:
        """Send the script with its standard streams `fds`; the pid of its process, or
        None when the runner cannot take it (then it must be started as a process)."""
        import socket

        if self.broken or (self.sock is None and not self._start()):
            self.broken = True
            return None
        body = json.dumps(
            {
                "argv": argv[2:],
                "env": dict(os.environ if env is None else env),
                "cwd": str(cwd if cwd is not None else os.getcwd()),
            }
        ).encode()
        rights = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds).tobytes())]
        try:
            self._sock().sendmsg([len(body).to_bytes(8, "big")], rights)
            self._sock().sendall(body)
            pid = self._answer("pid")
        except OSError:
            pid = None
        if pid is None:
            self.broken = True
            self.close()
        return pid

    def wait(self, pid: int, timeout: float | None = None) -> int:
        """The script's exit status; past `timeout` it is killed and TimeoutExpired raised.
        Interrupted, it is stopped before the interruption goes on."""
        try:
            self._sock().settimeout(timeout)
            try:
                status = self._answer("status")
            except TimeoutError:
                self.stop(pid, signal.SIGKILL)
                raise subprocess.TimeoutExpired(self.python, timeout or 0) from None
            finally:
                if self.sock is not None:
                    self.sock.settimeout(None)
        except BaseException:
            self.stop(pid, signal.SIGTERM)
            raise
        return -signal.SIGKILL if status is None else status

    def stop(self, pid: int, sig: int) -> None:
        """Stop the script's process; the runner, which may be left waiting, goes too."""
        with contextlib.suppress(OSError):
            os.kill(pid, sig)
        self.broken = True
        self.close()

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()  # end of file: the runner exits
            self.sock = None
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


_active: Runner | None = None


def runner_for(argv: list[str]) -> Runner | None:
    """The active runner when it answers `argv`."""
    return _active if _active is not None and _active.handles(argv) else None


@contextlib.contextmanager
def forking_python(
    python: str | Path,
    scripts: list[Path],
    preload: list[str],
    env: dict[str, str],
    cwd: Path,
) -> Iterator[None]:
    """While active, SCRIPTS run with PYTHON are answered by one runner process of it,
    started at the first such script, that imported the modules `preload` once."""
    global _active
    runner = Runner(str(python), {str(s) for s in scripts}, preload, env, cwd)
    previous, _active = _active, runner
    try:
        yield
    finally:
        _active = previous
        runner.close()
