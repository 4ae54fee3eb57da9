"""Every child process warpdrive runs goes through here: `run_streamed` for a step
whose output people watch (streamed, indented, under the step line), `run_passthrough`
for output shown as it comes, `capture` for a question asked of a tool (its output
kept, nothing printed). Only `warpdrive shell`, which hands the terminal to a shell,
and `exec` (which replaces warpdrive) start processes otherwise. During a build, some
scripts of the app's Python are answered by forking one process of it instead
(warpdrive/forking.py), with the same arguments, streams and exit status."""

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from warpdrive import forking

TAIL_LINES = 200
# pip writes "ERROR: ..."; uv writes "error: ..." (or a multiplication sign on a
# terminal) and gives the reason on the next lines, after "cause:" (or an arrow).
_ERROR_LINE = re.compile(r"^\s*(?:error|ERROR|\u00d7)\W*\s*(.+)")
_CAUSE_LINE = re.compile(r"^\s*(?:cause:|\u2570\u2500\u25b6)\s*(.+)")


def clean_environ(environ: dict[str, str]) -> dict[str, str]:
    """The environment for a child of warpdrive: without the variables that would
    make a Python other than the app's own load modules (PYTHONPATH, PYTHONHOME) or
    point tools at another virtualenv."""
    drop = (
        "PYTHONPATH",
        "PYTHONHOME",
        "VIRTUAL_ENV",
        "PIP_REQUIRE_VIRTUALENV",
        "__PYVENV_LAUNCHER__",
    )
    return {k: v for k, v in environ.items() if k not in drop}


def with_venv(environ: dict[str, str], venv: Path) -> dict[str, str]:
    env = clean_environ(environ)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = str(venv / "bin") + os.pathsep + environ.get("PATH", os.defpath)
    return env


@dataclass(frozen=True)
class Captured:
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def capture(
    argv: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
    user: int | None = None,
    group: int | None = None,
) -> Captured:
    """Run `argv` and keep its output. A program that cannot be started answers
    like a shell does (127 and the reason), so callers need one failure path."""
    runner = forking.runner_for(argv) if user is None else None
    if runner is not None:
        import tempfile

        with (
            open(os.devnull, "rb") as null,
            tempfile.TemporaryFile() as out,
            tempfile.TemporaryFile() as err,
        ):
            pid = runner.start(argv, env, cwd, [null.fileno(), out.fileno(), err.fileno()])
            if pid is not None:
                code = runner.wait(pid, timeout)
                out.seek(0)
                err.seek(0)
                text = [f.read().decode(errors="replace") for f in (out, err)]
                return Captured(code, *text)
    try:
        result = subprocess.run(
            argv,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=user,
            group=group,
            extra_groups=None if user is None else [],
        )
    except OSError as exc:
        return Captured(127, "", f"{argv[0]}: {exc.strerror}")
    return Captured(result.returncode, result.stdout, result.stderr)


def run_passthrough(
    argv: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> int:
    """Run `argv` with its output, as it comes, on our stderr (a tool's own progress,
    an app's traceback); the exit status. Past `timeout` it is killed: 124, as
    timeout(1) says."""
    runner = forking.runner_for(argv)
    if runner is not None:
        sys.stderr.flush()
        pid = runner.start(argv, env, cwd, [0, sys.stderr.fileno(), 2])
        if pid is not None:
            try:
                return runner.wait(pid, timeout)
            except subprocess.TimeoutExpired:
                return 124
    try:
        return subprocess.run(
            argv, env=env, cwd=cwd, stdout=sys.stderr, timeout=timeout, check=False
        ).returncode
    except OSError as exc:
        sys.stderr.write(f"{argv[0]}: {exc.strerror}\n")
        return 127
    except subprocess.TimeoutExpired:
        return 124


def run_streamed(
    argv: list[str], env: dict[str, str], cwd: Path | None = None
) -> tuple[int, list[str]]:
    """Run `argv`, copying its stdout and stderr line by line to our stderr, indented.
    Returns the exit status and the last lines of output (for error summaries)."""
    tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
    runner = forking.runner_for(argv)
    if runner is not None:
        read, write = os.pipe()
        with open(os.devnull, "rb") as null:
            pid = runner.start(argv, env, cwd, [null.fileno(), write, write])
        os.close(write)
        with open(read, "rb") as output:
            if pid is not None:
                try:
                    _copy_lines(output, tail)
                except BaseException:
                    runner.stop(pid, signal.SIGTERM)
                    raise
                return runner.wait(pid), list(tail)
    try:
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    except OSError as exc:
        return 127, [f"{argv[0]}: {exc.strerror}"]
    pipe = proc.stdout
    if pipe is None:  # never: a pipe was asked for above
        return proc.wait(), []
    try:
        with pipe:
            _copy_lines(pipe, tail)
    except BaseException:
        # Interrupted (Ctrl-C to warpdrive alone, say): stop the child before the
        # caller deletes what it was writing to, rather than leave it running orphaned.
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
    return proc.wait(), list(tail)


def _copy_lines(pipe: IO[bytes], tail: collections.deque[str]) -> None:
    """A child's output to our stderr, indented, as it comes; its last lines into `tail`."""
    for raw in pipe:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        tail.append(line)
        sys.stderr.write("       " + line + "\n")
        sys.stderr.flush()


def summarise(lines: list[str], returncode: int) -> str:
    """A tool's own error in one line: its first error line and the causes uv gives
    after it (of a long chain, the first two and the last, which is the root cause)."""
    for i, line in enumerate(lines):
        match = _ERROR_LINE.match(line)
        if match:
            causes = []
            for following in lines[i + 1 :]:
                cause = _CAUSE_LINE.match(following)
                if not cause:
                    break
                causes.append(cause.group(1).strip())
            if len(causes) > 3:
                causes = [*causes[:2], "...", causes[-1]]
            return ": ".join([match.group(1).strip(), *causes])[:400]
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return last[:300] or f"exit code {returncode}"
