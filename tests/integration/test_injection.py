"""Property tests through the real `warpdrive` command: names, environment-file values,
server arguments and paths full of shell metacharacters are carried literally, and no
injected command runs.

The app is a `python` app whose app.py records what it was exec'd with (its argv, its
environment, its directory) and exits, so `warpdrive start` runs the whole real chain
(hooks, the launcher server-scripts/start-python, exec) in well under a second; the
printed argv (`start --dry-run`, shell-quoted) must equal the exec'd one.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.hostile import MARK, hostile
from tests.support import require_tool
from tests.support.cli import WARPDRIVE, Result, base_env, run_command
from tests.support.http import free_port
from warpdrive import resources
from warpdrive.env import registry

APP = """\
import json, os, sys
with open(os.environ["PROBE_OUT"], "w", encoding="utf-8") as fh:
    json.dump({"argv": sys.argv, "env": dict(os.environ), "cwd": os.getcwd()}, fh)
"""
# The deploy hook is a shell script that uses the values as a careful script does.
HOOK = """\
#!/bin/sh
printf '%s' "$WD_V0" > "$HOOK_OUT"
"""
# Each example runs real processes (a second or two): no shrinking, which would run
# hundreds more; a failure is reported as found.
SLOW = {
    "deadline": None,
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
    "suppress_health_check": [HealthCheck.too_slow],
}


def make_app(src: Path) -> Path:
    src.mkdir(parents=True)
    (src / "app.py").write_text(APP)
    return src


def run(argv: list[str], env: dict[str, str], cwd: Path) -> Result:
    """A CR in a value must stay a CR."""
    return run_command(argv, env, cwd, timeout=120, keep_cr=True)


@pytest.fixture(scope="module")
def python_app(tmp_path_factory):
    """A built `python` app and the environment its commands run with."""
    base = tmp_path_factory.mktemp("injection")
    src = make_app(base / "src" / "probe")
    env = {**base_env(base / "home"), "PROBE_OUT": str(base / "probe.json")}
    result = run([WARPDRIVE, "build"], env, src)
    assert result.returncode == 0, result.stderr
    return src, env, base


def start(src: Path, env: dict[str, str]) -> tuple[list[str], dict]:
    """`start --dry-run`'s argv, then what app.py saw when `start` exec'd it."""
    env = {**env, "PORT": str(free_port())}
    dry = run([WARPDRIVE, "start", "--dry-run"], env, src)
    assert dry.returncode == 0, dry.stderr
    probe = Path(env["PROBE_OUT"])
    probe.unlink(missing_ok=True)
    real = run([WARPDRIVE, "start"], env, src)
    assert real.returncode == 0, real.stderr
    return shlex.split(dry.stdout), json.loads(probe.read_text(encoding="utf-8"))


def no_line_break(value: str) -> bool:
    # Files are read as text, so \r\n and \r are line breaks like \n.
    return "\n" not in value and "\r" not in value


def toml_string(value: str) -> str:
    """A TOML basic string: escapes for the quote, the backslash and control characters."""
    out = []
    for char in value:
        if char in '"\\' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


@settings(max_examples=25, **SLOW)
@given(
    values=st.lists(hostile().filter(no_line_break), min_size=1, max_size=3),
    file_args=st.lists(hostile().filter(lambda a: no_line_break(a) and a.strip()), max_size=4),
    toml_args=st.lists(hostile(), max_size=4),
    from_file=st.booleans(),
)
def test_values_and_server_args_reach_the_app_literally(
    python_app, values, file_args, toml_args, from_file
):
    """`.warpdrive/environment` values reach the deploy hook and the app's environment;
    server arguments (`.warpdrive/server_args/python`, one a line, or `server-args` in
    pyproject.toml, any string) are the app's argv, as printed by `start --dry-run`."""
    src, env, base = python_app
    MARK.unlink(missing_ok=True)
    config = src / ".warpdrive"
    shutil.rmtree(config, ignore_errors=True)
    (src / "pyproject.toml").unlink(missing_ok=True)
    (config / "action_hooks").mkdir(parents=True)
    (config / "environment").write_text(
        "".join(f'WD_V{i}="{v}"\n' for i, v in enumerate(values)), encoding="utf-8"
    )
    hook = config / "action_hooks/deploy"
    hook.write_text(HOOK)
    hook.chmod(0o755)
    if from_file:
        args = file_args
        (config / "server_args").mkdir()
        (config / "server_args/python").write_text(
            "".join(a + "\n" for a in args), encoding="utf-8"
        )
    else:
        args = toml_args
        (src / "pyproject.toml").write_text(
            "[tool.warpdrive]\nserver-args = [" + ", ".join(map(toml_string, args)) + "]\n",
            encoding="utf-8",
        )
    hook_out = base / "hook.out"
    printed, seen = start(src, {**env, "HOOK_OUT": str(hook_out)})
    expected = [str(resources.launcher("python")), str(src / "app.py"), *args]
    assert printed == expected
    assert seen["argv"] == expected[1:]
    for i, value in enumerate(values):
        assert seen["env"][f"WD_V{i}"] == value
    assert hook_out.read_bytes().decode() == values[0]
    assert not MARK.exists()


# Any text: most of it is not a valid name and must be refused.
NAMES = st.one_of(st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,15}", fullmatch=True), hostile())


@settings(max_examples=25, **SLOW)
@given(name=NAMES.filter(lambda n: "\x00" not in n))
def test_activate_names(python_app, name):
    """A valid name activates in bash, zsh and fish with every value exactly as given;
    anything else is refused with one error line and no code at all on stdout."""
    for tool in ("bash", "zsh", "fish"):
        require_tool(tool)
    src, env, _ = python_app
    MARK.unlink(missing_ok=True)
    home = Path(env["WARPDRIVE_HOME"])
    before = sorted(p.name for p in home.iterdir())
    posix = run([WARPDRIVE, "activate", "--shell", "bash", "--", name], env, src)
    fish = run([WARPDRIVE, "activate", "--shell", "fish", "--", name], env, src)
    # The documented rule: letters, digits, '.', '_', '-', not starting with '.' or '-'.
    valid = re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}", name) is not None
    if not valid:
        for result in (posix, fish):
            assert (result.returncode, result.stdout) == (2, "")
            assert result.stderr.splitlines()[0] == f"error: invalid environment name {name!r}"
        assert sorted(p.name for p in home.iterdir()) == before
    else:
        assert posix.returncode == fish.returncode == 0, posix.stderr + fish.stderr
    show = 'printf "%s\\0" "$WARPDRIVE_ENV_NAME" "$VIRTUAL_ENV" "$WARPDRIVE_SRC_ROOT"'
    for argv, code in (
        (["bash", "--norc", "--noprofile", "-c"], posix.stdout),
        (["zsh", "-f", "-c"], posix.stdout),
        (["fish", "--no-config", "-c"], fish.stdout),
    ):
        script = f'eval "$CODE"; {show}' if argv[0] != "fish" else f"echo $CODE | source; {show}"
        out = subprocess.run(
            [*argv, script],
            env={**env, "CODE": code},
            capture_output=True,
            timeout=60,
            check=False,
        )
        fields = out.stdout.decode().split("\0")[:-1]
        if valid:
            assert fields == [name, str(home / f"warpdrive+{name}"), str(src)], argv[0]
        else:
            assert fields == ["", env["VIRTUAL_ENV"], ""], argv[0]
    assert not MARK.exists()


def path_part():
    """A directory name full of metacharacters (no '/', not '.' or '..')."""
    return (
        hostile(max_size=8)
        .map(lambda s: s.replace("/", "_").replace("\x00", "_")[:40])
        .filter(lambda s: s not in ("", ".", ".."))
    )


USER_SESSION = r"""
set -e
cd "$SRC"
eval "$(warpdrive activate)"
warpdrive build >/dev/null 2>&1
warpdrive start --dry-run > "$DRY"
warpdrive start
printf '%s' "$WARPDRIVE_ENV_NAME" > "$NAME_OUT"
"""


@settings(max_examples=10, **SLOW)
@given(src_parts=st.lists(path_part(), min_size=1, max_size=2), home_part=path_part())
def test_paths_with_metacharacters(python_app, src_parts, home_part):
    """A source directory and WARPDRIVE_HOME with spaces, quotes, `$(...)`, `;`,
    newlines: a bash session activates, builds and starts the app, and every path
    arrives as it is."""
    require_tool("bash")
    _, env, base = python_app
    MARK.unlink(missing_ok=True)
    work = Path(tempfile.mkdtemp(dir=base))
    src = make_app(work.joinpath("src", *src_parts))
    home = work / "home" / home_part
    dry = work / "dry"
    name_out = work / "name"
    session = {
        **env,
        "WARPDRIVE_HOME": str(home),
        "SRC": str(src),
        "DRY": str(dry),
        "NAME_OUT": str(name_out),
        "PORT": str(free_port()),
    }
    result = run(["bash", "--norc", "--noprofile", "-c", USER_SESSION], session, work)
    assert result.returncode == 0, result.stderr
    name = name_out.read_bytes().decode()
    assert name == registry.name_for_directory(src)
    app_root = home / f"warpdrive+{name}"
    seen = json.loads(Path(env["PROBE_OUT"]).read_text(encoding="utf-8"))
    assert shlex.split(dry.read_bytes().decode()) == [
        str(resources.launcher("python")),
        str(src / "app.py"),
    ]
    assert seen["argv"] == [str(src / "app.py")]
    assert seen["cwd"] == str(src)
    for key, value in (
        ("VIRTUAL_ENV", app_root),
        ("WARPDRIVE_APP_ROOT", app_root),
        ("WARPDRIVE_SRC_ROOT", src),
        ("WARPDRIVE_APP_HOME", src),
    ):
        assert seen["env"][key] == str(value), key
    assert not MARK.exists()
    # Directory names hold the injections with '/' made '_': relative to a directory.
    relative = str(MARK).replace("/", "_")
    assert not [p for p in work.rglob("*") if p.name == relative]
    shutil.rmtree(work)
