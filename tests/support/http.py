"""Wait for and talk to servers over HTTP: start a built app with `warpdrive start` on a
free loopback port, spawn and stop a server process, GET a path."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.cli import WARPDRIVE, as_user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes]:
        status, body, _ = get(self.port, path, timeout)
        return status, body

    def header(self, path: str, name: str) -> str | None:
        return get(self.port, path)[2].get(name.lower())


def wait_for_http(port: int, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """Until the server answers a request (any status): listening is not enough for
    servers that bind before their workers are ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            get(port, "/", timeout=5)
            return
        time.sleep(0.2)
    raise AssertionError(f"server did not answer on {port} in {timeout}s:\n{log.read_text()}")


def stop(process: subprocess.Popen, timeout: float = 20) -> float:
    """SIGTERM, then wait; returns the seconds it took the server to exit."""
    began = time.monotonic()
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return time.monotonic() - began


def spawn(argv: list[str], log: Path, **kwargs) -> subprocess.Popen:
    """Start a server in its own session with its output copied into `log` through a
    pipe: Apache reopens /dev/stdout and would truncate a log file given directly."""
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
    )

    def copy() -> None:
        with log.open("ab") as out:
            for chunk in iter(lambda: process.stdout.read1(65536), b""):
                out.write(chunk)
                out.flush()

    threading.Thread(target=copy, daemon=True).start()
    return process


@contextlib.contextmanager
def serving(
    env: dict[str, str],
    src: Path,
    server: str | None = None,
    extra: dict[str, str] | None = None,
    warpdrive: str = WARPDRIVE,
    user: str | None = None,
    args: tuple[str, ...] = (),
    port: int | None = None,
) -> Iterator[Server]:
    """`warpdrive start` in its own session (so a stuck server can be killed whole),
    as `user` if given, on `port` (default: a free one)."""
    port = port or free_port()
    log = src.parent / f"server-{port}.log"
    argv = [warpdrive, "start", str(src), "--port", str(port), *args]
    if server:
        argv += ["--server", server]
    process = spawn(argv, log, env={**env, **(extra or {})}, **as_user(user))
    try:
        wait_for_http(port, process, log)
        yield Server(port, process, log)
    finally:
        stop(process)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # anything the server left behind
