"""Requests per second under wrk, on loopback.

WSGI example (examples/wsgi): `warpdrive start` with its auto settings (the server the
build chose, processes and threads from the CPUs and memory) against the same server
hand-tuned, and against Django's development server serving the same WSGI callable.

Hand-tuned: every (processes, threads) pair of the plan's grid is run once, set with
WEB_CONCURRENCY and WARPDRIVE_THREADS; the fastest pairs without errors (those a person
tuning by hand would keep) are then measured again beside auto, repetition by
repetition, and the best of them is the hand-tuned figure.

Django example: ours at its auto settings against the original warpdrive at its
defaults (mod_wsgi, 1 process of 5 threads)."""

from __future__ import annotations

from pathlib import Path

from benchmarks import load
from benchmarks.context import Bench
from benchmarks.procs import BenchError, Server, free_port
from benchmarks.results import Figure

RUNSERVER_SETTINGS = """\
# Django settings that make `runserver` serve examples/wsgi's WSGI callable, so the
# development server is compared on exactly the app the production servers run.
SECRET_KEY = "benchmark-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = []
WSGI_APPLICATION = "wsgi.application"
"""


def figures(bench: Bench) -> list[tuple[str, str, str]]:
    return [
        ("rps.wsgi.auto", "requests/s, WSGI example, auto settings", "req/s"),
        ("rps.wsgi.tuned", "requests/s, WSGI example, best hand-tuned", "req/s"),
        ("rps.wsgi.runserver", "requests/s, WSGI example, Django runserver", "req/s"),
        ("rps.wsgi.granian", "requests/s, WSGI example, granian, auto settings", "req/s"),
        ("rps.django.ours", "requests/s, Django example, defaults", "req/s"),
        ("rps.django.original", "requests/s, Django example, defaults", "req/s"),
    ]


def pairs(processes: int, threads: int) -> str:
    return f"{processes} process{'es' if processes != 1 else ''} x {threads} threads"


def loaded(bench: Bench, server: Server, figure: Figure, seconds: int | None = None) -> float:
    """Start the server, put it under load, stop it; the requests/s go into `figure`."""
    settings = bench.plan.load
    if seconds is not None:
        settings = load.LoadSettings(
            seconds, settings.connections, settings.threads, settings.warmup_seconds
        )
    try:
        server.start()
        server.first_200()
        result = load.measure(server.port, settings)
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


def runserver(bench: Bench, src: Path) -> Server:
    """Django's development server (`django-admin runserver`, threaded, without the
    autoreloader) in the Django example's environment, serving examples/wsgi."""
    settings_dir = bench.work / "runserver"
    settings_dir.mkdir(exist_ok=True)
    (settings_dir / "bench_runserver_settings.py").write_text(RUNSERVER_SETTINGS)
    python = str(bench.ours_main_root / "bin" / "python")
    port = free_port()
    argv = [python, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"]
    argv += ["--settings", "bench_runserver_settings"]
    env = {**bench.ours.environ, "PYTHONPATH": f"{settings_dir}:{src}"}
    return Server(argv, env, port, bench.logs / "runserver.log", cwd=src)


def measure(bench: Bench) -> None:
    results, plan, ours = bench.results, bench.plan, bench.ours
    fig = {id: results.figure(id, title, unit) for id, title, unit in figures(bench)}

    bench.step("Building the WSGI example with the auto server")
    src = ours.source("wsgi")
    home = ours.home("wsgi")
    ours.activate(home, src, "wsgi.log")
    ours.build(home, src, "wsgi.log")
    launch = ours.info(home, src)["launch"]
    server, sizing = launch["server"], launch["sizing"]
    auto = f"{server}, {pairs(sizing['processes'], sizing['threads'])}"
    fig["rps.wsgi.auto"].extra.update(server=server, sizing=sizing)
    fig["rps.wsgi.auto"].notes.append(f"auto: {auto} ({sizing['source']})")

    def tuned(processes: int, threads: int, log: str) -> Server:
        env = {"WEB_CONCURRENCY": str(processes), "WARPDRIVE_THREADS": str(threads)}
        return ours.server(home, src, log, **env)

    grid = []
    for processes, threads in plan.grid:
        bench.step(f"Hand-tuning {server}: {pairs(processes, threads)}")
        figure = results.figure(
            f"rps.wsgi.grid.p{processes}t{threads}",
            f"requests/s, WSGI example, {server} {processes} x {threads}, grid (one run)",
            "req/s",
        )
        figure.extra.update(processes=processes, threads=threads)
        loaded(bench, tuned(processes, threads, "wsgi-grid.log"), figure, plan.grid_seconds)
        grid.append(figure)
    # The pairs a person tuning by hand would keep: the fastest without errors. One
    # short run each is noisy, so the first few are measured again with the others.
    clean = [f for f in grid if f.extra.get("errors", 0) == 0]
    ranked = sorted(clean or grid, key=lambda f: f.values[0], reverse=True)
    candidates = []
    for f in ranked[: plan.candidates]:
        processes, threads = f.extra["processes"], f.extra["threads"]
        figure = results.figure(
            f"rps.wsgi.tuned.p{processes}t{threads}",
            f"requests/s, WSGI example, {server} {processes} x {threads}, re-measured",
            "req/s",
        )
        figure.extra.update(server=server, processes=processes, threads=threads)
        candidates.append(figure)

    jobs = [(fig["rps.wsgi.auto"], lambda: ours.server(home, src, "wsgi-auto.log"))]
    for figure in candidates:
        p, t = figure.extra["processes"], figure.extra["threads"]
        jobs.append((figure, lambda p=p, t=t: tuned(p, t, "wsgi-tuned.log")))
    jobs.append((fig["rps.wsgi.runserver"], lambda: runserver(bench, src)))
    bench.step("Building the WSGI example for granian")
    granian_src, granian_home = ours.source("wsgi", "wsgi-granian"), ours.home("wsgi-granian")
    ours.activate(granian_home, granian_src, "wsgi-granian.log")
    ours.build(granian_home, granian_src, "wsgi-granian.log", server="granian")
    jobs.append(
        (
            fig["rps.wsgi.granian"],
            lambda: ours.server(granian_home, granian_src, "wsgi-granian.log", "granian"),
        )
    )
    jobs.append(
        (
            fig["rps.django.ours"],
            lambda: ours.server(bench.ours_main_home, bench.ours_django, "django-auto.log"),
        )
    )
    if bench.original:
        original = bench.original
        jobs.append(
            (fig["rps.django.original"], lambda: original.server("serve", "original-load.log"))
        )
    for i in range(plan.load_runs):
        bench.step(f"Throughput, repetition {i + 1} of {plan.load_runs}")
        # Each repetition starts with a different one: none always meets a warmer machine.
        shift = i % len(jobs)
        for figure, make in jobs[shift:] + jobs[:shift]:
            loaded(bench, make(), figure)

    best = max(candidates, key=lambda f: f.median)
    result = fig["rps.wsgi.tuned"]
    result.values = list(best.values)
    result.extra = dict(best.extra)
    result.notes.append(
        f"{server}, {pairs(best.extra['processes'], best.extra['threads'])}:"
        f" the best of the grid's {len(candidates)} fastest, measured again"
        + ("" if clean else " (every pair of the grid had errors)")
    )


def run(bench: Bench) -> None:
    if not bench.original:
        originals = [f for f in figures(bench) if f[0].endswith(".original")]
        bench.results.skip_unmeasured(originals, bench.original_skipped)
    try:
        measure(bench)
    except BenchError as exc:
        bench.results.notes.append(f"Throughput measurements ended early: {exc}")
        bench.results.skip_unmeasured(figures(bench), f"failed: {exc}")
