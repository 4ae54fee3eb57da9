"""Helpers of the load and fault tests: wrk runs with their failures counted, and a
server's process tree (and its memory) read from /proc."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import require_tool

WRK_SCRIPT = Path(__file__).with_name("wrk_count.lua")
PAGE = os.sysconf("SC_PAGE_SIZE")


# -- processes --------------------------------------------------------------------


def _parent_map() -> dict[int, list[int]]:
    children = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # exited meanwhile
            continue
        # The command name (field 2) may hold spaces and parentheses: split after it.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children[ppid].append(int(entry.name))
    return children


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants, from the parent of every process in /proc."""
    children = _parent_map()
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def cpu_ticks(pid: int) -> int:
    """User and system CPU time a process has used, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15


def rss(pid: int) -> int:
    """Resident memory of one process in bytes (0 when it has gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    return sum(rss(pid) for pid in process_tree(root))


class RssSampler:
    """Samples the RSS of a process tree once a second in a thread: (seconds since
    start, bytes, processes)."""

    def __init__(self, root: int, interval: float = 1.0):
        self.root, self.interval = root, interval
        self.samples: list[tuple[float, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        began = time.monotonic()
        while not self._stop.is_set():
            pids = process_tree(self.root)
            self.samples.append((time.monotonic() - began, sum(rss(p) for p in pids), len(pids)))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def window_mean(self, start: float, end: float) -> float:
        values = [value for t, value, _ in self.samples if start <= t < end]
        assert values, f"no RSS samples between {start}s and {end}s: {self.samples}"
        return sum(values) / len(values)


# -- wrk --------------------------------------------------------------------------


@dataclass
class LoadResult:
    """wrk's totals: responses by kind and socket errors by kind."""

    counts: dict[str, int] = field(default_factory=dict)
    output: str = ""

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    @property
    def socket_errors(self) -> int:
        return sum(self.counts[k] for k in ("connect", "read", "write", "timeout"))

    @property
    def per_second(self) -> float:
        return self.counts["responses"] / (self.counts["duration_us"] / 1e6)


def wrk_argv(
    url: str, seconds: int, connections: int, expected_body: bytes, *, close: bool = False
) -> list[str]:
    """wrk's command line; with `close`, each request asks for its connection to be
    closed after the answer, so every request is a new connection (a new accept)."""
    # 10 s, not wrk's 2 s, before a request counts as timed out: on a busy 2-core
    # machine a slow answer is not a lost one (the latency is reported anyway).
    header = ["--header", "Connection: close"] if close else []
    return [
        require_tool("wrk"),
        "--threads",
        "2",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        *header,
        "--script",
        str(WRK_SCRIPT),
        url,
        "--",
        expected_body.decode(),
    ]


def parse_wrk(text: str) -> LoadResult:
    line = next((ln for ln in text.splitlines() if ln.startswith("warpdrive-load ")), None)
    assert line is not None, f"wrk printed no totals:\n{text}"
    counts = {k: int(v) for k, v in (part.split("=") for part in line.split()[1:])}
    return LoadResult(counts, text)


def wrk(
    url: str, seconds: int, connections: int, expected_body: bytes, *, close: bool = False
) -> LoadResult:
    argv = wrk_argv(url, seconds, connections, expected_body, close=close)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return parse_wrk(proc.stdout)
