"""Run the benchmarks: `python -m benchmarks.run` (every figure, `make bench`) or
`python -m benchmarks.run --quick` (a subset, `make bench-quick`).

Writes results.json and results.md: by default benchmarks/results.* for a full run and
benchmarks/work/results-quick.* for a quick one, so a quick run never replaces the
full results. Exit status 2, before anything is measured, when wrk, the Docker engine
(a full run) or the user the original runs as is missing; 1 when a figure the plan
asked for could not be measured."""

from __future__ import annotations

import argparse
import dataclasses
import fcntl
import json
import os
import pwd
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import asgi, builds, images, judge, load, machine, report, serving, throughput
from benchmarks.context import FULL, QUICK, Bench, is_root
from benchmarks.original import Original
from benchmarks.ours import ROOT, Ours
from benchmarks.procs import BenchError, clean_environ
from benchmarks.results import Results

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = HERE / "work"  # git-ignored
ORIGINAL_USER = "wdtest"  # the ordinary user CI creates (.ci/run)
PARTS = ("builds", "serving", "throughput", "asgi", "images")
# mod_wsgi makes its daemon's Unix socket inside the app root (WORK/ours/main/...), and
# a socket path holds 107 bytes at most: past that, every request gets 503.
SOCKET_UNDER_WORK = "/ours/main/warpdrive+django/tmp/mod_wsgi-65535/wsgi.4194304.u65534.99.sock"
SOCKET_PATH_MAX = 107


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a subset, fewer and shorter runs")
    parser.add_argument("--output-dir", type=Path, help="where results.{json,md} go")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=DEFAULT_WORK,
        help="sources, environments and caches (kept between runs: caches stay warm); "
        f"every user the servers run as must be able to read it (default {DEFAULT_WORK})",
    )
    parser.add_argument(
        "--python",
        default="/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable,
        help="interpreter of the app environments, readable by every user (default: %(default)s)",
    )
    parser.add_argument(
        "--user",
        default=ORIGINAL_USER,
        help="as root, the ordinary user the original warpdrive runs as (default %(default)s)",
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="measure nothing: judge the figures of a saved results.json again and rewrite it"
        " and its .md beside it",
    )
    parser.add_argument(
        "--skip", action="append", default=[], choices=[*PARTS, "original"], help="leave out a part"
    )
    return parser.parse_args(argv)


def missing_tools(args, plan) -> list[tuple[str, str]]:
    """(what is missing, how to get it) for each thing the parts of this run need and
    the machine lacks: the run stops rather than leave their figures unmeasured."""
    missing = []
    loads = [part for part in ("throughput", "asgi") if part not in args.skip]
    if loads and load.wrk_path() is None:
        skips = " ".join(f"--skip {part}" for part in loads)
        missing.append(("wrk is not installed", f"apt-get install wrk, or pass {skips}"))
    if plan.images and "images" not in args.skip:
        client, why = images.engine()
        if client is None:
            # A full run meant for the committed results would else say "not measured"
            # for every image figure after most of an hour.
            missing.append((why, "start the Docker engine (dockerd), or pass --skip images"))
    if plan.original and "original" not in args.skip and is_root():
        try:
            pwd.getpwnam(args.user)
        except KeyError:
            missing.append(
                (
                    f"user {args.user}, whom the original warpdrive runs as, does not exist",
                    f"useradd --create-home {args.user}, or pass --user NAME or --skip original",
                )
            )
    return missing


def original_for(args, plan, work: Path, logs: Path, environ) -> tuple[Original | None, str]:
    if not plan.original:
        return None, "not run in quick mode"
    if "original" in args.skip:
        return None, "left out (--skip original)"
    user = args.user if is_root() else None
    return Original(work / "original", args.python, environ, logs, user), ""


def setup(bench: Bench) -> None:
    """Sources, and the Django example built once with the auto server: activate and
    start use it. The original's environment for start and load is built here too."""
    bench.step(f"Work directory {bench.work}")
    ours = bench.ours
    bench.ours_django = ours.source("django")
    bench.ours_main_home = ours.home("main")
    bench.step("Building the Django example with the auto server (fills the caches)")
    ours.activate(bench.ours_main_home, bench.ours_django, "main.log")
    ours.build(bench.ours_main_home, bench.ours_django, "main.log")
    info = ours.info(bench.ours_main_home, bench.ours_django)
    bench.ours_main_root = Path(info["app_root"])
    bench.auto_server = info["launch"]["server"]
    if bench.original:
        bench.step("Installing the original warpdrive 0.34.0 and building the Django example")
        try:
            bench.original.install()
            bench.original.destroy("serve")
            bench.original.activate("serve", "original-serve.log")
            bench.original.build("serve", "original-serve.log")
        except BenchError as exc:
            bench.results.notes.append(f"The original warpdrive could not be set up: {exc}")
            bench.original_skipped = f"failed: {exc}"
            bench.original = None


def lock(work: Path):
    """One run per work directory at a time."""
    handle = (work / ".lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit(
            f"error: another benchmark run is using {work}\nhint: wait for it, or pass --work-dir"
        )
    return handle


PART_MODULES = (builds, serving, throughput, asgi, images)


def rejudge(path: Path) -> int:
    """Comparisons, targets and Markdown again from the figures of a results.json. A
    figure this harness has and the file lacks (the run was made before it existed) is
    listed as not measured, saying so."""
    data = json.loads(path.read_text(encoding="utf-8"))
    results = Results.from_dict(data)
    plan = QUICK if data["mode"] == "quick" else FULL
    shape = Bench(plan, Path(), Path(), Ours(Path(), "", {}, Path()), None, "")
    for module in PART_MODULES:
        missing = [f for f in module.figures(shape) if f[0] not in results.figures]
        results.skip_unmeasured(missing, "the run predates this figure")
    settings = data["settings"]
    versus = judge.judge(results, settings["auto_server"], tuple(settings["plan"]["servers"]))
    data.update(results.as_dict(), versus_original=versus)
    for written in report.write(data, path.parent, path.stem):
        print(f"-----> Wrote {written}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_json:
        return rejudge(args.from_json)
    plan = QUICK if args.quick else FULL
    missing = missing_tools(args, plan)
    for what, how in missing:
        print(f"error: {what}\nhint: {how}", file=sys.stderr)
    if missing:
        return 2
    out_dir = args.output_dir or (HERE / "work" if args.quick else HERE)
    name = "results-quick" if args.quick else "results"
    work = args.work_dir.resolve()
    room = SOCKET_PATH_MAX - len(SOCKET_UNDER_WORK)
    if len(str(work)) > room:
        print(
            f"error: the work directory's path is too long for mod_wsgi: {work}"
            f" ({len(str(work))} characters; its daemon socket goes {len(SOCKET_UNDER_WORK)}"
            f" deeper, and a socket path holds {SOCKET_PATH_MAX} at most)\n"
            f"hint: pass a --work-dir of at most {room} characters",
            file=sys.stderr,
        )
        return 2
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)  # the servers' users read the apps and environments in it
    closed = next((p for p in work.parents if not os.stat(p).st_mode & 0o001), None)
    if closed is not None:
        print(
            f"error: other users cannot reach {work}: {closed} is not searchable by them\n"
            "hint: pass --work-dir with a directory they can reach (under /tmp, say)",
            file=sys.stderr,
        )
        return 2
    held = lock(work)
    logs = work / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()

    environ = clean_environ()
    original, why = original_for(args, plan, work, logs, environ)
    ours = Ours(work / "ours", args.python, environ, logs)
    bench = Bench(plan, work, logs, ours, original, why)
    began = time.monotonic()
    load_at_start = machine.load_average()
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    skip = set(args.skip)
    try:
        setup(bench)
    except BenchError as exc:
        print(f"error: the Django example could not be built: {exc}", file=sys.stderr)
        return 1
    # Read before the measurements: a part may change what is there (an engine restart).
    original = bench.original
    me = pwd.getpwuid(os.geteuid()).pw_name
    about = {
        "machine": machine.machine(),
        "versions": machine.versions(ours.version(), args.python, original and original.venv),
        "run_as": {"ours": me, "original": (original.user or me) if original else None},
    }
    parts = {
        "builds": (builds, builds.run),
        "serving": (serving, serving.run),
        "throughput": (throughput, throughput.run),
        "asgi": (asgi, asgi.run),
        "images": (images, images.run_all if plan.images else None),
    }
    for part, (module, measure) in parts.items():
        if part in skip:
            reason = f"left out (--skip {part})"
        elif measure is None:
            reason = f"not run in {plan.name} mode"
        else:
            measure(bench)
            continue
        bench.results.skip_unmeasured(module.figures(bench), reason)
    versus = judge.judge(bench.results, bench.auto_server, plan.servers)

    data = {
        "mode": plan.name,
        "date": date,
        "elapsed_seconds": round(time.monotonic() - began, 1),
        "machine": {
            **about["machine"],
            "load_average": {"start": load_at_start, "end": machine.load_average()},
        },
        "versions": about["versions"],
        "settings": {
            "plan": dataclasses.asdict(plan),
            "auto_server": bench.auto_server,
            "cpus_under_load": dataclasses.asdict(bench.cpus) if bench.cpus else None,
            "run_as": about["run_as"],
            "work_dir": str(work),
            "checkout": str(ROOT),
        },
        **bench.results.as_dict(),
        "versus_original": versus,
    }
    json_path, md_path = report.write(data, out_dir, name)
    held.close()
    bench.step(f"Wrote {md_path} and {json_path}")
    failed = [
        f.id for f in bench.results.figures.values() if (f.skipped or "").startswith("failed")
    ]
    if failed:
        print(f"error: not measured because a step failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
