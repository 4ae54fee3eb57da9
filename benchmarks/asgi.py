"""Requests per second under wrk for the ASGI example (examples/asgi, FastAPI), built
for each ASGI server in turn (uvicorn, gunicorn with its ASGI worker, granian):
`warpdrive start --server S` with its auto settings (worker processes from the CPUs
and memory) against the same server hand-tuned over the plan's process counts for it
(tuning.py). An ASGI worker runs one event loop, so there are no threads to tune."""

from __future__ import annotations

from benchmarks import tuning
from benchmarks.context import ASGI_SERVERS, Bench
from benchmarks.procs import BenchError


def figures(bench: Bench) -> list[tuple[str, str, str]]:
    return tuning.figures("asgi", ASGI_SERVERS, "ASGI example")


def measure(bench: Bench) -> None:
    for id, title, unit in figures(bench):
        bench.results.figure(id, title, unit)
    tunings = [
        tuning.tune(bench, "asgi", server, tuple((n, 1) for n in counts))
        for server, counts in bench.plan.asgi_grids.items()
    ]
    tuning.repeat(
        bench, [found.jobs for found in tunings], "ASGI throughput", bench.plan.tuning_runs
    )
    for found in tunings:
        tuning.settle(found)


def run(bench: Bench) -> None:
    try:
        measure(bench)
    except BenchError as exc:
        bench.results.notes.append(f"ASGI throughput measurements ended early: {exc}")
        bench.results.skip_unmeasured(figures(bench), f"failed: {exc}")
