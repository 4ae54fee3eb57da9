"""Start to first 200 and exit after SIGTERM, Django example: `warpdrive start` under
each server, and the original's `warpdrive start` at its defaults.

The clock starts when the start command is spawned and stops when GET / answers 200.
The server then sits idle for a moment; SIGTERM goes to the process that was spawned
(after the exec chain, the server itself) and the clock runs until it exits.

Where ours spends the time, per server: warpdrive's own part, until it execs the
server (its process start, reading the build, the plan, the migrate check, the port
check, the server's preparation, the run user's checks); of that, the plan alone
(`warpdrive start --dry-run`, a separate run); and the server's part, from the exec
until the first 200 (its own start-up and loading the app)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks import procs
from benchmarks.context import Bench
from benchmarks.ours import WARPDRIVE
from benchmarks.procs import BenchError, Server, free_port


def start_id(server: str) -> str:
    return f"start.{server}"


def stop_id(server: str) -> str:
    return f"stop.{server}"


# The parts of ours' start to first 200: (figure id suffix, title).
PARTS = (
    ("warpdrive", "warpdrive's part (spawn to the exec of the server)"),
    ("plan", "of which the plan (`start --dry-run`, run on its own)"),
    ("server", "the server's part (exec to first 200)"),
)


def part_id(server: str, part: str) -> str:
    return f"start.{server}.{part}"


def figures(bench: Bench) -> list[tuple[str, str, str]]:
    ids = []
    for server in bench.plan.servers:
        ids.append((start_id(server), f"start to first 200, {server}", "s"))
        for part, title in PARTS:
            ids.append((part_id(server, part), f"start to first 200, {server}: {title}", "s"))
        ids.append((stop_id(server), f"exit after SIGTERM when idle, {server}", "s"))
    ids.append((start_id("original"), "start to first 200", "s"))
    ids.append((stop_id("original"), "exit after SIGTERM when idle", "s"))
    return ids


def cycle(bench: Bench, server: Server, key: str, parts: bool = False) -> None:
    """Start, first 200, idle, SIGTERM, exit: one value for each figure of `key`; with
    `parts`, the time until the exec and after it too."""
    results = bench.results
    try:
        server.start()
        execed = server.until_exec() if parts else None
        first = server.first_200()
        results.figures[start_id(key)].values.append(first)
        if execed is not None:
            results.figures[part_id(key, "warpdrive")].values.append(execed)
            results.figures[part_id(key, "server")].values.append(first - execed)
        time.sleep(bench.plan.idle_seconds)
    except BenchError:
        server.stop(timeout=5)
        raise
    if server.process.poll() is not None:
        raise BenchError(f"{key} exited by itself while idle (log: {server.log})")
    took = server.stop()
    stop = results.figures[stop_id(key)]
    if took is None:
        stop.notes.append("did not exit within 30 s of SIGTERM: killed")
        took = 30.0
    stop.values.append(took)


def homes(bench: Bench) -> dict[str, Path]:
    """An environment of the Django example per server; the auto build's for its server."""
    built = {bench.auto_server: bench.ours_main_home}
    for server in bench.plan.servers:
        if server in built:
            continue
        if server == "mod_wsgi" and not shutil.which("apxs"):
            bench.results.skip(
                start_id(server), "", "Apache development files (apxs) are not installed"
            )
            bench.results.skip(stop_id(server), "", "Apache development files are not installed")
            for part, _ in PARTS:
                bench.results.skip(
                    part_id(server, part), "", "Apache development files are not installed"
                )
            continue
        bench.step(f"Building the Django example for {server}")
        home = bench.ours.home(f"serve-{server}")
        bench.ours.activate(home, bench.ours_django, f"serve-{server}.log")
        bench.ours.build(home, bench.ours_django, f"serve-{server}.log", server=server)
        built[server] = home
    return built


def measure(bench: Bench) -> None:
    for id, title, unit in figures(bench):
        bench.results.figure(id, title, unit)
    envs = homes(bench)
    # Each side keeps its port from one repetition to the next, as an app restarted on
    # its platform does (PORT stays the same).
    ports = {key: free_port() for key in [*envs, "original"]}
    for i in range(bench.plan.start_runs):
        bench.step(f"Start and stop, repetition {i + 1} of {bench.plan.start_runs}")
        for server, home in envs.items():
            log = f"start-{server}.log"
            started = bench.ours.server(home, bench.ours_django, log, server, ports[server])
            cycle(bench, started, server, parts=True)
            argv = [WARPDRIVE, "start", str(bench.ours_django), "--server", server, "--dry-run"]
            argv += ["--port", str(ports[server])]
            took = procs.run(argv, bench.ours.env(home), bench.logs / log, cwd=bench.ours_django)
            bench.results.figures[part_id(server, "plan")].values.append(took)
        if bench.original:
            started = bench.original.server("serve", "original-start.log", ports["original"])
            cycle(bench, started, "original")


def run(bench: Bench) -> None:
    if not bench.original:
        originals = [f for f in figures(bench) if f[0].endswith(".original")]
        bench.results.skip_unmeasured(originals, bench.original_skipped)
    try:
        measure(bench)
    except BenchError as exc:
        bench.results.notes.append(f"Start and stop measurements ended early: {exc}")
        bench.results.skip_unmeasured(figures(bench), f"failed: {exc}")
