"""Environments in-process: the registry's records, generation links and the
activation values, on real temp directories."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warpdrive.env import activation, generations, lifecycle, registry
from warpdrive.env.registry import EnvRecord
from warpdrive.errors import EnvIsActive, EnvNotFound, NoActiveEnv


def make_env(home: Path, name: str, src: Path | None) -> EnvRecord:
    """An environment as the registry sees it: an app root with a record and a Python."""
    app_root = registry.app_root_for(name, {"WARPDRIVE_HOME": str(home)})
    (app_root / "bin").mkdir(parents=True)
    (app_root / "bin" / "python").touch()
    record = EnvRecord(name, app_root, src, "/usr/bin/python3", "--python")
    registry.write_record(record)
    return record


def test_record_round_trips_through_its_file(tmp_path):
    record = EnvRecord("app", tmp_path / "warpdrive+app", tmp_path / "src", "/py", "--python")
    record.app_root.mkdir()
    registry.write_record(record)
    assert registry.read_record(record.app_root) == record
    data = json.loads((record.app_root / registry.ENV_RECORD).read_text())
    assert data == {"name": "app", "src": str(tmp_path / "src"), "python": "/py",
                    "python_source": "--python"}  # fmt: skip
    assert EnvRecord.from_json(record.app_root, record.to_json()) == record


def test_missing_or_broken_record_reads_as_unbound(tmp_path):
    root = tmp_path / "warpdrive+gone"
    assert registry.read_record(root) == EnvRecord("gone", root, None, None, None)
    root.mkdir()
    (root / registry.ENV_RECORD).write_text("{not json")
    record = registry.read_record(root)
    assert (record.src, record.python, record.exists) == (None, None, False)


def test_name_comes_from_the_app_root_not_the_record(tmp_path):
    root = tmp_path / "warpdrive+copy"
    root.mkdir()
    (root / registry.ENV_RECORD).write_text(json.dumps({"name": "original", "src": "/s"}))
    assert registry.read_record(root).name == "copy"


def test_list_find_and_destroy(tmp_path):
    home = tmp_path / "home"
    environ = {"WARPDRIVE_HOME": str(home)}
    assert registry.list_environments(environ) == []
    one = make_env(home, "one", tmp_path)
    two = make_env(home, "two", None)
    (home / "not-an-env").mkdir()
    assert registry.list_environments(environ) == [one, two]
    assert registry.find("two", environ) == two
    assert registry.find(None, {**environ, "WARPDRIVE_ENV_NAME": "one"}) == one
    with pytest.raises(NoActiveEnv):
        registry.find(None, environ)
    with pytest.raises(EnvNotFound):
        registry.find("three", environ)
    with pytest.raises(EnvIsActive):
        registry.destroy("one", {**environ, "WARPDRIVE_ENV_NAME": "one"})
    with pytest.raises(EnvIsActive):
        registry.destroy("one", {**environ, "VIRTUAL_ENV": str(one.app_root)})
    assert registry.destroy("one", environ) == one.app_root
    assert not one.app_root.exists()
    with pytest.raises(EnvNotFound):
        registry.destroy("one", environ)


def test_home_defaults_to_dot_warpdrive():
    assert registry.warpdrive_home({}) == Path.home() / ".warpdrive"


@given(st.text())
def test_posix_quote_is_shlex_quote(value):
    if value.startswith("="):  # quoted for zsh, where =word expands to a command's path
        assert activation.posix_quote(value) == "'" + value + "'"
    else:
        assert activation.posix_quote(value) == shlex.quote(value)


def test_activated_environ_sets_and_unsets_the_variables(tmp_path):
    record = EnvRecord("app", tmp_path / "warpdrive+app", tmp_path / "src", None)
    environ = {"PATH": "/usr/bin", "PYTHONHOME": "/junk", "HOME": "/h"}
    activated = lifecycle.activated_environ(record, environ)
    assert activated == {
        "PATH": f"{record.app_root}/bin{os.pathsep}/usr/bin",
        "HOME": "/h",
        "VIRTUAL_ENV": str(record.app_root),
        "VIRTUAL_ENV_PROMPT": "warpdrive+app",
        "WARPDRIVE_ENV_NAME": "app",
        "WARPDRIVE_APP_ROOT": str(record.app_root),
        "WARPDRIVE_SRC_ROOT": str(record.src),
    }
    assert environ["PYTHONHOME"] == "/junk"  # the caller's mapping is left alone


def test_shell_from_shell_variable():
    assert activation.detect_shell({"SHELL": "/usr/bin/fish"}) == "fish"
    assert activation.detect_shell({"SHELL": "/bin/zsh"}) == "bash"
    assert activation.detect_shell({}) == "bash"


def fake_generation(app_root: Path, name: str) -> Path:
    """A generation's top level as a virtualenv has it; linking needs nothing more."""
    gen = app_root / generations.GENERATIONS / name
    (gen / "bin").mkdir(parents=True)
    (gen / "lib").mkdir()
    (gen / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return gen


def test_linking_swaps_generations_and_keeps_the_previous(tmp_path):
    app_root = tmp_path / "warpdrive+app"
    first = fake_generation(app_root, "g1")
    assert generations.current_generation(app_root) is None
    generations.link_generation(app_root, first)
    assert generations.current_generation(app_root) == first
    assert os.readlink(app_root / "bin") == f"{generations.GENERATIONS}/g1/bin"
    second = fake_generation(app_root, "g2")
    generations.link_generation(app_root, second)
    assert generations.current_generation(app_root) == second
    assert first.is_dir()  # the previous one stays: a running server may import from it
    third = fake_generation(app_root, "g3")
    generations.link_generation(app_root, third)
    assert not first.exists() and second.is_dir()  # older than the previous: pruned
    generations.drop_previous(app_root)
    assert not second.exists() and generations.current_generation(app_root) == third
