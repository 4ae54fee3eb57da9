"""Activation and builds of the Django example: ours with uv and with pip, and the
original warpdrive, repetition by repetition in turn, so a drift of the machine's
speed hits every side alike."""

from __future__ import annotations

import os
import shutil

from benchmarks.context import Bench
from benchmarks.procs import BenchError

OURS_FIGURES = [
    ("activate.existing.ours", "activate an existing env", "s"),
    ("activate.new.ours", "activate a new env", "s"),
    ("build.cold.uv", "cold build, Django example, uv", "s"),
    ("build.cold.pip", "cold build, Django example, pip (WARPDRIVE_UV=none)", "s"),
    ("build.noop.ours", "no-op rebuild, Django example", "s"),
]
ORIGINAL_FIGURES = [
    ("activate.existing.original", "activate an existing env", "s"),
    ("activate.new.original", "activate a new env", "s"),
    ("build.cold.original", "cold build, Django example", "s"),
    ("build.noop.original", "no-op rebuild, Django example", "s"),
]


def figures(bench: Bench) -> list[tuple[str, str, str]]:
    return OURS_FIGURES + ORIGINAL_FIGURES


def settled() -> None:
    """Write out what earlier steps left in the page cache before a timed step starts.
    Removing an environment and building one leave thousands of files and directories
    to write back; on a slow disk that writeback otherwise lands in whichever timed build
    comes next (ours after the original's removal, the original's after ours), and
    cold builds grew by half from one repetition to the next."""
    os.sync()


def ours_cold(bench: Bench, label: str, uv: bool) -> tuple[float, float, float | None]:
    """A new environment made by activate, then `warpdrive build` twice: (activate,
    cold build, no-op rebuild) seconds; the rebuild only with uv."""
    extra = {} if uv else {"WARPDRIVE_UV": "none"}
    home = bench.ours.home(f"cold-{label}")
    src = bench.ours_django
    try:
        settled()
        activate = bench.ours.activate(home, src, f"cold-{label}.log", **extra)
        settled()
        cold = bench.ours.build(home, src, f"cold-{label}.log", **extra)
        settled()
        noop = bench.ours.build(home, src, f"cold-{label}.log", **extra) if uv else None
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return activate, cold, noop


def original_cold(bench: Bench, label: str) -> tuple[float, float, float]:
    name = f"cold-{label}"
    original = bench.original
    original.destroy(name)
    try:
        settled()
        activate = original.activate(name, f"original-cold-{label}.log")
        settled()
        cold = original.build(name, f"original-cold-{label}.log")
        settled()
        noop = original.build(name, f"original-cold-{label}.log")
    finally:
        original.destroy(name)
    return activate, cold, noop


def measure(bench: Bench) -> None:
    results, plan = bench.results, bench.plan
    fig = {id: results.figure(id, title, unit) for id, title, unit in OURS_FIGURES}
    if bench.original:
        fig.update({id: results.figure(id, title, unit) for id, title, unit in ORIGINAL_FIGURES})

    # uv's cache and the original's pip cache were filled by the builds of setup; pip's
    # cache on our side is filled once per work directory, by a build not counted.
    marker = bench.ours.work / "cache" / ".pip-filled"
    if plan.warmup and not marker.exists():
        bench.step("Filling pip's cache: one pip build, not counted")
        ours_cold(bench, "warmup-pip", uv=False)
        marker.touch()

    for i in range(plan.build_runs):
        bench.step(f"Cold and no-op builds, repetition {i + 1} of {plan.build_runs}")
        activate, cold, noop = ours_cold(bench, f"uv-{i}", uv=True)
        fig["activate.new.ours"].values.append(activate)
        fig["build.cold.uv"].values.append(cold)
        fig["build.noop.ours"].values.append(noop)
        fig["build.cold.pip"].values.append(ours_cold(bench, f"pip-{i}", uv=False)[1])
        if bench.original:
            activate, cold, noop = original_cold(bench, str(i))
            fig["activate.new.original"].values.append(activate)
            fig["build.cold.original"].values.append(cold)
            fig["build.noop.original"].values.append(noop)

    bench.step(f"Activating an existing env, {plan.activate_runs} times each")
    home, src = bench.ours_main_home, bench.ours_django
    if bench.original:
        bench.original.destroy("existing")
        bench.original.activate("existing", "original-existing.log")  # creates it
    for _ in range(plan.activate_runs):
        fig["activate.existing.ours"].values.append(
            bench.ours.activate(home, src, "activate-existing.log", new=False)
        )
        if bench.original:
            fig["activate.existing.original"].values.append(
                bench.original.activate("existing", "original-existing.log")
            )


def run(bench: Bench) -> None:
    if not bench.original:
        bench.results.skip_unmeasured(ORIGINAL_FIGURES, bench.original_skipped)
    try:
        measure(bench)
    except BenchError as exc:
        bench.results.notes.append(f"Activation and build measurements ended early: {exc}")
        bench.results.skip_unmeasured(figures(bench), f"failed: {exc}")
