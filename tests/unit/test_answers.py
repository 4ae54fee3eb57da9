"""Answers of programs about themselves are kept while the program's file is the same
one, and asked again once it is replaced."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from warpdrive import answers

VERSION = "#!/bin/sh\necho {}\n"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("WARPDRIVE_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def program(path: Path, version: str) -> Path:
    path.write_text(VERSION.format(version))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def asker(path: Path, asked: list[str]):
    def ask() -> str | None:
        result = subprocess.run([str(path)], capture_output=True, text=True, check=False)
        asked.append(result.stdout.strip())
        return result.stdout.strip() if result.returncode == 0 else None

    return ask


def test_an_answer_is_asked_once_per_file(home, tmp_path):
    tool = program(tmp_path / "tool", "1.0")
    asked: list[str] = []
    for _ in range(3):
        assert answers.remembered("version", str(tool), asker(tool, asked)) == "1.0"
    assert asked == ["1.0"]
    assert (home / answers.FILE).is_file()


def test_a_replaced_program_is_asked_again(home, tmp_path):
    tool = program(tmp_path / "tool", "1.0")
    asked: list[str] = []
    answers.remembered("version", str(tool), asker(tool, asked))
    # An upgrade writes a new file in its place, as a package manager does.
    program(tmp_path / "tool.new", "2.0").replace(tool)
    assert answers.remembered("version", str(tool), asker(tool, asked)) == "2.0"
    assert asked == ["1.0", "2.0"]


def test_a_link_is_answered_for_the_file_it_resolves_to(home, tmp_path):
    first, second = program(tmp_path / "a", "1.0"), program(tmp_path / "b", "2.0")
    link = tmp_path / "current"
    link.symlink_to(first)
    asked: list[str] = []
    assert answers.remembered("version", str(link), asker(link, asked)) == "1.0"
    link.unlink()
    link.symlink_to(second)
    assert answers.remembered("version", str(link), asker(link, asked)) == "2.0"


def test_failures_are_not_kept_and_an_unwritable_home_only_costs_time(tmp_path, monkeypatch):
    monkeypatch.setenv("WARPDRIVE_HOME", str(tmp_path / "missing"))
    tool = tmp_path / "tool"
    tool.write_text("#!/bin/sh\nexit 3\n")
    tool.chmod(0o755)
    asked: list[str] = []
    assert answers.remembered("version", str(tool), asker(tool, asked)) is None
    assert answers.remembered("version", str(tool), asker(tool, asked)) is None
    assert len(asked) == 2
    good = program(tmp_path / "good", "1.0")
    assert answers.remembered("version", str(good), asker(good, asked)) == "1.0"
    assert not (tmp_path / "missing").exists()
