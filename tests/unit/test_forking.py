"""Scripts answered by one forking process of a Python (warpdrive/forking.py) give what
they give as processes of their own: output, exit status, arguments, environment,
working directory; a time limit still kills them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from warpdrive import forking, proc

SCRIPT = textwrap.dedent(
    """\
    import json, os, sys
    import email.parser  # preloaded by the runner in the tests below
    print(json.dumps({
        "argv": sys.argv[1:], "cwd": os.getcwd(), "pid": os.getpid(),
        "ppid": os.getppid(), "color": os.environ.get("COLOR"),
        "file": __file__, "name": __name__, "stdin": sys.stdin.read(),
    }))
    sys.stderr.write("to stderr\\n")
    sys.exit(int(sys.argv[1]))
    """
)
FAILING = "def broken():\n    raise ValueError('no good')\n\nbroken()\n"
SLOW = "import time\ntime.sleep(30)\n"


@pytest.fixture
def scripts(tmp_path):
    paths = {}
    for name, text in (("report", SCRIPT), ("failing", FAILING), ("slow", SLOW)):
        paths[name] = tmp_path / f"{name}.py"
        paths[name].write_text(text)
    return paths


def both(scripts: dict[str, Path], tmp_path: Path, call):
    """`call()` as separate processes, then with the runner: both results."""
    alone = call()
    env = {**os.environ, "COLOR": "runner"}
    with forking.forking_python(
        sys.executable, list(scripts.values()), ["email.parser"], env, tmp_path
    ):
        forked = call()
        again = call()
    return alone, forked, again


def argv(script: Path, *args: str) -> list[str]:
    return [sys.executable, "-I", str(script), *args]


def test_captured_output_status_and_surroundings_are_the_same(scripts, tmp_path):
    import json

    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "COLOR": "blue"}

    def call():
        return proc.capture(argv(scripts["report"], "3", "x y"), env, work)

    alone, forked, again = both(scripts, tmp_path, call)
    for result in (alone, forked, again):
        assert result.returncode == 3
        assert result.stderr == "to stderr\n"
    seen = [json.loads(r.stdout) for r in (alone, forked, again)]
    for one in seen:
        assert one["argv"] == ["3", "x y"]
        assert one["cwd"] == str(work)
        assert one["color"] == "blue"
        assert one["file"] == str(scripts["report"])
        assert one["name"] == "__main__"
        assert one["stdin"] == ""
    # Each script in a process of its own, forked from one runner (not from warpdrive).
    assert seen[1]["pid"] != seen[2]["pid"]
    assert seen[1]["ppid"] == seen[2]["ppid"] != os.getpid()
    assert seen[0]["ppid"] == os.getpid()


def test_streamed_output_and_a_traceback_without_the_runner(scripts, tmp_path, capfd):
    def call():
        return proc.run_streamed(argv(scripts["failing"]), dict(os.environ), tmp_path)

    alone, forked, _ = both(scripts, tmp_path, call)
    assert alone[0] == forked[0] == 1
    assert alone[1][-1] == forked[1][-1] == "ValueError: no good"
    assert [line for line in forked[1] if "File " in line] == [
        line for line in alone[1] if "File " in line
    ]
    assert "       ValueError: no good" in capfd.readouterr().err


def test_passthrough_status(scripts, tmp_path, capfd):
    def call():
        return proc.run_passthrough(argv(scripts["report"], "0"), dict(os.environ), tmp_path)

    assert both(scripts, tmp_path, call) == (0, 0, 0)
    assert capfd.readouterr().err.count("to stderr") == 3


def test_a_time_limit_kills_the_script(scripts, tmp_path):
    def call():
        with pytest.raises(subprocess.TimeoutExpired):
            proc.capture(argv(scripts["slow"]), None, tmp_path, timeout=0.5)
        return proc.run_passthrough(argv(scripts["slow"]), None, tmp_path, timeout=0.5)

    assert both(scripts, tmp_path, call) == (124, 124, 124)


def test_other_commands_are_started_as_processes(scripts, tmp_path):
    other = tmp_path / "other.py"
    other.write_text("import os; print(os.getppid())")
    with forking.forking_python(
        sys.executable, [scripts["report"]], [], dict(os.environ), tmp_path
    ):
        assert forking.runner_for(argv(other)) is None
        assert proc.capture(argv(other)).stdout.strip() == str(os.getpid())
