"""Parsing `.warpdrive/environment` and `.s2i/environment` files."""

from __future__ import annotations

from pathlib import Path

import pytest

from warpdrive import context, envfile
from warpdrive.errors import BadConfigFile


def test_values_comments_export_and_quotes():
    text = """
# a comment
PLAIN=value
export EXPORTED=yes
DOUBLE="pkg:app"
SINGLE='two words'
SPACED = padded
EQUALS=a=b=c
EMPTY=
UNMATCHED="half
"""
    assert envfile.parse(text, Path("f")) == {
        "PLAIN": "value",
        "EXPORTED": "yes",
        "DOUBLE": "pkg:app",
        "SINGLE": "two words",
        "SPACED": "padded",
        "EQUALS": "a=b=c",
        "EMPTY": "",
        "UNMATCHED": '"half',
    }


def test_values_are_literal():
    parsed = envfile.parse("CMD=$(touch /tmp/x)\nREF=$HOME\n", Path("f"))
    assert parsed == {"CMD": "$(touch /tmp/x)", "REF": "$HOME"}


@pytest.mark.parametrize("line", ["no equals sign", "1BAD=x", "BAD-NAME=x", "=value"])
def test_malformed_lines_are_errors_naming_the_line(line):
    with pytest.raises(BadConfigFile) as info:
        envfile.parse(f"OK=1\n{line}\n", Path("/src/.warpdrive/environment"))
    assert info.value.message == (
        f"cannot read /src/.warpdrive/environment: line 2 is not KEY=VALUE: {line!r}"
    )


def test_missing_file_is_empty(tmp_path):
    assert envfile.load(tmp_path / "nope") == {}


def test_process_environment_beats_the_file_but_empty_does_not(tmp_path):
    (tmp_path / ".warpdrive").mkdir()
    (tmp_path / ".warpdrive/environment").write_text("PORT=9000\nAPP_MODULE=a:b\n")
    ctx = context.resolve(tmp_path, {"APP_MODULE": "c:d", "PORT": "", "HOME": str(tmp_path)})
    assert ctx.setting("APP_MODULE").source == "env APP_MODULE"
    assert ctx.setting("APP_MODULE").value == "c:d"
    port = ctx.setting("PORT")
    assert (port.value, port.source) == ("9000", ".warpdrive/environment PORT")


def test_environment_file_cannot_move_the_app_root(tmp_path):
    (tmp_path / ".warpdrive").mkdir()
    (tmp_path / ".warpdrive/environment").write_text("WARPDRIVE_APP_ROOT=/etc\n")
    ctx = context.resolve(tmp_path, {"WARPDRIVE_HOME": str(tmp_path / "h")})
    assert ctx.app_root == tmp_path / "h" / f"warpdrive+{tmp_path.name}"


def test_quotes_the_standard_s2i_tool_kept_are_removed(tmp_path):
    (tmp_path / ".s2i").mkdir()
    (tmp_path / ".s2i/environment").write_text(
        "APP_MODULE=\"pkg:app\"\n// a comment\nGREETING = 'hi there'\nPLAIN=x\n"
        'OVERRIDDEN="file"\nno equals sign\n'
    )
    environ = {
        "APP_MODULE": '"pkg:app"',
        "GREETING": "'hi there'",
        "PLAIN": "x",
        "OVERRIDDEN": '"set at run time"',
        "HOME": str(tmp_path),
    }
    ctx = context.resolve(tmp_path, environ)
    assert ctx.environ["APP_MODULE"] == "pkg:app"
    assert ctx.environ["GREETING"] == "hi there"
    assert ctx.environ["PLAIN"] == "x"
    # Not the file's text: set elsewhere, taken as it is.
    assert ctx.environ["OVERRIDDEN"] == '"set at run time"'
    assert envfile.unquote_s2i(environ, tmp_path / "elsewhere") == environ
