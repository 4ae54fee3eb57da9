"""Load generation with wrk on loopback: bounded in time and in connections."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from benchmarks.procs import BenchError, pinned

MAX_SECONDS = 15  # no run may be longer (benchmarks/README.md, "How it measures")
TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class LoadSettings:
    seconds: int
    connections: int = 20
    threads: int = 1  # one wrk thread: the server under test gets the other core
    warmup_seconds: int = 2  # a first run, not counted: workers start, caches fill


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    requests: int
    socket_errors: dict[str, int]  # connect, read, write, timeout
    non_2xx: int

    @property
    def errors(self) -> int:
        """Socket errors and non-2xx answers; a run that completed no request at all
        (the server stalled) counts as one."""
        return sum(self.socket_errors.values()) + self.non_2xx + (self.requests == 0)


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str | None:
    path = wrk_path()
    if not path:
        return None
    proc = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"wrk\s+(\S+)", proc.stdout + proc.stderr)
    return match.group(1) if match else None


def parse(text: str) -> LoadResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    total = re.search(r"(\d+) requests in", text)
    if not rps or not total:
        raise BenchError(f"unexpected wrk output:\n{text}")
    errors = dict.fromkeys(("connect", "read", "write", "timeout"), 0)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if socket:
        errors = dict(zip(errors, map(int, socket.groups()), strict=True))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return LoadResult(
        float(rps.group(1)), int(total.group(1)), errors, int(non_2xx.group(1)) if non_2xx else 0
    )


def run(port: int, seconds: int, settings: LoadSettings, cpus: tuple[int, ...] = ()) -> LoadResult:
    seconds = min(seconds, MAX_SECONDS)
    argv = [
        wrk_path() or "wrk",
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{seconds}s",
        # A hello-world answer slower than this counts as an error (wrk: timeout).
        "--timeout",
        f"{TIMEOUT_SECONDS}s",
        f"http://127.0.0.1:{port}/",
    ]
    proc = subprocess.run(
        pinned(argv, cpus), capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    if proc.returncode != 0:
        raise BenchError(f"wrk failed ({proc.returncode}): {proc.stderr.strip()}")
    return parse(proc.stdout)


def measure(port: int, settings: LoadSettings, cpus: tuple[int, ...] = ()) -> LoadResult:
    """A warm-up run, then the counted one; wrk on `cpus` when given."""
    if settings.warmup_seconds:
        run(port, settings.warmup_seconds, settings, cpus)
    return run(port, settings.seconds, settings, cpus)
