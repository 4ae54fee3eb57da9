"""Requests per second under wrk for the ASGI example (examples/asgi, FastAPI):
`warpdrive start` with its auto settings (uvicorn, worker processes from the CPUs and
memory) against the best hand-tuned uvicorn and the best hand-tuned gunicorn with its
ASGI worker; granian, hand-tuned too, is measured beside them.

Hand-tuned: for each of the two servers every process count of the plan's ASGI grid is
run once, set with WEB_CONCURRENCY (an ASGI worker runs one event loop, so there are
no threads to tune); the fastest count without errors of each server is then measured
again beside auto, repetition by repetition, and the better of uvicorn and gunicorn is
the hand-tuned figure (the target compares auto with what auto could have chosen among
the servers it runs ASGI apps with by default or by the usual hand; granian has its own
figure and ratio)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.context import Bench
from benchmarks.procs import BenchError, Server
from benchmarks.results import Figure
from benchmarks.throughput import loaded

# Hand-tuned: gunicorn runs ASGI apps in its ASGI worker. TUNED: those the best is of.
SERVERS = ("uvicorn", "gunicorn", "granian")
TUNED = ("uvicorn", "gunicorn")


def figures(bench: Bench) -> list[tuple[str, str, str]]:
    return [
        ("rps.asgi.auto", "requests/s, ASGI example, auto settings", "req/s"),
        ("rps.asgi.tuned", "requests/s, ASGI example, best hand-tuned", "req/s"),
        ("rps.asgi.uvicorn", "requests/s, ASGI example, best hand-tuned uvicorn", "req/s"),
        ("rps.asgi.gunicorn", "requests/s, ASGI example, best hand-tuned gunicorn", "req/s"),
        ("rps.asgi.granian", "requests/s, ASGI example, best hand-tuned granian", "req/s"),
    ]


def processes(n: int) -> str:
    return f"{n} process{'es' if n != 1 else ''}"


def build(bench: Bench, server: str | None) -> tuple[Path, Path]:
    """The ASGI example built in an environment of its own for SERVER (None: auto)."""
    name = f"asgi-{server or 'auto'}"
    src, home = bench.ours.source("asgi", name), bench.ours.home(name)
    bench.step(f"Building the ASGI example for {server or 'the auto server'}")
    bench.ours.activate(home, src, f"{name}.log")
    bench.ours.build(home, src, f"{name}.log", server=server)
    return src, home


def measure(bench: Bench) -> None:
    results, plan, ours = bench.results, bench.plan, bench.ours
    fig = {id: results.figure(id, title, unit) for id, title, unit in figures(bench)}

    src, home = build(bench, None)
    launch = ours.info(home, src)["launch"]
    sizing = launch["sizing"]
    fig["rps.asgi.auto"].extra.update(server=launch["server"], sizing=sizing)
    fig["rps.asgi.auto"].notes.append(
        f"auto: {launch['server']}, {processes(sizing['processes'])} ({sizing['source']})"
    )
    builds = {"uvicorn": (src, home)}
    builds.update((server, build(bench, server)) for server in SERVERS if server not in builds)

    def tuned(server: str, n: int, log: str) -> Server:
        where, env = builds[server]
        return ours.server(env, where, log, server, WEB_CONCURRENCY=str(n))

    jobs = [(fig["rps.asgi.auto"], lambda: ours.server(home, src, "asgi-auto.log"))]
    for server in SERVERS:
        grid = []
        for n in plan.asgi_grid:
            bench.step(f"Hand-tuning {server} (ASGI): {processes(n)}")
            figure = results.figure(
                f"rps.asgi.grid.{server}.p{n}",
                f"requests/s, ASGI example, {server} {processes(n)}, grid (one run)",
                "req/s",
            )
            figure.extra.update(server=server, processes=n)
            loaded(bench, tuned(server, n, f"asgi-grid-{server}.log"), figure, plan.grid_seconds)
            grid.append(figure)
        clean = [f for f in grid if f.extra.get("errors", 0) == 0]
        best = max(clean or grid, key=lambda f: f.values[0])
        n = best.extra["processes"]
        figure = fig[f"rps.asgi.{server}"]
        figure.extra.update(server=server, processes=n)
        figure.notes.append(
            f"{server}, {processes(n)}: the grid's fastest"
            + ("" if clean else " (every count of the grid had errors)")
        )
        jobs.append((figure, lambda s=server, n=n: tuned(s, n, f"asgi-tuned-{s}.log")))

    for i in range(plan.load_runs):
        bench.step(f"ASGI throughput, repetition {i + 1} of {plan.load_runs}")
        # Each repetition starts with a different one: none always meets a warmer machine.
        shift = i % len(jobs)
        for figure, make in jobs[shift:] + jobs[:shift]:
            loaded(bench, make(), figure)

    best: Figure = max((fig[f"rps.asgi.{s}"] for s in TUNED), key=lambda f: f.median or 0)
    result = fig["rps.asgi.tuned"]
    result.values = list(best.values)
    result.extra = dict(best.extra)
    result.notes.append(f"{best.extra['server']}, {processes(best.extra['processes'])}")


def run(bench: Bench) -> None:
    try:
        measure(bench)
    except BenchError as exc:
        bench.results.notes.append(f"ASGI throughput measurements ended early: {exc}")
        bench.results.skip_unmeasured(figures(bench), f"failed: {exc}")
