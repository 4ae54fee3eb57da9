"""Environment names and the quoting of values printed as shell code."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support import require_tool
from warpdrive.env import activation, registry
from warpdrive.errors import InvalidEnvName


@pytest.mark.parametrize("name", ["app", "my-app", "my_app.v2", "A1", "x" * 100])
def test_valid_names(name):
    assert registry.validate_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        ".",
        "..",
        ".hidden",
        "-x",
        "a b",
        "a/b",
        "a;b",
        "a$b",
        "a`b",
        "a'b",
        'a"b',
        "a\nb",
        "é",
        "x" * 101,
    ],
)
def test_invalid_names(name):
    with pytest.raises(InvalidEnvName):
        registry.validate_name(name)


@pytest.mark.parametrize(
    ("directory", "name"),
    [
        ("my app", "my-app"),
        (".hidden", "hidden"),
        ("$(x)", "x-"),
        ("...", "app"),
    ],
)
def test_default_name_from_directory(directory, name):
    assert registry.name_for_directory(Path("/src") / directory) == name


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=40))
def test_fish_quote_round_trips_in_real_fish(value):
    require_tool("fish")
    script = "printf '%s' " + activation.fish_quote(value)
    # Bytes, not text: universal newlines would turn a \r into \n.
    out = subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, check=True)
    assert out.stdout.decode() == value
