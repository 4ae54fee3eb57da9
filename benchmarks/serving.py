"""Start to first 200 and exit after SIGTERM, Django example: `warpdrive start` under
each server, and the original's `warpdrive start` at its defaults.

The clock starts when the start command is spawned and stops when GET / answers 200.
The server then sits idle for a moment; SIGTERM goes to the process that was spawned
(after the exec chain, the server itself) and the clock runs until it exits."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks.context import Bench
from benchmarks.procs import BenchError, Server, free_port


def start_id(server: str) -> str:
    return f"start.{server}"


def stop_id(server: str) -> str:
    return f"stop.{server}"


def figures(bench: Bench) -> list[tuple[str, str, str]]:
    ids = []
    for server in bench.plan.servers:
        ids.append((start_id(server), f"start to first 200, {server}", "s"))
        ids.append((stop_id(server), f"exit after SIGTERM when idle, {server}", "s"))
    ids.append((start_id("original"), "start to first 200", "s"))
    ids.append((stop_id("original"), "exit after SIGTERM when idle", "s"))
    return ids


def cycle(bench: Bench, server: Server, key: str) -> None:
    """Start, first 200, idle, SIGTERM, exit: one value for each figure of `key`."""
    results = bench.results
    try:
        server.start()
        results.figures[start_id(key)].values.append(server.first_200())
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
            cycle(bench, started, server)
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
