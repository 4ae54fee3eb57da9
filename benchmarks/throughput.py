"""Requests per second under wrk, on loopback.

WSGI example (examples/wsgi), built for each WSGI server in turn: `warpdrive start
--server S` with its auto settings (processes and threads from the CPUs and memory)
against the same server hand-tuned over the plan's grid for it (tuning.py); and
Django's development server serving the same WSGI callable. Each runs on CPUs apart
from wrk's (tuning.apart).

Django example: ours at its auto settings against the original warpdrive at its
defaults (mod_wsgi, 1 process of 5 threads), twice: sharing every CPU with wrk, as
each would run on the machine, and on the CPUs apart from wrk's."""

from __future__ import annotations

from pathlib import Path

from benchmarks import tuning
from benchmarks.context import WSGI_SERVERS, Bench
from benchmarks.procs import BenchError, Server, free_port

RUNSERVER_SETTINGS = """\
# Django settings that make `runserver` serve examples/wsgi's WSGI callable, so the
# development server is compared on exactly the app the production servers run.
SECRET_KEY = "benchmark-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = []
WSGI_APPLICATION = "wsgi.application"
"""


APART = "server on CPUs apart from wrk's"


def figures(bench: Bench) -> list[tuple[str, str, str]]:
    return [
        *tuning.figures("wsgi", WSGI_SERVERS, "WSGI example"),
        ("rps.wsgi.runserver", "requests/s, WSGI example, Django runserver", "req/s"),
        ("rps.django.ours", "requests/s, Django example, defaults", "req/s"),
        ("rps.django.original", "requests/s, Django example, defaults", "req/s"),
        ("rps.django-apart.ours", f"requests/s, Django example, defaults, {APART}", "req/s"),
        ("rps.django-apart.original", f"requests/s, Django example, defaults, {APART}", "req/s"),
    ]


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

    tunings = [tuning.tune(bench, "wsgi", s, grid) for s, grid in plan.wsgi_grids.items()]
    groups = [found.jobs for found in tunings]
    src = ours.source("wsgi", "wsgi-runserver")

    def django_ours() -> Server:
        return ours.server(bench.ours_main_home, bench.ours_django, "django-auto.log")

    others = [
        (fig["rps.wsgi.runserver"], lambda: tuning.apart(bench, runserver(bench, src))),
        (fig["rps.django.ours"], django_ours),
        (fig["rps.django-apart.ours"], lambda: tuning.apart(bench, django_ours())),
    ]
    if bench.original:
        original = bench.original

        def django_original() -> Server:
            return original.server("serve", "original-load.log")

        others.append((fig["rps.django.original"], django_original))
        others.append(
            (fig["rps.django-apart.original"], lambda: tuning.apart(bench, django_original()))
        )
    tuning.repeat(bench, groups, "Throughput, auto and hand-tuned", plan.tuning_runs)
    tuning.repeat(bench, [others], "Throughput, Django example and runserver", plan.load_runs)
    for found in tunings:
        tuning.settle(found)
    tuning.waiting(bench, tunings)


def run(bench: Bench) -> None:
    if not bench.original:
        originals = [f for f in figures(bench) if f[0].endswith(".original")]
        bench.results.skip_unmeasured(originals, bench.original_skipped)
    try:
        measure(bench)
    except BenchError as exc:
        bench.results.notes.append(f"Throughput measurements ended early: {exc}")
        bench.results.skip_unmeasured(figures(bench), f"failed: {exc}")
