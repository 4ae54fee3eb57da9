"""How many server processes and threads: explicit settings first, else derived from
the CPUs and memory this process may use: the cgroup limits (v1 or v2) a container
runs under, not the host's totals."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warpdrive.context import Context
from warpdrive.errors import BadSetting

DEFAULT_THREADS = 5
# A process of a typical Django app, resident, rounded up: more processes than the
# memory limit holds would get the container killed.
MEMORY_PER_PROCESS = 128 * 1024 * 1024
UNLIMITED = 1 << 60  # cgroup v1 writes a page-rounded 2**63-1 for "no limit"
CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_CGROUP = Path("/proc/self/cgroup")


@dataclass(frozen=True)
class Limits:
    cpus: float
    cpu_source: str
    memory: int | None  # bytes, None when nothing limits it
    memory_source: str


@dataclass(frozen=True)
class Sizing:
    processes: int
    threads: int
    source: str  # where the numbers came from, for `info`

    def to_json(self) -> dict[str, int | str]:
        return {"processes": self.processes, "threads": self.threads, "source": self.source}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sizing:
        return cls(int(data["processes"]), int(data["threads"]), str(data["source"]))


def _cgroup_paths(proc_cgroup: Path) -> dict[str, str]:
    """controller name (or "" for the v2 unified hierarchy) -> cgroup path."""
    paths: dict[str, str] = {}
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return paths
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in parts[1].split(",") if parts[1] else [""]:
                paths[controller] = parts[2]
    return paths


def _candidates(mount: Path, path: str) -> list[Path]:
    """The process's own cgroup directory and its ancestors up to the mount; inside a
    container's cgroup namespace the path may not exist below the mount: then the
    mount itself is the process's cgroup."""
    leaf = mount / path.lstrip("/")
    dirs = []
    while leaf.is_relative_to(mount):
        if leaf.is_dir():
            dirs.append(leaf)
        if leaf == mount:
            break
        leaf = leaf.parent
    return dirs or [mount]


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def read_limits(
    root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP, available_cpus: int | None = None
) -> Limits:
    if available_cpus is None:
        available_cpus = len(os.sched_getaffinity(0))
    cpus, cpu_source = (
        float(available_cpus),
        f"{available_cpus} CPU{'s' if available_cpus != 1 else ''} available, no cgroup CPU quota",
    )
    memory, memory_source = None, "no cgroup memory limit"
    paths = _cgroup_paths(proc_cgroup)
    if (root / "cgroup.controllers").exists():  # v2: one unified hierarchy
        dirs = _candidates(root, paths.get("", "/"))
        quota_files: list[tuple[Path, Path | None]] = [(d / "cpu.max", None) for d in dirs]
        memory_files = [d / "memory.max" for d in dirs]
        version = "v2"
    else:
        cpu_mount = next(
            (root / n for n in ("cpu", "cpu,cpuacct") if (root / n).is_dir()), root / "cpu"
        )
        cpu_dirs = _candidates(cpu_mount, paths.get("cpu", "/"))
        quota_files = [(d / "cpu.cfs_quota_us", d / "cpu.cfs_period_us") for d in cpu_dirs]
        memory_files = [
            d / "memory.limit_in_bytes"
            for d in _candidates(root / "memory", paths.get("memory", "/"))
        ]
        version = "v1"
    for quota_file, period_file in quota_files:
        quota, period = _quota(quota_file, period_file)
        if quota and quota / period < cpus:
            cpus = quota / period
            cpu_source = f"cgroup {version} CPU quota {quota}/{period} ({quota_file})"
    for memory_file in memory_files:
        value = _read(memory_file)
        if (
            value
            and value.isdigit()
            and int(value) < UNLIMITED
            and (memory is None or int(value) < memory)
        ):
            memory = int(value)
            memory_source = (
                f"cgroup {version} memory limit {memory // (1024 * 1024)} MiB ({memory_file})"
            )
    return Limits(cpus, cpu_source, memory, memory_source)


def _quota(quota_file: Path, period_file: Path | None) -> tuple[int | None, int]:
    text = _read(quota_file)
    if text is None:
        return None, 1
    if period_file is None:  # v2 cpu.max: "<quota|max> <period>"
        quota, _, period = text.partition(" ")
        if quota == "max" or not quota.isdigit():
            return None, 1
        return int(quota), int(period or 100000)
    period = _read(period_file) or "100000"
    if text.lstrip("-").isdigit() and int(text) > 0 and period.isdigit():
        return int(text), int(period)
    return None, 1


def _positive_int(ctx: Context, *names: str) -> tuple[int, str] | None:
    setting = ctx.setting(*names)
    if setting is None:
        return None
    try:
        value = int(setting.value)
    except ValueError:
        value = 0
    if value < 1:
        raise BadSetting(setting.name, setting.value, "a whole number of 1 or more")
    return value, setting.source


def size(
    ctx: Context,
    process_settings: tuple[str, ...] = ("WEB_CONCURRENCY",),
    thread_settings: tuple[str, ...] = ("WARPDRIVE_THREADS",),
    limits: Limits | None = None,
) -> Sizing:
    """Processes and threads: the first of each group of settings that is set, else
    one process per CPU (fewer where memory is limited) of DEFAULT_THREADS threads.
    Each server names its settings (servers/)."""
    processes = _positive_int(ctx, *process_settings)
    threads = _positive_int(ctx, *thread_settings)
    sources = []
    if processes:
        count = processes[0]
        sources.append(f"processes from {processes[1]}")
    else:
        limits = limits or read_limits()
        count = max(1, math.ceil(limits.cpus))
        by_memory = None if limits.memory is None else max(1, limits.memory // MEMORY_PER_PROCESS)
        if by_memory is not None and by_memory < count:
            count = by_memory
            sources.append(f"processes from {limits.memory_source}")
        else:
            sources.append(f"processes from {limits.cpu_source}")
    thread_count = threads[0] if threads else DEFAULT_THREADS
    sources.append(
        f"threads from {threads[1]}" if threads else f"{DEFAULT_THREADS} threads by default"
    )
    return Sizing(count, thread_count, ", ".join(sources))


def for_event_loop(sizing: Sizing) -> Sizing:
    """An ASGI app's sizing: each process runs one event loop, so its thread count is 1
    (thread settings do not apply)."""
    if sizing.threads == 1:
        return sizing
    processes = sizing.source.split(", ")[0]
    return Sizing(sizing.processes, 1, f"{processes}, 1 thread: an ASGI event loop per process")
