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
from benchmarks.results import Results

SERVERS = ("mod_wsgi", "gunicorn", "waitress", "uwsgi")


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
    grid: tuple[tuple[int, int], ...]  # (processes, threads) tried for the hand-tuned figure
    grid_seconds: int
    candidates: int  # the grid's fastest pairs measured again beside auto
    asgi_grid: tuple[int, ...]  # worker processes tried per ASGI server, hand-tuned
    original: bool  # measure warpdrive 0.34.0
    images: bool  # builder, s2i and image sizes (needs a Docker engine)
    s2i_runs: int


FULL = Plan(
    name="full",
    activate_runs=10,
    build_runs=3,
    warmup=True,
    start_runs=3,
    servers=SERVERS,
    idle_seconds=2,
    load=LoadSettings(seconds=10),
    load_runs=3,
    grid=tuple((p, t) for p in (1, 2, 4) for t in (2, 5, 10)),
    grid_seconds=4,
    candidates=2,
    asgi_grid=(1, 2, 4),
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
    grid=((1, 5), (2, 10)),
    grid_seconds=2,
    candidates=1,
    asgi_grid=(2,),
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
    began: float = field(default_factory=time.monotonic)

    def step(self, message: str) -> None:
        elapsed = time.monotonic() - self.began
        print(f"-----> [{elapsed:5.0f}s] {message}", file=sys.stderr, flush=True)


def is_root() -> bool:
    return os.geteuid() == 0
