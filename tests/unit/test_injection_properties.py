"""Property tests: values full of shell metacharacters stay inert data.

The activation code for any environment name and any paths, eval'd by real bash, zsh
and fish, sets each variable to exactly the value given and runs nothing; environment
files give back exactly the values written. The values mix
arbitrary text with injection attempts that would create a marker file if any shell
ever interpreted them. (The same values through the real `warpdrive` command, up to the
exec'd server argv, are in tests/integration/test_injection.py.)
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hostile import MARK, hostile
from tests.support import require_tool
from warpdrive import envfile
from warpdrive.env import activation
from warpdrive.env.registry import EnvRecord


def component():
    """One directory name: anything but '/', '.' and '..'."""
    return (
        hostile().map(lambda s: s.replace("/", "_")[:60]).filter(lambda s: s not in ("", ".", ".."))
    )


def run_shell(argv: list[str], script: str, env: dict[str, str], cwd: str) -> list[str]:
    """Run `script`; its NUL-separated output fields (bytes: a \\r must stay a \\r)."""
    proc = subprocess.run(
        [*argv, script], capture_output=True, env=env, cwd=cwd, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout.decode().split("\0")[:-1]


POSIX = r"""
PS1='p$ '
before=$PATH
eval "$(cat "$CODE")"
printf '%s\0' "$VIRTUAL_ENV" "$VIRTUAL_ENV_PROMPT" "$WARPDRIVE_ENV_NAME" \
    "$WARPDRIVE_APP_ROOT" "$WARPDRIVE_SRC_ROOT" "$PS1" "$PATH"
deactivate
printf '%s\0' "$PS1" "$PATH" "${VIRTUAL_ENV-unset}" "${WARPDRIVE_ENV_NAME-unset}"
"""

FISH = r"""
set -e VIRTUAL_ENV
cat $CODE | source
printf '%s\0' "$VIRTUAL_ENV" "$VIRTUAL_ENV_PROMPT" "$WARPDRIVE_ENV_NAME" \
    "$WARPDRIVE_APP_ROOT" "$WARPDRIVE_SRC_ROOT" (fish_prompt | string collect -N) \
    (string join : $PATH | string collect)
deactivate
set -q VIRTUAL_ENV; or set VIRTUAL_ENV unset
set -q WARPDRIVE_ENV_NAME; or set WARPDRIVE_ENV_NAME unset
printf '%s\0' "" (string join : $PATH | string collect) "$VIRTUAL_ENV" "$WARPDRIVE_ENV_NAME"
"""

SHELLS = {
    "bash": (["bash", "--norc", "--noprofile", "-c"], POSIX),
    "zsh": (["zsh", "-f", "-c"], POSIX),
    "fish": (["fish", "--no-config", "-c"], FISH),
}


@settings(max_examples=40, deadline=None)
@given(name=hostile(), root_parts=st.lists(component(), min_size=1, max_size=2), src=component())
def test_activation_code_carries_every_value_literally(name, root_parts, src):
    """Names are validated before this code is printed; the quoting alone must still
    hold for any name and any path."""
    for tool in SHELLS:
        require_tool(tool)
    MARK.unlink(missing_ok=True)
    app_root = Path("/tmp/wd-root", *root_parts)
    record = EnvRecord(name, app_root, Path("/tmp/wd-src") / src, None)
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LC_ALL": "C.UTF-8"}
    with tempfile.TemporaryDirectory() as tmp:
        for tool, (argv, script) in SHELLS.items():
            code = Path(tmp) / f"activate.{tool}"
            code.write_text(activation.activate_code(record, "fish" if tool == "fish" else "bash"))
            out = run_shell(argv, script, {**env, "CODE": str(code)}, tmp)
            active, after = out[:7], out[7:]
            assert active[:5] == [
                str(app_root),
                "warpdrive+" + name,
                name,
                str(app_root),
                str(record.src),
            ], tool
            assert active[5].startswith(f"(warpdrive+{name}) "), tool
            if tool != "fish":
                assert active[5] == f"(warpdrive+{name}) p$ "
                assert after[0] == "p$ "
            assert active[6] == f"{app_root}/bin:/usr/bin:/bin", tool
            assert after[1:] == ["/usr/bin:/bin", "unset", "unset"], tool
            assert not MARK.exists(), tool
        # Paths hold the injections with '/' made '_': relative to the shell's directory.
        assert sorted(p.name for p in Path(tmp).iterdir()) == sorted(
            f"activate.{t}" for t in SHELLS
        )


def one_line(value: str) -> bool:
    """What read_text gives for a file has its lines end in \n (\r\n and \r became \n)."""
    return "\n" not in value and "\r" not in value


@settings(max_examples=200, deadline=None)
@given(values=st.lists(hostile().filter(one_line), max_size=4))
def test_environment_file_values_come_back_exactly(values):
    """`KEY="value"` (or 'value') gives back the value, whatever it holds."""
    quotes = ['"', "'"]
    text = "".join(
        f"{'export ' if i % 2 else ''}WD_V{i}={quotes[i % 2]}{v}{quotes[i % 2]}\n"
        for i, v in enumerate(values)
    )
    assert envfile.parse(text, Path("env")) == {f"WD_V{i}": v for i, v in enumerate(values)}


def plain(value: str) -> bool:
    """A value that needs no quotes: no surrounding whitespace, not itself quoted."""
    quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "'\""
    return one_line(value) and value == value.strip() and not quoted


@settings(max_examples=200, deadline=None)
@given(values=st.lists(hostile().filter(plain), max_size=4))
def test_plain_environment_values_are_taken_as_written(values):
    text = "".join(f"WD_V{i}={v}\n" for i, v in enumerate(values))
    assert envfile.parse(text, Path("env")) == {f"WD_V{i}": v for i, v in enumerate(values)}
