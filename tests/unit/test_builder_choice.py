"""`warpdrive s2i` without --builder: the builder image follows the Python the app asks
for, read from the same files, in the same order, as for a local environment."""

from __future__ import annotations

import pytest

from warpdrive.errors import NoBuilderForPython
from warpdrive.images import s2i
from warpdrive.images.s2i import Image, choose_builder, image_python, last_lines


@pytest.mark.parametrize(
    ("files", "builder", "why"),
    [
        ({}, "warpdrive-python-3.11", "the default; the app asks for no Python version"),
        ({".python-version": "3.13\n"}, "warpdrive-python-3.13", ".python-version (3.13)"),
        ({".python-version": "3.11.4\n"}, "warpdrive-python-3.11", ".python-version (3.11.4)"),
        (
            {".python-version": "# pinned\npython3.13\n"},
            "warpdrive-python-3.13",
            ".python-version (python3.13)",
        ),
        ({".python-version": "3\n"}, "warpdrive-python-3.13", ".python-version (3)"),
        ({"runtime.txt": "python-3.13.1\n"}, "warpdrive-python-3.13", "runtime.txt (3.13.1)"),
        ({"runtime.txt": "python-3.11\n"}, "warpdrive-python-3.11", "runtime.txt (3.11)"),
        # requires-python: the newest supported Python that satisfies it.
        (
            {"pyproject.toml": '[project]\nrequires-python = ">=3.10"\n'},
            "warpdrive-python-3.13",
            "requires-python (>=3.10)",
        ),
        (
            {"pyproject.toml": '[project]\nrequires-python = ">=3.11,<3.13"\n'},
            "warpdrive-python-3.11",
            "requires-python (>=3.11,<3.13)",
        ),
        (
            {"pyproject.toml": '[project]\nrequires-python = "~=3.13.0"\n'},
            "warpdrive-python-3.13",
            "requires-python (~=3.13.0)",
        ),
        (
            {"pyproject.toml": '[project]\nrequires-python = "==3.11.*"\n'},
            "warpdrive-python-3.11",
            "requires-python (==3.11.*)",
        ),
        # The order: .python-version, then runtime.txt, then requires-python.
        (
            {
                ".python-version": "3.11\n",
                "runtime.txt": "python-3.13.0\n",
                "pyproject.toml": '[project]\nrequires-python = ">=3.13"\n',
            },
            "warpdrive-python-3.11",
            ".python-version (3.11)",
        ),
        (
            {
                "runtime.txt": "python-3.11.9\n",
                "pyproject.toml": '[project]\nrequires-python = ">=3.13"\n',
            },
            "warpdrive-python-3.11",
            "runtime.txt (3.11.9)",
        ),
        # What is not a version or a specifier is ignored, as for a local environment.
        (
            {
                ".python-version": "system\n",
                "pyproject.toml": '[project]\nrequires-python = ">=3.12"\n',
            },
            "warpdrive-python-3.13",
            "requires-python (>=3.12)",
        ),
        (
            {"pyproject.toml": '[project]\nrequires-python = "three"\n'},
            "warpdrive-python-3.11",
            "the default; the app asks for no Python version",
        ),
    ],
)
def test_the_builder_follows_the_apps_python(tmp_path, files, builder, why):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert choose_builder(tmp_path) == (builder, why)


@pytest.mark.parametrize(
    ("name", "text", "wanted", "source"),
    [
        (".python-version", "3.9\n", "3.9", ".python-version"),
        (".python-version", "3.12.1\n", "3.12.1", ".python-version"),
        ("runtime.txt", "python-3.12.1\n", "3.12.1", "runtime.txt"),
        (
            "pyproject.toml",
            '[project]\nrequires-python = ">=3.14"\n',
            ">=3.14",
            "pyproject.toml's requires-python",
        ),
        (
            "pyproject.toml",
            '[project]\nrequires-python = "<3.11"\n',
            "<3.11",
            "pyproject.toml's requires-python",
        ),
    ],
)
def test_no_supported_builder_is_refused_in_one_line(tmp_path, name, text, wanted, source):
    (tmp_path / name).write_text(text)
    with pytest.raises(NoBuilderForPython) as caught:
        choose_builder(tmp_path)
    error = caught.value
    assert (error.wanted, error.source) == (wanted, source)
    assert error.message == (
        f"{source} asks for Python {wanted}, which no builder image has "
        "(builders: warpdrive-python-3.11, warpdrive-python-3.13)"
    )
    assert error.hint == "ask for Python 3.11 or 3.13, or pass --builder with an image of your own"
    assert error.exit_status == 2


def test_the_default_builder_is_a_supported_one():
    assert s2i.DEFAULT_PYTHON in s2i.PYTHONS


@pytest.mark.parametrize(
    ("tags", "python"),
    [
        ("builder,python,warpdrive,python-3.13", "3.13"),
        ("runtime,python,warpdrive,python-3.11", "3.11"),
        ("builder,python", None),
        ("", None),
    ],
)
def test_the_python_an_image_names_in_its_tags(tags, python):
    image = Image("img", None, {"Labels": {"io.openshift.tags": tags}})
    assert image_python(image) == python


def test_the_last_error_line_says_more_than_the_hint_after_it():
    lines = [
        "-----> Copying",
        "error: .python-version asks for Python 3.9",
        "hint: use another",
        "",
    ]
    assert last_lines(lines, "", "") == ("hint: use another", ".python-version asks for Python 3.9")
    assert last_lines(["pip failed", "  "], "earlier", "") == ("pip failed", "")
