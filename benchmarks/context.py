"""What every part of a run shares: the plan (full or quick), the work directory, the
two warpdrives under measurement and the results."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.load import LoadSettings
from benchmarks.original import Original
from benchmarks.ours import Ours
from benchmarks.procs import CpuSplit, cpu_split
from benchmarks.results import Results

SERVERS = ("mod_wsgi", "gunicorn", "waitress", "uwsgi")
# Measured at auto settings against hand-tuned ones (tuning.py).
WSGI_SERVERS = (*SERVERS, "granian")
ASGI_SERVERS = ("uvicorn", "gunicorn", "granian")
Pairs = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Plan:
    name: str  # "full" or "quick"
    activate_runs: int
    build_runs: int
    warmup: bool  # fill pip's cache before the counted pip builds (once per work directory)
    start_runs: int
    servers: tuple[str, ...]  # start to first 200 and exit after SIGTERM, ours
    idle_seconds: float  # between the first 200 and SIGTERM
    load: LoadSettings  # the counted throughput runs
    load_runs: int
    tuning_runs: int  # repetitions of auto beside the hand-tuned candidates (tuning.repeat)
    wait_runs: int  # repetitions of the app that waits (tuning.waiting)
    wsgi_grids: dict[str, Pairs]  # per WSGI server, the (processes, threads) hand-tuned
    asgi_grids: dict[str, tuple[int, ...]]  # per ASGI server, the worker processes
    grid_seconds: int
    candidates: int  # the grid's fastest pairs measured again beside auto
    original: bool  # measure warpdrive 0.34.0
    images: bool  # builder, s2i and image sizes (needs a Docker engine)
    s2i_runs: int


# The (processes, threads) pairs tried for a server that runs both.
THREADED = tuple((p, t) for p in (1, 2, 4) for t in (1, 2, 5))

FULL = Plan(
    name="full",
    activate_runs=10,
    build_runs=3,
    warmup=True,
    start_runs=3,
    servers=SERVERS,
    idle_seconds=2,
    load=LoadSettings(seconds=6),
    # Five: one run of a configuration can differ from the next by 15-20%.
    load_runs=5,
    # Nine for the sizing comparisons, which judge a 5% difference: the median of five
    # paired ratios scattered by +-10% was not precise enough to tell 5% apart.
    tuning_runs=9,
    # The app that waits tells apart thread counts that differ by times, not percent.
    wait_runs=3,
    wsgi_grids={
        "mod_wsgi": THREADED,
        "gunicorn": THREADED,
        "waitress": tuple((1, t) for t in (2, 4, 8, 16)),
        "uwsgi": THREADED,
        "granian": THREADED,
    },
    asgi_grids=dict.fromkeys(ASGI_SERVERS, (1, 2, 4)),
    grid_seconds=3,
    candidates=2,
    original=True,
    images=True,
    s2i_runs=3,
)
# A subset, fewer and shorter runs: CI runs it so that the code cannot rot.
QUICK = Plan(
    name="quick",
    activate_runs=3,
    build_runs=1,
    warmup=False,
    start_runs=1,
    servers=("mod_wsgi", "gunicorn"),
    idle_seconds=1,
    load=LoadSettings(seconds=2, warmup_seconds=1),
    load_runs=1,
    tuning_runs=1,
    wait_runs=1,
    wsgi_grids=dict.fromkeys(WSGI_SERVERS, ((1, 2),)),
    asgi_grids=dict.fromkeys(ASGI_SERVERS, (1,)),
    grid_seconds=2,
    candidates=1,
    original=False,
    images=False,
    s2i_runs=0,
)


@dataclass
class Bench:
    plan: Plan
    work: Path
    logs: Path
    ours: Ours
    original: Original | None
    original_skipped: str  # why there is no original, when there is none
    results: Results = field(default_factory=Results)
    ours_django: Path = Path()  # the Django example's copy that ours builds
    ours_main_home: Path = Path()  # its environment built with the auto server
    ours_main_root: Path = Path()  # that environment's app root
    auto_server: str = ""  # the server `auto` chose for it
    cpus: CpuSplit | None = field(default_factory=cpu_split)  # tuning.apart
    began: float = field(default_factory=time.monotonic)

    @property
    def server_cpus(self) -> tuple[int, ...]:
        """The CPUs of a server under load, apart from wrk's; () on a single CPU."""
        return self.cpus.server if self.cpus else ()

    @property
    def load_cpus(self) -> tuple[int, ...]:
        """wrk's CPUs, apart from the server's; () on a single CPU."""
        return self.cpus.load if self.cpus else ()

    def step(self, message: str) -> None:
        elapsed = time.monotonic() - self.began
        print(f"-----> [{elapsed:5.0f}s] {message}", file=sys.stderr, flush=True)


def is_root() -> bool:
    return os.geteuid() == 0
