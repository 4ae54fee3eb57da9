"""Environments in-process: the registry's records, generation links and the
activation values, on real temp directories."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warpdrive.env import activation, generations, lifecycle, registry
from warpdrive.env.registry import EnvRecord
from warpdrive.errors import EnvIsActive, EnvNotFound, NoActiveEnv, PythonUnavailable


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
        assert activation.posix_quote(value) == "'" + value.replace("'", "'\"'\"'") + "'"
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


# --- the app's Python ------------------------------------------------------------------


def test_python_version_file_naming_an_unavailable_python_is_an_error(tmp_path):
    (tmp_path / ".python-version").write_text("3.99\n")
    with pytest.raises(PythonUnavailable) as caught:
        lifecycle.choose_python(tmp_path, None)
    assert caught.value.message.startswith(".python-version asks for Python 3.99 but none")
    assert "\n" not in caught.value.message


def test_runtime_txt_found_on_path(tmp_path, monkeypatch):
    if not os.path.exists("/usr/bin/python3.11"):
        pytest.fail("Debian's python3.11 is needed")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3.11").symlink_to("/usr/bin/python3.11")
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    src = tmp_path / "src"
    src.mkdir()
    (src / "runtime.txt").write_text("python-3.11.2\n")
    assert lifecycle.choose_python(src, None) == (
        str(bindir / "python3.11"),
        "runtime.txt (3.11.2)",
    )


def test_python_version_file_wins_over_runtime_txt(tmp_path):
    (tmp_path / ".python-version").write_text("3.99\n")
    (tmp_path / "runtime.txt").write_text("python-3.11.2\n")
    with pytest.raises(PythonUnavailable):
        lifecycle.choose_python(tmp_path, None)


def test_requires_python_nothing_satisfies_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.99"\n')
    with pytest.raises(PythonUnavailable) as caught:
        lifecycle.choose_python(tmp_path, None)
    assert caught.value.message.startswith(
        "pyproject.toml's requires-python asks for Python >=3.99 but none is available"
    )


def test_requires_python_satisfied(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.8"\n')
    assert lifecycle.choose_python(tmp_path, None) == (sys.executable, "requires-python (>=3.8)")


def test_python_flag_wins_over_what_the_app_asks_for(tmp_path):
    (tmp_path / ".python-version").write_text("3.99\n")
    assert lifecycle.choose_python(tmp_path, sys.executable) == (sys.executable, "--python")


def test_no_python_asked_for_is_warpdrives_own(tmp_path):
    assert lifecycle.choose_python(tmp_path, None)[0] == sys.executable
