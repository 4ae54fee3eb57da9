"""Run by the app's own Python during a build (`python -I app_runner.py FD MODULE...`):
import the framework MODULEs once, then run each script warpdrive sends over the Unix
socket FD in a process forked from this one, so the scripts of one build (the Django
settings probe, the entry point probe, collectstatic) do not each start Python and
import the framework again. Each runs as `python -I SCRIPT ARGS...` would: its own
process, its own arguments, environment, working directory and standard streams (the
descriptors sent with the request); its exit status is sent back.

Requests: an 8-byte length, then that many bytes of JSON {"argv": [SCRIPT, ARGS...],
"env": {...}, "cwd": DIR}, with three descriptors (stdin, stdout, stderr) attached.
Answers: `pid N` when the script's process started, `status N` when it ended
(negative: killed by that signal). End of file on FD ends this process.

This file must import nothing from warpdrive: it runs in the app's environment.
"""

import array
import contextlib
import json
import os
import runpy
import socket
import sys
import traceback

HEADER = 8


def receive(sock, size, fds=None):
    """Exactly `size` bytes (None at end of file); descriptors sent with them go into fds."""
    data = b""
    while len(data) < size:
        if fds is not None and not data:
            space = socket.CMSG_SPACE(16 * array.array("i").itemsize)
            chunk, ancillary, _, _ = sock.recvmsg(size, space)
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    got = array.array("i")
                    got.frombytes(payload[: len(payload) - len(payload) % got.itemsize])
                    fds.extend(got)
        else:
            chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def exit_code(exc):
    """The exit status the interpreter gives for an uncaught SystemExit."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def own_frames(tb):
    """The traceback without this runner's and runpy's frames, as `python SCRIPT` shows it."""

    def ours(frame):
        return frame.f_code.co_filename == __file__ or frame.f_globals.get("__name__") == "runpy"

    while tb is not None and ours(tb.tb_frame):
        tb = tb.tb_next
    return tb


def run(request, fds, control):
    """In the forked process: become `python -I SCRIPT ARGS...` and run it."""
    control.close()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in set(fds):
        if fd > 2:
            os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = list(request["argv"])
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = exit_code(exc)
    except BaseException as exc:
        traceback.print_exception(type(exc), exc, own_frames(exc.__traceback__))
        code = 1
    return code


def serve(control):
    while True:
        fds = []
        header = receive(control, HEADER, fds)
        if header is None:
            # The build is done with this process: exit at once, not after tearing down
            # the framework's modules one by one (a twentieth of a second for Django).
            # Its own output goes nowhere, so nothing is left to flush.
            os._exit(0)
        body = receive(control, int.from_bytes(header, "big"))
        if body is None or len(fds) != 3:
            return 1
        request = json.loads(body)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            return run(request, fds, control)
        for fd in fds:
            os.close(fd)
        control.sendall(f"pid {pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        control.sendall(f"status {code}\n".encode())


def main():
    control = socket.socket(fileno=int(sys.argv[1]))
    for module in sys.argv[2:]:
        # A module that fails is imported again by the scripts, which say what is wrong.
        with contextlib.suppress(BaseException):
            __import__(module)
    return serve(control)


sys.exit(main())
