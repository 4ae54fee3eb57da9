"""Which requirement files count as fully pinned: only those may be installed from
the cache without asking the index (an unpinned name would stay at the cached version)."""

from __future__ import annotations

import pytest

from warpdrive.build.deps import BY_NAME, DependencySource, is_pinned

CASES = [
    ("Django==5.2.19\n", True),
    ("django>=5\n", False),
    ("django\n", False),
    ('a==1.0 ; python_version < "3.12" \\\n    --hash=sha256:abc\n# comment\n', True),
    ("-e .\n", False),
    (".\n", False),
    ("a==1.*\n", False),
    ("x===1\n", True),
    ("a @ https://example.org/a-1.0-py3-none-any.whl\n", False),
    ("--index-url https://example.org/simple\nb==2  # the pin\n", True),
    ("a==1,<2\n", False),
    ("", True),
]


@pytest.mark.parametrize(("text", "pinned"), CASES)
def test_requirements_file(tmp_path, text, pinned):
    (tmp_path / "requirements.txt").write_text(text)
    source = DependencySource(BY_NAME["requirements.txt"], tmp_path)
    assert is_pinned(source) is pinned


def test_an_included_file_must_be_pinned_too(tmp_path):
    (tmp_path / "requirements.txt").write_text("a==1\n-r more.txt\n")
    (tmp_path / "more.txt").write_text("b>=2\n")
    source = DependencySource(BY_NAME["requirements.txt"], tmp_path)
    assert not is_pinned(source)
    (tmp_path / "more.txt").write_text("b==2\n")
    assert is_pinned(source)


@pytest.mark.parametrize(
    ("name", "pinned"),
    [("uv.lock", True), ("poetry.lock", True), ("pyproject.toml", False), ("setup.py", False)],
)
def test_lockfiles_are_pinned_projects_are_not(tmp_path, name, pinned):
    (tmp_path / name).write_text("")
    assert is_pinned(DependencySource(BY_NAME[name], tmp_path)) is pinned
