"""Faults: a worker killed with SIGKILL under load is replaced; `warpdrive build`
interrupted while its installer runs leaves the previous environment serving, and the
next build succeeds."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.load import (
    cmdline,
    cpu_ticks,
    parse_wrk,
    process_tree,
    wrk,
    wrk_argv,
)
from tests.support import FIXTURES
from tests.support.apps import BODIES, Apps, world_readable_dir
from tests.support.http import serving


@pytest.fixture(scope="module")
def apps(shared_cache):
    with world_readable_dir("warpdrive-faults-") as base:
        yield Apps.as_root(base, shared_cache)


def workers(server: str, root: int) -> set[int]:
    """The processes that run the app: mod_wsgi's daemon processes (named by
    mod_wsgi-express `(wsgi:...)`, beside Apache's own children), else the children
    of the gunicorn or uwsgi master."""
    tree = set(process_tree(root)) - {root}
    if server == "mod_wsgi":
        return {pid for pid in tree if cmdline(pid)[:1] and cmdline(pid)[0].startswith("(wsgi:")}
    return tree


def full(found: set[int], planned: int) -> set[int]:
    """`found` when it has the planned number of workers, else nothing."""
    return found if len(found) == planned else set()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout}s")


@pytest.mark.parametrize("server", ["mod_wsgi", "gunicorn", "uwsgi"])
def test_worker_killed_under_load_is_replaced(apps, server):
    body = BODIES["wsgi"]
    src = apps.build("wsgi", server)
    info = json.loads(apps.run("info", "--json", "--server", server, cwd=src).stdout)
    planned = info["launch"]["sizing"]["processes"]
    with serving(apps.env, src, server) as running:
        root = running.process.pid
        before = wait_for(
            lambda: full(workers(server, root), planned),
            30,
            f"{server} did not start its {planned} workers",
        )
        url = f"http://127.0.0.1:{running.port}/"
        load = subprocess.Popen(
            wrk_argv(url, 8, 20, body), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            time.sleep(2)
            victim = min(before)
            os.kill(victim, signal.SIGKILL)

            after = wait_for(
                lambda: full(workers(server, root) - {victim}, planned),
                30,
                f"{server} did not replace worker {victim}",
            )
            result = parse_wrk(load.communicate(timeout=60)[0])
        finally:
            if load.poll() is None:
                load.kill()
        (new,) = after - before
        assert result["responses"] > 0, result.output
        for _ in range(50):
            assert running.get("/") == (200, body), running.log.read_text()[-3000:]
        # Load again, every request on a new connection: every request succeeds, and the
        # new worker serves. Kept-alive connections are not enough to show it: the
        # workers race for each accept on the shared socket, and a run once saw the
        # old worker take all 20 of wrk's connections. Over thousands of accepts the new
        # worker wins some; a few rounds leave room for a slow machine.
        ticks = cpu_ticks(new)
        for _ in range(5):
            again = wrk(url, 2, 20, body, close=True)
            assert (again.socket_errors, again["not_2xx"], again["wrong_body"]) == (0, 0, 0), (
                again.output
            )
            if cpu_ticks(new) > ticks:
                break
        else:
            raise AssertionError(f"the new worker {new} served nothing in 5 rounds of load")
        assert workers(server, root) == after  # and it stays up
    print(
        f"\n{server}: killed worker {victim}, replaced by {new}; during the kill "
        f"{result['responses']} responses, {result['not_2xx']} not 2xx, "
        f"{result.socket_errors} socket errors; afterwards {again['responses']} responses, all 2xx"
    )


def generation(app_root: Path) -> str:
    return os.readlink(app_root / "pyvenv.cfg")


@pytest.mark.parametrize(
    ("sig", "to_group"),
    [
        (signal.SIGINT, True),  # Ctrl-C: the terminal signals the whole process group
        (signal.SIGINT, False),  # kill -INT of warpdrive alone
        (signal.SIGKILL, False),  # kill -9 of warpdrive alone: its installer lives on
    ],
    ids=["SIGINT-group", "SIGINT-warpdrive", "SIGKILL-warpdrive"],
)
def test_build_interrupted_while_installing(apps, sig, to_group):
    body = BODIES["wsgi"]
    copy = f"wsgi-{sig.name}-{'group' if to_group else 'alone'}".lower()
    src = apps.build("wsgi", "gunicorn", copy=copy)
    app_root = Path(apps.env["WARPDRIVE_HOME"]) / f"warpdrive+{copy}"
    serving_generation = generation(app_root)
    # The slow package goes into requirements.txt: the next build installs it.
    package = shutil.copytree(FIXTURES / "slow_package", src.parent / f"{copy}-slow_package")
    with (src / "requirements.txt").open("a") as fh:
        fh.write(f"wdslow @ {package.as_uri()}\n")
    mark = src.parent / f"{copy}.installing"
    log = src.parent / f"{copy}-build.log"
    build = None
    try:
        with serving(apps.env, src, "gunicorn") as running, log.open("w") as out:
            build = subprocess.Popen(
                [apps.warpdrive, "build", "--server", "gunicorn"],
                cwd=src,
                env={**apps.env, "WDSLOW_MARK": str(mark), "WDSLOW_SECONDS": "10"},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group, as a terminal's foreground job
                # A shell's background jobs (CI runners, `cmd &`) ignore SIGINT, and an
                # ignored signal stays ignored across exec: give it back its default.
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
            )
            wait_for(
                lambda: mark.exists() or build.poll() is not None, 180, "the install never began"
            )
            assert build.poll() is None, log.read_text()
            # The installer is building the slow package; the old environment serves.
            assert running.get("/") == (200, body)
            (os.killpg if to_group else os.kill)(build.pid, sig)
            build.wait(timeout=60)
            assert running.get("/") == (200, body)
        text = log.read_text()
        if sig == signal.SIGINT:
            assert build.returncode == 130, text
            assert text.rstrip().splitlines()[-1] == "error: interrupted", text
            assert "Traceback" not in text
        else:
            assert build.returncode == -signal.SIGKILL
        assert generation(app_root) == serving_generation
        half = list((app_root / ".generations").glob(f"*-{build.pid}-*"))
        if to_group:  # nothing of the build is left running to recreate it
            assert half == [], "the interrupted build left its generation behind"

        # A server started after the interruption runs the previous build.
        with serving(apps.env, src, "gunicorn") as restarted:
            assert restarted.get("/") == (200, body)

        # The next build works. After a kill -9 of warpdrive alone its installer still
        # runs, and uv makes the next build wait for it (a lock in uv's cache).
        began = time.monotonic()
        result = apps.run("build", "--server", "gunicorn", cwd=src)
        seconds = time.monotonic() - began
        assert result.returncode == 0, result.stderr
        assert generation(app_root) != serving_generation
        check = [str(app_root / "bin/python"), "-c", "import wdslow; print(wdslow.VALUE)"]
        assert subprocess.run(check, capture_output=True, text=True).stdout == "slow package\n"
        with serving(apps.env, src, "gunicorn") as rebuilt:
            assert rebuilt.get("/") == (200, body)
        leftover = list((app_root / ".generations").glob(f"*-{build.pid}-*"))
        print(
            f"\n{sig.name} to {'the group' if to_group else 'warpdrive alone'}: exit "
            f"{build.returncode}, half generation {'left' if half else 'removed'}, next build "
            f"{seconds:.1f}s, afterwards {'still there' if leftover else 'gone'}"
        )
    finally:
        if build is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(build.pid, signal.SIGKILL)  # and whatever it left running
