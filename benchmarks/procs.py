"""Running the commands under measurement: timed runs, as another user when asked,
and servers started until their first 200 and stopped with SIGTERM."""

from __future__ import annotations

import contextlib
import http.client
import os
import pwd
import select
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

# Variables of the calling shell that would change what the measured commands do.
DROPPED_PREFIXES = ("WARPDRIVE_", "APP_", "DJANGO_", "MOD_WSGI_", "UV_", "PIP_")
DROPPED = {
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    # Set on some build machines; users rarely have it, and without it Python caches
    # bytecode, which is what a second activate or start would normally profit from.
    "PYTHONDONTWRITEBYTECODE",
    "PORT",
    "WEB_CONCURRENCY",
}
# Kept from the PIP_* family: what lets pip reach PyPI through a proxy.
KEPT = {"PIP_CERT", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST"}


class BenchError(Exception):
    """A measured command failed: the figure cannot be measured."""


def clean_environ() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k in KEPT or (k not in DROPPED and not k.startswith(DROPPED_PREFIXES))
    }
    # No colour codes in logs; no pip self-check against PyPI in the middle of a timing.
    env.update(NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.setdefault("LANG", "C.UTF-8")
    return env


def user_env(env: dict[str, str], user: str | None) -> dict[str, str]:
    """`env` as `user` would have it: their home and name."""
    if user is None:
        return env
    entry = pwd.getpwnam(user)
    return {**env, "HOME": entry.pw_dir, "USER": user, "LOGNAME": user}


def as_user(user: str | None) -> dict:
    return {"user": user, "group": user, "extra_groups": []} if user else {}


def tail(path: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def exited(process: subprocess.Popen, timeout: float) -> bool:
    """Wait until `process` exits, waking the moment it does (a pidfd becomes readable);
    False when it is still running after `timeout` seconds. Not Popen.wait(timeout):
    that polls with sleeps growing to 50 ms, which put a command's measured time on
    steps of 0.063 s + n x 0.05 s (a 0.035 s command measured 0.064 s)."""
    fd = os.pidfd_open(process.pid)
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    finally:
        os.close(fd)
    if ready:
        process.wait()
    return bool(ready)


def run(
    argv: list[str],
    env: dict[str, str],
    log: Path,
    cwd: Path | None = None,
    user: str | None = None,
    timeout: float = 1200,
) -> float:
    """Run a command to completion, its output appended to `log`; returns its wall time
    in seconds. A non-zero exit raises BenchError."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(argv)}\n".encode())
        out.flush()
        began = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            **as_user(user),
        )
        if not exited(proc, timeout):
            proc.kill()
            proc.wait()
            raise BenchError(f"{argv[0]} did not finish in {timeout:.0f}s (log: {log})")
        took = time.perf_counter() - began
    if proc.returncode != 0:
        last = tail(log)
        errors = [line for line in last.splitlines() if line.startswith("error:")]
        why = errors[-1] if errors else (last.splitlines() or ["no output"])[-1].strip()
        raise BenchError(
            f"{' '.join(argv[:3])} failed with exit status {proc.returncode}: {why}"
            f" (log: {log})\n{last}"
        )
    return took


@dataclass(frozen=True)
class CpuSplit:
    """Which CPUs the load generator and a server under load run on: apart, as a server
    and its clients on different machines would, so that a server's auto settings are
    judged on the CPUs it really gets, which it can see (it sizes from its affinity)."""

    load: tuple[int, ...]
    server: tuple[int, ...]

    def describe(self) -> str:
        return (
            f"wrk on CPU {cpu_list(self.load)},"
            f" the server under load on CPU {cpu_list(self.server)}"
        )


def cpu_list(cpus: tuple[int, ...]) -> str:
    return ",".join(map(str, cpus))


def cpu_split(cpus: set[int] | None = None) -> CpuSplit | None:
    """The first CPU this process may use for wrk (one thread), the others for the
    server; None on a single CPU, where both must share it."""
    ordered = sorted(os.sched_getaffinity(0) if cpus is None else cpus)
    return CpuSplit(tuple(ordered[:1]), tuple(ordered[1:])) if len(ordered) > 1 else None


def pinned(argv: list[str], cpus: tuple[int, ...]) -> list[str]:
    """`argv` run on `cpus` only (taskset sets the affinity and execs it: the same
    process, which its children inherit); `argv` itself when no CPUs are given."""
    return ["taskset", "--cpu-list", cpu_list(cpus), *argv] if cpus else argv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str = "/", timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Server:
    """A server started by `argv` in its own session, its output copied into `log`
    through a pipe (Apache reopens /dev/stdout and would truncate a file given directly)."""

    argv: list[str]
    env: dict[str, str]
    port: int
    log: Path
    cwd: Path | None = None
    user: str | None = None
    cpus: tuple[int, ...] = ()  # pinned to these CPUs when given
    copy_cpus: tuple[int, ...] = ()  # where the thread that copies its log runs, when given
    process: subprocess.Popen | None = None
    started: float = 0.0

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            pinned(self.argv, self.cpus),
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            **as_user(self.user),
        )
        threading.Thread(target=self._copy, name=f"copy {self.log.name}", daemon=True).start()

    def _copy(self) -> None:
        if self.copy_cpus:
            os.sched_setaffinity(0, self.copy_cpus)  # 0: this thread alone, on Linux
        with self.log.open("ab") as out:
            for chunk in iter(lambda: self.process.stdout.read1(65536), b""):
                out.write(chunk)

    def until_exec(self, timeout: float = 60) -> float | None:
        """Seconds from start until the started process execs another program (the
        server `warpdrive start` replaces itself with), read from /proc/PID/cmdline
        every 2 ms; None when it exited or did not exec within `timeout`."""
        cmdline = Path(f"/proc/{self.process.pid}/cmdline")
        try:
            first = cmdline.read_bytes()
        except OSError:
            return None
        deadline = self.started + timeout
        while time.perf_counter() < deadline and self.process.poll() is None:
            try:
                if cmdline.read_bytes() != first:
                    return time.perf_counter() - self.started
            except OSError:
                return None
            time.sleep(0.002)
        return None

    def first_200(self, timeout: float = 120) -> float:
        """Seconds from start until GET / answers 200."""
        deadline = self.started + timeout
        last = "no answer"
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"server exited with status {self.process.returncode} before answering"
                    f" (log: {self.log}):\n{tail(self.log)}"
                )
            try:
                status, body = get(self.port, "/", timeout=10)
                if status == 200:
                    return time.perf_counter() - self.started
                last = f"status {status}: {body[:200]!r}"
            except (OSError, http.client.HTTPException) as exc:
                last = str(exc)
            time.sleep(0.02)
        raise BenchError(f"no 200 on port {self.port} in {timeout:.0f}s ({last}; log: {self.log})")

    def stop(self, timeout: float = 30) -> float | None:
        """SIGTERM, then the seconds until the started process exited; None when it had
        not exited after `timeout` (it is then killed). Whatever it left behind in its
        session is killed afterwards."""
        if self.process is None:
            return None
        took = None
        if self.process.poll() is None:
            began = time.perf_counter()
            self.process.send_signal(signal.SIGTERM)
            if exited(self.process, timeout):
                took = time.perf_counter() - began
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        wait_port_free(self.port)
        return took


def wait_port_free(port: int, timeout: float = 15) -> None:
    """Until nothing listens on `port`: the next server may want it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.1)
