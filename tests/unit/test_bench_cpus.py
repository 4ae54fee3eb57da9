"""The benchmark harness keeps wrk and a server under load on CPUs apart: a process it
pins runs on those CPUs only, and warpdrive's sizing sees just them; the harness's own
thread that copies the server's log runs where it is told, off the server's CPUs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from benchmarks.procs import CpuSplit, Server, cpu_split, pinned

SHOW = (
    "import os; from warpdrive.serve.sizing import read_limits;"
    " print(sorted(os.sched_getaffinity(0))); print(read_limits().cpu_source)"
)


def test_wrk_takes_the_first_cpu_and_the_server_the_others():
    assert cpu_split({5, 1, 3}) == CpuSplit(load=(1,), server=(3, 5))
    assert cpu_split({2}) is None  # one CPU: both must share it
    assert cpu_split({0, 1}).describe() == "wrk on CPU 0, the server under load on CPU 1"
    assert pinned(["wrk"], ()) == ["wrk"]


def test_a_pinned_process_runs_on_its_cpus_and_sizes_from_them():
    cpus = tuple(sorted(os.sched_getaffinity(0))[-1:])
    argv = pinned([sys.executable, "-c", SHOW], cpus)
    shown = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.splitlines()
    assert shown[0] == str(list(cpus))
    # The first source sizing would give, unless a cgroup quota is lower still.
    assert shown[1].startswith(("1 CPU available", "cgroup")), shown


def test_the_log_copying_thread_runs_on_its_own_cpus(tmp_path):
    # Linux takes a thread's id where sched_getaffinity asks for a process's.
    everywhere = os.sched_getaffinity(threading.get_native_id())
    cpu = sorted(os.sched_getaffinity(0))[-1]
    log = tmp_path / "server.log"
    argv = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(30)"]
    server = Server(argv, dict(os.environ), 0, log, copy_cpus=(cpu,))
    server.start()
    try:
        (copier,) = [t for t in threading.enumerate() if t.name == f"copy {log.name}"]
        deadline = time.monotonic() + 20  # it pins itself first thing, once running
        while os.sched_getaffinity(copier.native_id) != {cpu}:
            assert time.monotonic() < deadline, os.sched_getaffinity(copier.native_id)
            time.sleep(0.05)
        # The caller is not pinned.
        assert os.sched_getaffinity(threading.get_native_id()) == everywhere
    finally:
        server.process.kill()
        server.process.wait()
