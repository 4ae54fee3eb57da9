"""Auto settings against hand-tuned ones, per server: what throughput.py (WSGI) and
asgi.py (ASGI) share.

For one server: every (processes, threads) pair of its grid is run once, set with
WEB_CONCURRENCY and WARPDRIVE_THREADS; the fastest pairs without errors other than
auto's own (those a person tuning by hand would try against it) are then measured
again beside auto, repetition by repetition (`repeat`), and the one auto does worst
against, pair by pair, is the hand-tuned figure, or auto's own when it does at least
as well as each (`settle`).

Where a hand-tuned pair beat auto, both are then measured on the same app made to wait
a few milliseconds a request (`waiting`): what that pair costs an app that waits on a
database, which is what the threads of auto's settings are for. Reported, not judged."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks import load
from benchmarks.context import ASGI_SERVERS, WSGI_SERVERS, Bench
from benchmarks.procs import Server
from benchmarks.results import Figure

# (processes, threads): what the server is started with. An ASGI worker runs one event
# loop, so its pairs have 1 thread and are named by their processes alone.
Pair = tuple[int, int]
Make = Callable[[], Server]


# The benchmark's copy of the WSGI example gets this at its end, so that the same
# server, environment and settings can serve an app that waits: BENCH_WAIT_MS is set
# for those runs only. Unset, the app is the example's, and a request costs nothing more.
WAIT_MS = 5
WAIT_HOOK = """

# Added by warpdrive's benchmark (benchmarks/tuning.py): with BENCH_WAIT_MS set, each
# request first waits that long, as an app waiting on a database does.
import os as _os
import time as _time

_wait = float(_os.environ.get("BENCH_WAIT_MS", "0")) / 1000
if _wait:
    _answer = application

    def application(environ, start_response):
        _time.sleep(_wait)
        return _answer(environ, start_response)
"""


def describe(kind: str, processes: int, threads: int) -> str:
    text = f"{processes} process{'es' if processes != 1 else ''}"
    return text if kind == "asgi" else f"{text} x {threads} thread{'s' if threads != 1 else ''}"


def pair_id(kind: str, processes: int, threads: int) -> str:
    return f"p{processes}" if kind == "asgi" else f"p{processes}t{threads}"


def figures(kind: str, servers: tuple[str, ...], example: str) -> list[tuple[str, str, str]]:
    """Two figures per server: its auto settings and its best hand-tuned pair."""
    rows = []
    for server in servers:
        rows.append(
            (f"rps.{kind}.auto.{server}", f"requests/s, {example}, {server}, auto", "req/s")
        )
        rows.append(
            (
                f"rps.{kind}.tuned.{server}",
                f"requests/s, {example}, {server}, best hand-tuned",
                "req/s",
            )
        )
    return rows


def pair_env(kind: str, processes: int, threads: int) -> dict[str, str]:
    """The settings that start a server with (processes, threads)."""
    env = {"WEB_CONCURRENCY": str(processes)}
    if kind == "wsgi":  # an ASGI worker has no threads to set
        env["WARPDRIVE_THREADS"] = str(threads)
    return env


def apart(bench: Bench, server: Server) -> Server:
    """`server` pinned to CPUs of its own, wrk to another (procs.CpuSplit): auto
    settings are judged on the CPUs the server really gets, which it sizes from.
    Unchanged on a single CPU. The harness's thread that copies the server's log runs
    beside wrk, off the server's CPUs."""
    server.cpus, server.copy_cpus = bench.server_cpus, bench.load_cpus
    return server


def loaded(bench: Bench, server: Server, figure: Figure, seconds: int | None = None) -> float:
    """Start the server, put it under load, stop it; the requests/s go into `figure`."""
    settings = bench.plan.load
    if seconds is not None:
        settings = load.LoadSettings(
            seconds, settings.connections, settings.threads, settings.warmup_seconds
        )
    # wrk keeps off the CPUs of a server pinned apart from it (`apart`).
    wrk_cpus = bench.load_cpus if server.cpus else ()
    try:
        server.start()
        server.first_200()
        result = load.measure(server.port, settings, wrk_cpus)
    finally:
        server.stop()
    figure.values.append(result.requests_per_second)
    runs = figure.extra.setdefault("runs", [])
    runs.append(
        {
            "requests_per_second": result.requests_per_second,
            "requests": result.requests,
            "socket_errors": result.socket_errors,
            "non_2xx": result.non_2xx,
        }
    )
    figure.extra["errors"] = figure.extra.get("errors", 0) + result.errors
    if result.requests == 0:
        figure.notes.append(f"a run completed no request in {settings.seconds} s")
    return result.requests_per_second


@dataclass
class Tuning:
    kind: str  # "wsgi" or "asgi"
    server: str
    auto: Figure
    tuned: Figure
    candidates: list[Figure]
    make: Callable[..., Make]  # make(log, **env): the server, built once, with env set
    jobs: list[tuple[Figure, Make]] = field(default_factory=list)  # auto, then candidates
    clean: bool = True  # some pair of the grid served without errors


def tune(bench: Bench, kind: str, server: str, grid: tuple[Pair, ...]) -> Tuning:
    """Build examples/KIND for SERVER in an environment of its own, run SERVER's grid
    once, and choose the pairs to measure again beside its auto settings."""
    ours, name = bench.ours, f"{kind}-{server}"
    bench.step(f"Building the {kind.upper()} example for {server}")
    # Short paths: mod_wsgi's daemon socket goes under the app root, WORK/ours/HOME/
    # warpdrive+SOURCE, in at most as many characters as the Django example's
    # (run.py checks the work directory against that one).
    index = (WSGI_SERVERS if kind == "wsgi" else ASGI_SERVERS).index(server)
    src, home = ours.source(kind, f"{server}/{kind}"), ours.home(f"{kind}{index}")
    if kind == "wsgi":
        with open(src / "wsgi.py", "a") as app:
            app.write(WAIT_HOOK)
    ours.activate(home, src, f"{name}.log")
    ours.build(home, src, f"{name}.log", server=server)
    # Asked on the CPUs the server will run on (`apart`): auto sizes from them.
    sizing = ours.info(home, src, bench.server_cpus)["launch"]["sizing"]

    def make(log: str, **env: str) -> Make:
        return lambda: apart(bench, ours.server(home, src, log, server, **env))

    def tuned(processes: int, threads: int) -> Make:
        return make(f"{name}-tuned.log", **pair_env(kind, processes, threads))

    auto = make(f"{name}-auto.log")

    results, plan = bench.results, bench.plan
    example = f"{kind.upper()} example"
    own = (sizing["processes"], sizing["threads"])
    auto_figure = results.figure(f"rps.{kind}.auto.{server}", "", "req/s")
    auto_figure.extra.update(server=server, sizing=sizing)
    auto_figure.notes.append(f"auto: {describe(kind, *own)} ({sizing['source']})")
    tuned_figure = results.figure(f"rps.{kind}.tuned.{server}", "", "req/s")
    grid_figures = []
    for processes, threads in grid:
        bench.step(f"Hand-tuning {server} ({kind.upper()}): {describe(kind, processes, threads)}")
        figure = results.figure(
            f"rps.{kind}.grid.{server}.{pair_id(kind, processes, threads)}",
            f"requests/s, {example}, {server} {describe(kind, processes, threads)}, grid (one run)",
            "req/s",
        )
        figure.extra.update(server=server, processes=processes, threads=threads)
        loaded(bench, tuned(processes, threads)(), figure, plan.grid_seconds)
        grid_figures.append(figure)
    # The pairs a person tuning by hand would try against auto: the fastest without
    # errors. One short run each is noisy, so they are measured again beside auto.
    clean = [f for f in grid_figures if f.extra.get("errors", 0) == 0]
    others = [f for f in clean or grid_figures if (f.extra["processes"], f.extra["threads"]) != own]
    ranked = sorted(others, key=lambda f: f.values[0], reverse=True)
    tuning = Tuning(
        kind, server, auto_figure, tuned_figure, [], make, [(auto_figure, auto)], bool(clean)
    )
    for f in ranked[: plan.candidates]:
        processes, threads = f.extra["processes"], f.extra["threads"]
        figure = results.figure(
            f"rps.{kind}.again.{server}.{pair_id(kind, processes, threads)}",
            f"requests/s, {example}, {server} {describe(kind, processes, threads)}, measured again",
            "req/s",
        )
        figure.extra.update(server=server, processes=processes, threads=threads)
        tuning.candidates.append(figure)
        tuning.jobs.append((figure, tuned(processes, threads)))
    return tuning


def repeat(bench: Bench, groups: list[list[tuple[Figure, Make]]], what: str, runs: int) -> None:
    """Every job of every group, once per repetition. Each repetition starts each group
    (auto and its candidates, say) with a different job, and the groups in a different
    order: none always meets a warmer machine."""
    for i in range(runs):
        bench.step(f"{what}, repetition {i + 1} of {runs}")
        shift = i % len(groups)
        for group in groups[shift:] + groups[:shift]:
            turn = i % len(group)
            for figure, make in group[turn:] + group[:turn]:
                loaded(bench, make(), figure)


def paired(auto: Figure, other: Figure) -> float | None:
    """The median of auto's requests/s over OTHER's, repetition by repetition: each pair
    was measured one after the other, so it shares the machine's load of the moment,
    which drifts far more over a run than within a pair."""
    pairs = [a / b for a, b in zip(auto.values, other.values, strict=False) if b]
    return statistics.median(pairs) if pairs else None


def settle(tuning: Tuning) -> None:
    """The hand-tuned figure: the candidate auto does worst against, pair by pair, or
    auto's own settings when it does at least as well as every candidate."""
    auto, kind = tuning.auto, tuning.kind
    own = (auto.extra["sizing"]["processes"], auto.extra["sizing"]["threads"])
    ratios = {id(f): paired(auto, f) for f in tuning.candidates}
    worst = min(tuning.candidates, key=lambda f: ratios[id(f)] or 2, default=None)
    best = worst if worst is not None and (ratios[id(worst)] or 2) < 1 else auto
    pair = own if best is auto else (best.extra["processes"], best.extra["threads"])
    result = tuning.tuned
    result.values = list(best.values)
    result.extra = {
        **{k: v for k, v in best.extra.items() if k != "sizing"},
        "server": tuning.server,
        "processes": pair[0],
        "threads": pair[1],
        "auto": best is auto,
    }
    tried = len(tuning.candidates)
    source = (
        "auto's own settings: none of the grid's fastest did better"
        if best is auto
        else f"the best of the grid's {tried} fastest, measured again"
    )
    result.notes.append(
        f"{tuning.server}, {describe(kind, *pair)}: {source}"
        + ("" if tuning.clean else " (every pair of the grid had errors)")
    )


def waiting(bench: Bench, tunings: list[Tuning]) -> None:
    """Each settled WSGI server whose best hand-tuned pair is not auto's: both again,
    repetition by repetition, with every request waiting WAIT_MS (WAIT_HOOK)."""
    results, groups = bench.results, []
    example = f"WSGI example waiting {WAIT_MS} ms a request"
    for found in tunings:
        tuned, server = found.tuned, found.server
        if found.kind != "wsgi" or not tuned.measured or tuned.extra.get("auto"):
            continue
        sizing = found.auto.extra["sizing"]
        own = describe("wsgi", sizing["processes"], sizing["threads"])
        pair = (tuned.extra["processes"], tuned.extra["threads"])
        auto = results.figure(
            f"rps.wsgi-wait.auto.{server}", f"requests/s, {example}, {server}, auto", "req/s"
        )
        auto.extra.update(server=server, sizing=sizing)
        auto.notes.append(f"auto: {own}")
        other = results.figure(
            f"rps.wsgi-wait.tuned.{server}",
            f"requests/s, {example}, {server} {describe('wsgi', *pair)}, "
            "the best hand-tuned for the WSGI example",
            "req/s",
        )
        other.extra.update(server=server, processes=pair[0], threads=pair[1])
        log, wait = f"wsgi-{server}-wait.log", {"BENCH_WAIT_MS": str(WAIT_MS)}
        groups.append(
            [
                (auto, found.make(log, **wait)),
                (other, found.make(log, **pair_env("wsgi", *pair), **wait)),
            ]
        )
    if groups:
        repeat(bench, groups, f"Throughput of the app waiting {WAIT_MS} ms", bench.plan.wait_runs)
