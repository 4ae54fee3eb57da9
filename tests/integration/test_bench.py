"""`make bench-quick` runs the benchmark harness end to end (real builds, real servers,
real wrk runs), so that the benchmark code cannot rot. It checks that the results are
complete and well-formed; it asserts no time: performance targets are judged in the
results themselves (benchmarks/results.md), never by a test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from benchmarks.context import ASGI_SERVERS, WSGI_SERVERS
from tests.clean_error import assert_clean_error
from tests.support import ROOT, require_tool
from tests.support.cli import Result, run_command

UNITS = {"s", "req/s", "MB"}
# What the quick subset measures (benchmarks/README.md): none of it may be missing.
# A start to first 200 and its parts: warpdrive's until the exec, the plan, the server's.
PARTS = ("", ".warpdrive", ".plan", ".server")
QUICK_FIGURES = [
    "activate.existing.ours",
    "activate.new.ours",
    "build.cold.uv",
    "build.cold.pip",
    "build.noop.ours",
    *(f"start.{s}{part}" for s in ("mod_wsgi", "gunicorn") for part in PARTS),
    "stop.mod_wsgi",
    "stop.gunicorn",
    "rps.wsgi.runserver",
    "rps.django.ours",
    "rps.django-apart.ours",
    *(f"rps.wsgi.{f}.{s}" for s in WSGI_SERVERS for f in ("auto", "tuned")),
    *(f"rps.asgi.{f}.{s}" for s in ASGI_SERVERS for f in ("auto", "tuned")),
]
# Left to the full run.
FULL_ONLY = ["build.cold.original", "start.original", "s2i.incremental", "size.app"]
TARGETS = {"activate", "noop", "cold", "start", "rps-defaults", "stop", "s2i", "s2i-standard"}
TARGETS |= {f"rps-wsgi-{s}" for s in WSGI_SERVERS} | {f"rps-asgi-{s}" for s in ASGI_SERVERS}
TARGETS |= {"size-builder", "size-two-stage-django", "size-two-stage-wsgi"}


@pytest.fixture
def work():
    """World-readable, since mod_wsgi runs the apps as www-data (pytest's temp dirs are
    private), and short: mod_wsgi's daemon socket goes deep inside it."""
    path = Path(tempfile.mkdtemp(prefix="wdbench-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def check_well_formed(data: dict, mode: str) -> dict[str, dict]:
    """The structure results.json promises; returns the figures by id."""
    assert data["mode"] == mode
    assert data["date"].endswith("UTC")
    assert data["machine"]["cpus"] >= 1 and data["machine"]["os"]
    averages = data["machine"]["load_average"]
    for when in ("start", "end"):
        assert len(averages[when]) == 3 and all(x >= 0 for x in averages[when]), averages
    for key in ("warpdrive", "app_python", "wrk", "servers"):
        assert data["versions"][key], key
    figures = {f["id"]: f for f in data["figures"]}
    assert len(figures) == len(data["figures"]), "figure ids are unique"
    for f in figures.values():
        assert f["title"] and f["unit"] in UNITS, f
        if f["skipped"]:
            assert not f.get("median"), f
            continue
        values = f["values"]
        assert f["n"] == len(values) >= 1, f
        # A throughput run may serve nothing (it is then counted as an error), a time not.
        least = 0 if f["unit"] == "req/s" else 1e-9
        assert all(isinstance(v, float) and v >= least for v in values), f
        assert f["min"] <= f["median"] <= f["max"], f
        assert (f["min"], f["max"]) == (min(values), max(values)), f
        if f["unit"] == "req/s":
            runs = f["extra"]["runs"]
            assert [r["requests_per_second"] for r in runs] == values
            stalled = sum(r["requests"] == 0 for r in runs)
            assert f["extra"]["errors"] >= stalled + sum(r["non_2xx"] for r in runs), f
            assert set(runs[0]["socket_errors"]) == {"connect", "read", "write", "timeout"}
    for c in data["comparisons"]:
        assert c["a"] in figures and c["b"] in figures, c
        if figures[c["a"]].get("median") and figures[c["b"]].get("median"):
            assert c["ratio"] == pytest.approx(
                figures[c["a"]]["median"] / figures[c["b"]]["median"]
            )
    assert {t["id"] for t in data["targets"]} == TARGETS
    for t in data["targets"]:
        assert t["met"] in (True, False, None) and t["goal"] and t["measured"], t
    for row in data["versus_original"]:
        assert row["ours"] in figures and row["original"] in figures, row
    return figures


def check_markdown(text: str, data: dict) -> None:
    assert text.startswith("# warpdrive benchmarks\n")
    for row in ("| date |", "| machine |", "| machine load |", "| warpdrive |", "| load |"):
        assert row in text
    for section in ("## Targets", "## warpdrive and the original", "## Every figure"):
        assert section in text
    for f in data["figures"]:
        assert f"| {f['title']}" in text, f["title"]
    for t in data["targets"]:
        assert f"| {t['title']} | {t['goal']} | {t['measured']} |" in text


@pytest.mark.slow
def test_bench_quick_writes_complete_well_formed_results(work):
    require_tool("wrk")
    require_tool("apxs")  # the quick subset includes mod_wsgi, the auto server
    full = ROOT / "benchmarks" / "results.json"
    full_before = full.read_bytes() if full.exists() else None
    out = work / "out"
    args = f"--work-dir {work / 'work'} --output-dir {out}"
    proc = subprocess.run(
        ["make", "--no-print-directory", "bench-quick", f"BENCH_ARGS={args}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    results = out / "results-quick.json"
    data = json.loads(results.read_text()) if results.exists() else {"figures": []}
    failed = [f"{f['id']}: {f['skipped']}" for f in data["figures"] if f["skipped"]]
    assert proc.returncode == 0, proc.stderr[-3000:] + "\n".join(failed)[-5000:]

    figures = check_well_formed(data, "quick")
    split = data["settings"]["cpus_under_load"]
    if data["machine"]["cpus"] > 1:
        assert split["load"] and split["server"] and not set(split["load"]) & set(split["server"])
    for id in QUICK_FIGURES:
        assert figures[id]["skipped"] is None and figures[id]["n"] >= 1, figures[id]
    for id in FULL_ONLY:
        assert "quick" in figures[id]["skipped"], figures[id]
    for kind, servers in (("wsgi", WSGI_SERVERS), ("asgi", ASGI_SERVERS)):
        for server in servers:
            auto, tuned = (
                figures[f"rps.{kind}.auto.{server}"],
                figures[f"rps.{kind}.tuned.{server}"],
            )
            assert auto["extra"]["server"] == tuned["extra"]["server"] == server
            assert auto["extra"]["sizing"]["processes"] >= 1 and tuned["extra"]["processes"] >= 1
            # Under load the server runs on the CPUs apart from wrk's, and auto sizes
            # from those (unless a cgroup quota or memory limit sets fewer).
            source, cpus = auto["extra"]["sizing"]["source"], len(split["server"] if split else ())
            if split and "available" in source:
                assert f"from {cpus} CPU{'s' if cpus > 1 else ''} available" in source, source
    for server in ("mod_wsgi", "gunicorn"):
        # The two parts of each start add up to it; the plan was measured too.
        whole, before, after = (
            figures[f"start.{server}{p}"]["values"] for p in PARTS[:2] + PARTS[3:]
        )
        assert [b + a for b, a in zip(before, after, strict=True)] == pytest.approx(whole)
        assert figures[f"start.{server}.plan"]["median"] > 0 and min(after) > 0
    check_markdown((out / "results-quick.md").read_text(), data)

    # Judged again from the saved figures alone, the results come out the same.
    (out / "results-quick.md").unlink()
    again = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--from-json", str(out / "results-quick.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert json.loads((out / "results-quick.json").read_text()) == data
    check_markdown((out / "results-quick.md").read_text(), data)

    # A quick run never touches the full results.
    assert (full.read_bytes() if full.exists() else None) == full_before


def test_committed_full_results_are_well_formed():
    """benchmarks/results.json, as `make bench` wrote it, with its Markdown beside it."""
    full = ROOT / "benchmarks" / "results.json"
    if not full.exists():
        pytest.skip("no full results yet: run make bench")
    data = json.loads(full.read_text())
    figures = check_well_formed(data, "full")
    for id in (*QUICK_FIGURES, *FULL_ONLY):
        assert id in figures, id
    check_markdown((ROOT / "benchmarks" / "results.md").read_text(), data)


def run_bench(*args: str, path: str | None = None, **extra: str) -> Result:
    """The harness with ARGS (and EXTRA in its environment) and a work directory too
    long for it: should it get past its check of what it needs, it stops at once at the
    work directory's instead of measuring anything."""
    env = {**os.environ, "PATH": path or os.environ["PATH"], **extra}
    work = "/tmp/" + "w" * 60
    argv = [sys.executable, "-m", "benchmarks.run", *args, "--work-dir", work]
    return run_command(argv, env, ROOT, timeout=120)


def test_bench_without_wrk_stops_saying_how_to_get_it(tmp_path):
    empty = tmp_path / "bin"  # a PATH without wrk
    empty.mkdir()
    out = tmp_path / "out"
    proc = run_bench("--quick", "--output-dir", str(out), path=str(empty))
    assert_clean_error(
        proc.returncode, proc.stdout, proc.stderr, 2, "wrk is not installed", "apt-get install wrk"
    )
    assert not out.exists()


def test_bench_without_the_originals_user_stops_saying_how_to_get_it(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the original runs as another user only when the harness runs as root")
    out = tmp_path / "out"
    user = "wd-no-such-user"
    skips = ("--skip", "throughput", "--skip", "images")
    proc = run_bench("--user", user, *skips, "--output-dir", str(out))
    fix = f"useradd --create-home {user}"
    assert_clean_error(proc.returncode, proc.stdout, proc.stderr, 2, f"user {user}", fix)
    assert not out.exists()


def test_a_full_bench_without_a_docker_engine_stops_saying_how_to_start_one(tmp_path):
    """Its image figures would else be "not measured" after most of an hour."""
    out = tmp_path / "out"
    nowhere = f"unix://{tmp_path}/no-docker.sock"
    proc = run_bench("--skip", "original", "--output-dir", str(out), DOCKER_HOST=nowhere)
    fix = "start the Docker engine (dockerd), or pass --skip images"
    assert_clean_error(proc.returncode, proc.stdout, proc.stderr, 2, "no Docker engine", fix)
    assert not out.exists()
