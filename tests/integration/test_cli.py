"""The command line itself: version, help with an example on every command, errors."""

from __future__ import annotations

import pytest

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
        "build",
        "builder",
        "completion",
        "destroy",
        "exec",
        "info",
        "list",
        "migrate",
        "plan",
        "s2i",
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
