"""How many server processes and threads: explicit settings first, else derived from
the CPUs and memory this process may use."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from warpdrive.context import Context
from warpdrive.errors import BadSetting

DEFAULT_THREADS = 5


@dataclass(frozen=True)
class Sizing:
    processes: int
    threads: int
    source: str  # where the numbers came from, for `info`


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


def available_cpus() -> float:
    try:
        return float(len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return float(os.cpu_count() or 1)


def size(ctx: Context, server: str) -> Sizing:
    names = (
        ("MOD_WSGI_PROCESSES", "WEB_CONCURRENCY") if server == "mod_wsgi" else ("WEB_CONCURRENCY",)
    )
    processes = _positive_int(ctx, *names)
    threads = _positive_int(ctx, "MOD_WSGI_THREADS") if server == "mod_wsgi" else None
    threads = threads or _positive_int(ctx, "WARPDRIVE_THREADS")
    cpus = available_cpus()
    auto_processes = max(1, math.ceil(cpus))
    sources = []
    if processes:
        sources.append(f"processes from {processes[1]}")
    else:
        sources.append(f"processes from {cpus:g} CPUs")
    if threads:
        sources.append(f"threads from {threads[1]}")
    else:
        sources.append("default threads")
    return Sizing(
        processes[0] if processes else auto_processes,
        threads[0] if threads else DEFAULT_THREADS,
        ", ".join(sources),
    )
