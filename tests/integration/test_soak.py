"""Load on loopback: 100 connections against the WSGI and Django examples under each
server, sized automatically (no WEB_CONCURRENCY or thread settings), for SOAK_SECONDS
(20 s in CI; `make soak` runs 120 s).

Every answer must be a 2xx with the example's body (a 3xx counts as a failure too), with
no socket error of any kind (an answer slower than 10 s counts as a timeout). The
server's memory, the RSS of every process in its tree, may grow by less than 10% from
the second 10-s window to the last one. The first 10 s are warm-up (imports, caches,
Apache starting more children). When the run is too short for the second and last 10-s
windows to differ (CI's 20 s), the time after the warm-up is split in two halves
instead, so a steady leak still shows.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.integration.load import RssSampler, wrk
from tests.support.apps import BODIES, Apps, world_readable_dir
from tests.support.http import serving

SERVERS = ("mod_wsgi", "gunicorn", "waitress", "uwsgi")
SECONDS = int(os.environ.get("SOAK_SECONDS", "20"))
CONNECTIONS = 100
WARM_UP = 10
WINDOW = 10
MAX_GROWTH = 0.10


@pytest.fixture(scope="module")
def apps(shared_cache):
    with world_readable_dir("warpdrive-soak-") as base:
        yield Apps.as_root(base, shared_cache)


def windows(seconds: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """The baseline window (the second 10 s) and the last one, both as long as the
    soak allows after the warm-up."""
    width = min(WINDOW, (seconds - WARM_UP) / 2)
    return (WARM_UP, WARM_UP + width), (seconds - width, seconds)


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("kind", ["wsgi", "django"])
def test_soak(apps, kind, server):
    assert SECONDS >= 2 * WARM_UP, f"SOAK_SECONDS={SECONDS}: a soak needs at least 20 s"
    began = time.monotonic()
    src = apps.build(kind, server)
    built = time.monotonic() - began
    with serving(apps.env, src, server) as running:
        started = time.monotonic() - began - built
        with RssSampler(running.process.pid) as memory:
            result = wrk(f"http://127.0.0.1:{running.port}/", SECONDS, CONNECTIONS, BODIES[kind])
        assert running.process.poll() is None, running.log.read_text()[-3000:]
    (start, base_end), (last_start, end) = windows(SECONDS)
    baseline = memory.window_mean(start, base_end)
    final = memory.window_mean(last_start, end)
    growth = final / baseline - 1
    processes = max(count for _, _, count in memory.samples)
    print(
        f"\nsoak {kind} {server}: {result['responses']} responses in {SECONDS}s "
        f"({result.per_second:.0f}/s), p99 {result['latency_p99_us'] / 1000:.0f} ms, "
        f"max {result['latency_max_us'] / 1000:.0f} ms; RSS {baseline / 2**20:.1f} MiB "
        f"-> {final / 2**20:.1f} MiB ({growth:+.1%}) over {processes} processes; "
        f"build {built:.0f}s, start {started:.0f}s"
    )
    assert result["responses"] > 0, result.output
    assert result.socket_errors == 0, result.output
    assert result["not_2xx"] == 0, result.output
    assert result["wrong_body"] == 0, result.output
    assert growth < MAX_GROWTH, memory.samples
