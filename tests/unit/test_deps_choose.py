"""Which dependency file a build installs from, in-process on real temp dirs: the
ordered table of formats, the app's own project after a requirements list, and the
errors for two lists, an unlocked Pipfile and a chosen file that is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from warpdrive import context
from warpdrive.build import deps
from warpdrive.errors import (
    BadSetting,
    DependencyFileMissing,
    PipfileNotLocked,
    SeveralDependencyFormats,
)

PROJECT = '[project]\nname = "app"\nversion = "1"\n'


def choose(tmp_path: Path, files: dict[str, str], **env: str) -> deps.DependencySource | None:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    base = {"HOME": str(tmp_path), "WARPDRIVE_HOME": str(tmp_path / "home")}
    return deps.choose(context.resolve(src, {**base, **env}))


@pytest.mark.parametrize(
    ("files", "chosen", "inputs"),
    [
        ({"requirements.txt": "django==5.2\n"}, "requirements.txt", ["requirements.txt"]),
        ({"Pipfile": "", "Pipfile.lock": "{}"}, "Pipfile.lock", ["Pipfile.lock"]),
        (
            {"poetry.lock": "", "pyproject.toml": "[tool.poetry]\n"},
            "poetry.lock",
            ["poetry.lock", "pyproject.toml"],
        ),
        ({"uv.lock": "", "pyproject.toml": PROJECT}, "uv.lock", ["uv.lock", "pyproject.toml"]),
        ({"pyproject.toml": PROJECT}, "pyproject.toml", ["pyproject.toml"]),
        ({"setup.py": "", "setup.cfg": ""}, "setup.py", ["setup.py", "setup.cfg"]),
    ],
)
def test_each_format_alone_is_chosen(tmp_path, files, chosen, inputs):
    source = choose(tmp_path, files)
    assert source is not None
    assert source.format.name == chosen
    assert [p.name for p in source.input_files()] == inputs


def test_requirements_list_installs_the_project_after_it(tmp_path):
    source = choose(tmp_path, {"requirements.txt": "-r base.txt\n", "base.txt": "", "setup.py": ""})
    assert source is not None and source.format.name == "requirements.txt"
    assert source.project is not None and source.project.name == "setup.py"
    assert [p.name for p in source.input_files()] == ["requirements.txt", "base.txt", "setup.py"]


def test_a_switched_off_project_is_not_installed(tmp_path):
    source = choose(
        tmp_path, {"requirements.txt": "", "setup.py": ""}, DISABLE_SETUP_PY_PROCESSING="1"
    )
    assert source is not None and source.project is None


def test_pyproject_without_a_project_is_no_dependency_file(tmp_path):
    assert choose(tmp_path, {"pyproject.toml": "[tool.warpdrive]\n"}) is None


def test_nothing_to_install(tmp_path):
    assert choose(tmp_path, {"app.py": ""}) is None


def test_two_lists_are_an_error_naming_both(tmp_path):
    with pytest.raises(SeveralDependencyFormats) as raised:
        choose(tmp_path, {"requirements.txt": "", "poetry.lock": ""})
    assert raised.value.files == ["requirements.txt", "poetry.lock"]


def test_an_explicit_choice_settles_two_lists(tmp_path):
    files = {"requirements.txt": "", "poetry.lock": ""}
    source = choose(tmp_path, files, WARPDRIVE_DEPENDENCIES="poetry.lock")
    assert source is not None and source.format.name == "poetry.lock"


def test_none_switches_dependencies_off(tmp_path):
    assert choose(tmp_path, {"requirements.txt": ""}, WARPDRIVE_DEPENDENCIES="none") is None


def test_an_unlocked_pipfile_is_an_error(tmp_path):
    with pytest.raises(PipfileNotLocked):
        choose(tmp_path, {"Pipfile": ""})


def test_a_chosen_file_must_exist(tmp_path):
    with pytest.raises(DependencyFileMissing):
        choose(tmp_path, {"requirements.txt": ""}, WARPDRIVE_DEPENDENCIES="uv.lock")


def test_an_unknown_choice_is_a_bad_setting(tmp_path):
    with pytest.raises(BadSetting):
        choose(tmp_path, {}, WARPDRIVE_DEPENDENCIES="conda.yml")


def test_a_pipfile_lock_installs_from_the_indexes_it_names(tmp_path):
    lock = {
        "_meta": {
            "sources": [
                {"name": "main", "url": "https://${USER_NAME}:${TOKEN}@index.example/simple"},
                {"name": "more", "url": "https://more.example/simple"},
            ]
        },
        "default": {"six": {"version": "==1.16.0"}},
    }
    (tmp_path / "Pipfile.lock").write_text(json.dumps(lock))
    source = deps.DependencySource(deps.BY_NAME["Pipfile.lock"], tmp_path)
    environ = {
        "USER_NAME": "me",
        "TOKEN": "secret",
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "UV_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_EXTRA_INDEX_URL": "http://127.0.0.1:9/extra",
    }
    args, env, shown = deps.own_indexes(source, ["--no-deps", "-r", "x"], environ)
    main = "https://me:secret@index.example/simple"
    assert args == [
        "--index-url", main, "--extra-index-url", "https://more.example/simple",
        "--no-deps", "-r", "x",
    ]  # fmt: skip
    assert shown == "https://${USER_NAME}:${TOKEN}@index.example/simple"
    assert env["PIP_INDEX_URL"] == env["UV_INDEX_URL"] == env["UV_DEFAULT_INDEX"] == main
    assert env["PIP_EXTRA_INDEX_URL"] == env["UV_EXTRA_INDEX_URL"] == "https://more.example/simple"

    del lock["_meta"]["sources"]
    (tmp_path / "Pipfile.lock").write_text(json.dumps(lock))
    assert deps.own_indexes(source, ["-r", "x"], environ) == (["-r", "x"], environ, None)


BUILD = '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'


@pytest.mark.parametrize(
    ("lock", "pyproject", "installed"),
    [
        ("poetry.lock", '[tool.poetry]\nname = "app"\n' + BUILD, True),
        ("poetry.lock", '[tool.poetry]\nname = "app"\npackage-mode = false\n' + BUILD, False),
        ("poetry.lock", '[tool.poetry]\nname = "app"\n', False),  # no build-system
        ("uv.lock", PROJECT + BUILD, True),
        ("uv.lock", PROJECT + BUILD + "[tool.uv]\npackage = false\n", False),
    ],
)
def test_a_locked_project_that_is_a_package_is_installed_itself(
    tmp_path, lock, pyproject, installed
):
    source = choose(tmp_path, {lock: "", "pyproject.toml": pyproject})
    assert source is not None and source.format.name == lock
    assert (source.project is not None) is installed
    (tmp_path / "off").mkdir()
    off = choose(
        tmp_path / "off",
        {lock: "", "pyproject.toml": pyproject},
        DISABLE_PYPROJECT_TOML_PROCESSING="1",
    )
    assert off is not None and off.project is None


def test_an_app_home_without_dependency_files_installs_the_source_roots(tmp_path):
    """APP_HOME: the app's own files win; with none there, the repository root's are
    installed, as OpenShift's builder installs them whatever APP_HOME says."""
    files = {"requirements.txt": "six==1.16.0\n", "setup.py": "", "web/wsgi.py": ""}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    source = choose(tmp_path / "a", files, APP_HOME="web")
    assert source is not None
    assert (source.format.name, source.app_home) == ("requirements.txt", tmp_path / "a/src")
    assert source.project is not None and source.project.name == "setup.py"
    files["web/requirements.txt"] = ""
    source = choose(tmp_path / "b", files, APP_HOME="web")
    assert source is not None and source.app_home == tmp_path / "b/src/web"
    assert source.project is None
