"""The command line itself: version, help with an example on every command, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.clean_error import assert_clean_error
from tests.support.cli import Result, run_warpdrive
from warpdrive import __version__
from warpdrive.cli.main import COMMAND_MODULES

COMMANDS = sorted(COMMAND_MODULES)


def test_version(run_wd):
    result = run_wd("--version")
    assert (result.returncode, result.stdout) == (0, f"warpdrive {__version__}\n")


def test_top_level_help_lists_commands(run_wd):
    result = run_wd("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    assert "Examples:" in result.stdout


def test_every_command_is_expected():
    assert COMMANDS == [
        "activate",
        "alive",
        "build",
        "builder",
        "completion",
        "destroy",
        "exec",
        "info",
        "list",
        "migrate",
        "plan",
        "ready",
        "release",
        "s2i",
        "sbom",
        "setup",
        "shell",
        "start",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(run_wd, command):
    result = run_wd(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Example" in result.stdout
    example_lines = result.stdout.split("Example", 1)[1].splitlines()[1:]
    assert any(line.strip().startswith(("warpdrive ", "eval ")) for line in example_lines)


def test_unexpected_errors_are_logged_not_shown(run_wd, wd_home):
    """A bug gives one line and a log path; the traceback goes to the log file."""
    broken = wd_home / "warpdrive+broken"
    broken.mkdir()
    # An environment record that is a directory cannot be read: an internal surprise.
    (broken / "warpdrive-env.json").mkdir()
    (broken / "bin").mkdir()
    (broken / "bin/python").write_text("")
    result = run_wd("list")
    assert result.returncode == 0  # unreadable records are tolerated


def in_deleted_directory(env, tmp_path: Path, *args: str) -> Result:
    """`warpdrive ARGS...` run by a real shell whose current directory was removed
    after it entered it (so its PWD still names it)."""
    gone = tmp_path / "gone"
    gone.mkdir()
    script = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
    shell = ("bash", "--noprofile", "--norc", "-c", script, "bash", str(gone))
    return run_warpdrive(*args, env=env, cwd=tmp_path, timeout=120, prefix=shell)


@pytest.mark.parametrize(
    "args",
    [
        ["activate"],
        ["activate", "new-env"],
        ["activate", "--rebind"],
        ["build"],
        ["build", "."],
        ["info"],
        ["plan"],
        ["start", "--dry-run"],
        ["migrate"],
        ["release"],
        ["setup"],
        ["ready"],
        ["s2i"],
    ],
    ids=" ".join,
)
def test_a_deleted_current_directory_is_a_clean_error(env, tmp_path, wd_home, args):
    result = in_deleted_directory(env, tmp_path, *args)
    gone = tmp_path / "gone"
    message = f"the current directory {gone} no longer exists"
    fix = "cd to an existing directory"
    assert_clean_error(result.returncode, result.stdout, result.stderr, 2, message, fix)
    assert list(wd_home.glob("warpdrive+*")) == []


def test_an_environment_bound_elsewhere_activates_from_a_deleted_directory(
    run_wd, env, tmp_path, app_dir
):
    """The environment does not need the current directory: by name it activates,
    the quick way and the full command line's way alike."""
    src = app_dir("wsgi")
    assert run_wd("activate", "demo", cwd=src).returncode == 0
    expected = run_wd("activate", "demo", "--shell", "bash", cwd=src).stdout
    for args in (["activate", "demo"], ["activate", "demo", "--shell", "bash"]):
        result = in_deleted_directory({**env, "SHELL": "/bin/bash"}, tmp_path, *args)
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        assert result.stdout == expected


def assert_json_error(result: Result, status: int, code: str) -> None:
    """A `--json` command's failure: the error as JSON on stdout for machines, the same
    two lines on stderr for people, and the error's own exit status."""
    assert result.returncode == status, result.stderr
    error = json.loads(result.stdout)["error"]
    assert error["code"] == code
    assert result.stderr.splitlines() == [f"error: {error['message']}", f"hint: {error['hint']}"]


def test_json_commands_print_their_errors_as_json(run_wd, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_json_error(run_wd("info", "--json", cwd=empty), 2, "detect.none-found")
    assert_json_error(run_wd("plan", str(empty), "--json"), 2, "detect.none-found")
    bad = run_wd("info", "--json", cwd=empty, extra={"WARPDRIVE_DEPLOY_MODE": "bogus"})
    assert_json_error(bad, 2, "config.bad-value")
    # Without --json, stdout stays empty.
    plain = run_wd("info", cwd=empty)
    assert (plain.returncode, plain.stdout) == (2, "")


def test_a_json_command_in_a_deleted_directory(env, tmp_path):
    assert_json_error(in_deleted_directory(env, tmp_path, "info", "--json"), 2, "source.cwd-gone")


def test_build_answers_alike_without_click(env, tmp_path, wd_home):
    """`warpdrive build [DIRECTORY]` runs without click (warpdrive/cli/entry.py); its
    failures read as the full command line's (`python -m warpdrive`) do."""
    from tests.support.cli import WARPDRIVE, run_command

    # The interpreter the console script runs under: warpdrive names it in its output.
    python = Path(WARPDRIVE).read_text().splitlines()[0].removeprefix("#!").strip()
    empty = tmp_path / "empty"
    empty.mkdir()
    for args, cwd in ((["build", str(empty)], tmp_path), (["build"], empty)):
        quick = run_warpdrive(*args, env=env, cwd=cwd)
        full = run_command([python, "-m", "warpdrive", *args], env, cwd)
        assert quick.returncode == full.returncode == 2, quick.stderr
        assert (quick.stdout, quick.stderr) == (full.stdout, full.stderr)
        assert "error: no application found in" in quick.stderr
    assert list(wd_home.glob("warpdrive+*")) == []


def test_start_answers_alike_without_click(run_wd, env, tmp_path, app_dir):
    """`warpdrive start` with only its own options runs without click
    (warpdrive/cli/entry.py): its dry run, its failures and its refusals of bad values
    read as the full command line's (`python -m warpdrive`) do."""
    from tests.support.cli import WARPDRIVE, run_command

    python = Path(WARPDRIVE).read_text().splitlines()[0].removeprefix("#!").strip()
    src = app_dir("wsgi")
    assert run_wd("build", "--server", "gunicorn", cwd=src).returncode == 0
    unbuilt = tmp_path / "unbuilt"
    unbuilt.mkdir()
    cases = [
        (["start", "--dry-run"], src, 0),
        (["start", str(src), "--port", "9000", "--server", "gunicorn", "--dry-run"], tmp_path, 0),
        (["start", "--dry-run", "--server", "mod_wsgi"], src, 2),  # not installed
        (["start"], unbuilt, 2),
        (["start", "--port", "0"], src, 2),
        (["start", "--port=99999", "--dry-run"], src, 2),
        (["start", "--server", "nope"], src, 2),
        (["start", "--port", "9000", "--port", "9001", "--dry-run"], src, 0),
        (["start", "--dry-run", str(src), "extra"], tmp_path, 2),
    ]
    for args, cwd, status in cases:
        quick = run_warpdrive(*args, env=env, cwd=cwd)
        full = run_command([python, "-m", "warpdrive", *args], env, cwd)
        assert quick.returncode == full.returncode == status, (args, quick.stderr)
        assert (quick.stdout, quick.stderr) == (full.stdout, full.stderr), args
