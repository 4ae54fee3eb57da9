"""`warpdrive activate` eval'd in real bash, zsh and fish; list, destroy, shell, exec."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import require_tool
from tests.support.cli import WARPDRIVE, run_command

POSIX_SCRIPT = r"""
PS1='my prompt$ '
before_path=$PATH
eval "$(warpdrive activate demo)"
echo "VENV=$VIRTUAL_ENV"
echo "SRC=$WARPDRIVE_SRC_ROOT"
echo "PS1=$PS1"
echo "PY=$(command -v python)"
deactivate
[ "$PATH" = "$before_path" ] && echo PATH_RESTORED
echo "PS1AFTER=$PS1"
echo "VENVAFTER=$VIRTUAL_ENV"
[ -z "${WARPDRIVE_ENV_NAME+x}" ] && echo NAME_UNSET
typeset -f deactivate >/dev/null 2>&1 || echo NO_DEACTIVATE
"""

FISH_SCRIPT = r"""
set before (string join : $PATH)
set prompt_before (fish_prompt | string join '')
warpdrive activate demo | source
echo "VENV=$VIRTUAL_ENV"
echo "SRC=$WARPDRIVE_SRC_ROOT"
echo "PS1="(fish_prompt | string join '')
echo "PY="(command -v python)
deactivate
test (string join : $PATH) = $before; and echo PATH_RESTORED
test (fish_prompt | string join '') = $prompt_before; and echo PROMPT_RESTORED
echo "VENVAFTER=$VIRTUAL_ENV"
set -q WARPDRIVE_ENV_NAME; or echo NAME_UNSET
functions -q deactivate; or echo NO_DEACTIVATE
"""

SHELL_ARGV = {
    "bash": ["bash", "--norc", "--noprofile", "-c"],
    "zsh": ["zsh", "-f", "-c"],
    "fish": ["fish", "--no-config", "-c"],
}


def run_shell(shell: str, script: str, cwd: Path, env: dict[str, str]) -> dict[str, str]:
    require_tool(shell)
    env = {**env, "SHELL": "/usr/bin/" + shell}
    proc = run_command([*SHELL_ARGV[shell], script], env, cwd, timeout=120)
    assert proc.returncode == 0, proc.stderr
    values = {}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition("=")
        values[key] = value
    return values


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_activate_and_deactivate_in_a_real_shell(shell, env, wd_home, app_dir):
    src = app_dir("wsgi")
    out = run_shell(shell, FISH_SCRIPT if shell == "fish" else POSIX_SCRIPT, src, env)
    app_root = wd_home / "warpdrive+demo"
    assert out["VENV"] == str(app_root)
    assert out["SRC"] == str(src)
    assert out["PY"] == str(app_root / "bin/python")
    assert out["PS1"].startswith("(warpdrive+demo) ")
    if shell != "fish":
        assert out["PS1"] == "(warpdrive+demo) my prompt$ "
        assert out["PS1AFTER"] == "my prompt$ "
    else:
        assert "PROMPT_RESTORED" in out
    assert "PATH_RESTORED" in out
    assert out["VENVAFTER"] == env["VIRTUAL_ENV"]  # the junk value it had before, exactly
    assert "NAME_UNSET" in out
    assert "NO_DEACTIVATE" in out
    record = json.loads((app_root / "warpdrive-env.json").read_text())
    assert record["src"] == str(src)
    assert (app_root / "bin/python").exists()


KEEPS_WARPDRIVE = {
    "bash": '. "$VENV/bin/activate"; eval "$(warpdrive activate demo)"',
    "zsh": '. "$VENV/bin/activate"; eval "$(warpdrive activate demo)"',
    "fish": 'source "$VENV/bin/activate.fish"; warpdrive activate demo | source',
}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_activate_inside_a_venv_keeps_warpdrive_reachable(shell, env, app_dir):
    """warpdrive installed in a venv the user has activated: activation deactivates that
    venv (as venv's own activate does), yet `warpdrive` still runs, and `python` is the
    app's."""
    venv = Path(sys.executable).parent.parent
    path = [p for p in env["PATH"].split(os.pathsep) if Path(p) != venv / "bin"]
    shell_env = {**env, "VENV": str(venv), "PATH": os.pathsep.join(path)}
    script = KEEPS_WARPDRIVE[shell] + (
        '; echo "WD=$(command -v warpdrive)"; echo "PY=$(command -v python)"'
        "; warpdrive list >/dev/null; and echo LIST_OK"
        if shell == "fish"
        else '; echo "WD=$(command -v warpdrive)"; echo "PY=$(command -v python)"'
        "; warpdrive list >/dev/null && echo LIST_OK"
    )
    out = run_shell(shell, script, app_dir("wsgi"), shell_env)
    assert out["WD"] == WARPDRIVE
    assert out["PY"] == str(Path(env["WARPDRIVE_HOME"]) / "warpdrive+demo/bin/python")
    assert "LIST_OK" in out


def test_bash_prompt_unset_before_stays_unset(env, app_dir):
    script = 'unset PS1; eval "$(warpdrive activate demo)"; deactivate; echo "SET=${PS1+yes}"'
    assert run_shell("bash", script, app_dir("wsgi"), env)["SET"] == ""


def test_activate_prints_only_shell_code_on_stdout(run_wd, app_dir, wd_home):
    src = app_dir("wsgi")
    result = run_wd("activate", "demo", "--shell", "bash", cwd=src)
    assert result.returncode == 0
    assert result.stdout.startswith("# warpdrive: activate warpdrive+demo\n")
    assert "-----> Creating environment warpdrive+demo" in result.stderr
    # A second activation reuses the environment and creates nothing.
    again = run_wd("activate", "demo", cwd=src)
    assert again.returncode == 0
    assert "Creating" not in again.stderr


def test_fish_chosen_from_shell_variable(run_wd, app_dir):
    result = run_wd("activate", "demo", cwd=app_dir("wsgi"), extra={"SHELL": "/usr/bin/fish"})
    assert "set -gx VIRTUAL_ENV" in result.stdout


def test_name_defaults_to_the_directory(run_wd, app_dir, wd_home):
    src = app_dir("wsgi")
    assert run_wd("activate", cwd=src).returncode == 0
    assert (wd_home / "warpdrive+wsgi/bin/python").exists()


BAD_NAMES = [
    "a;b",
    "x$(touch {mark})",
    "x`touch {mark}`",
    "two words",
    "it's",
    'say"hi"',
    "a/b",
    "line\nbreak",
    "",
    "-rf",
    "..",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_invalid_names_print_nothing_and_exit_2(run_wd, app_dir, tmp_path, wd_home, name):
    mark = tmp_path / "injected"
    name = name.format(mark=mark)
    result = run_wd("activate", "--", name, cwd=app_dir("wsgi"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: invalid environment name ")
    assert "hint: use only letters, digits" in result.stderr
    assert not mark.exists()
    assert list(wd_home.iterdir()) == []


@pytest.mark.parametrize("shell", ["bash", "zsh"])
@pytest.mark.parametrize("template", ["x$(touch {mark})", "x`touch {mark}`", "x;touch {mark}"])
def test_injected_command_does_not_run_when_evald(shell, template, env, app_dir, tmp_path):
    mark = tmp_path / "injected"
    name = template.format(mark=mark)
    quoted = "'" + name.replace("'", "'\\''") + "'"
    script = f'eval "$(warpdrive activate {quoted})"; echo "STATUS=$?"'
    run_shell(shell, script, app_dir("wsgi"), env)
    assert not mark.exists()


def test_quoting_of_odd_but_valid_paths(env, tmp_path, app_dir):
    """WARPDRIVE_HOME and the source directory may hold spaces, quotes and `$(...)`."""
    odd = tmp_path / "it's a $(touch INJECTED) `touch INJECTED2` \\ dir"
    src = odd / "src"
    src.mkdir(parents=True)
    (src / "wsgi.py").write_text((app_dir("wsgi") / "wsgi.py").read_text())
    env = {**env, "WARPDRIVE_HOME": str(odd / "home")}
    for shell, script in (("bash", POSIX_SCRIPT), ("zsh", POSIX_SCRIPT), ("fish", FISH_SCRIPT)):
        out = run_shell(shell, script, src, env)
        assert out["VENV"] == str(odd / "home/warpdrive+demo")
        assert out["SRC"] == str(src)
        assert "PATH_RESTORED" in out
    assert not list(tmp_path.rglob("INJECTED*"))


def real(path: str | Path) -> str:
    return os.path.realpath(path)


def test_python_defaults_to_the_one_warpdrive_runs_under(run_wd, app_dir, wd_home):
    assert run_wd("activate", "demo", cwd=app_dir("wsgi")).returncode == 0
    assert real(wd_home / "warpdrive+demo/bin/python") == real(sys._base_executable)


def test_python_flag(run_wd, app_dir, wd_home):
    other = "/usr/bin/python3.11"
    if not Path(other).exists():
        pytest.skip("Debian's python3.11 is not installed")
    result = run_wd("activate", "demo", "--python", other, cwd=app_dir("wsgi"))
    assert result.returncode == 0, result.stderr
    assert real(wd_home / "warpdrive+demo/bin/python") == real(other)
    assert "(from --python)" in result.stderr


def test_python_flag_naming_the_environments_own_python_is_no_warning(run_wd, app_dir, tmp_path):
    """As `make demo` runs it each time: --python with the Python the environment was
    made with (by any name) is not ignored, it is already so."""
    system = "/usr/bin/python3"
    if not Path(system).exists():
        pytest.skip("Debian's python3 is not installed")
    src = app_dir("wsgi")
    alias = tmp_path / "python-alias"
    alias.symlink_to(system)
    for python in (system, system, str(alias)):
        result = run_wd("activate", "demo", "--python", python, cwd=src)
        assert result.returncode == 0, result.stderr
        assert "warning" not in result.stderr
    other = sys._base_executable
    if real(other) != real(system):
        result = run_wd("activate", "demo", "--python", other, cwd=src)
        assert result.returncode == 0, result.stderr
        assert "warning: warpdrive+demo exists, so --python is ignored" in result.stderr


def test_python_version_file_when_that_python_is_on_path(run_wd, app_dir, wd_home, tmp_path, env):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3.11").symlink_to("/usr/bin/python3.11")
    src = app_dir("wsgi")
    (src / ".python-version").write_text("3.11.4\n")
    path = f"{bindir}{os.pathsep}{env['PATH']}"
    result = run_wd("activate", "demo", cwd=src, extra={"PATH": path})
    assert result.returncode == 0, result.stderr
    assert "(from .python-version (3.11.4))" in result.stderr
    assert real(wd_home / "warpdrive+demo/bin/python") == real("/usr/bin/python3.11")


def test_python_version_file_naming_a_missing_python(run_wd, app_dir, wd_home):
    src = app_dir("wsgi")
    (src / ".python-version").write_text("3.99\n")
    result = run_wd("activate", "demo", cwd=src)
    assert result.returncode == 2
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("error: .python-version asks for Python 3.99 but none is available")
    assert not (wd_home / "warpdrive+demo").exists()
    assert list(wd_home.iterdir()) == []


def test_python_flag_missing(run_wd, app_dir, wd_home):
    result = run_wd("activate", "demo", "--python", "python9.9", cwd=app_dir("wsgi"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "error: Python 'python9.9' (from --python) was not found" in result.stderr
    assert not (wd_home / "warpdrive+demo").exists()


def test_list_marks_the_active_env(run_wd, app_dir):
    src = app_dir("wsgi")
    run_wd("activate", "one", cwd=src)
    run_wd("activate", "two", cwd=src)
    listing = run_wd("list", extra={"WARPDRIVE_ENV_NAME": "two"}).stdout.splitlines()
    assert listing[0].split() == ["one", str(src)]
    assert listing[1].split() == ["*", "two", str(src)]
    rows = json.loads(run_wd("list", "--json").stdout)
    assert [r["name"] for r in rows] == ["one", "two"]


def test_destroy_refuses_the_active_env(run_wd, app_dir, wd_home):
    run_wd("activate", "demo", cwd=app_dir("wsgi"))
    result = run_wd("destroy", "demo", extra={"WARPDRIVE_ENV_NAME": "demo"})
    assert result.returncode == 2
    assert "error: refusing to destroy 'demo': it is the active environment" in result.stderr
    assert (wd_home / "warpdrive+demo/bin/python").exists()
    # Active by VIRTUAL_ENV alone (e.g. activated with the venv's own script) counts too.
    venv = str(wd_home / "warpdrive+demo")
    assert run_wd("destroy", "demo", extra={"VIRTUAL_ENV": venv}).returncode == 2
    result = run_wd("destroy", "demo")
    assert result.returncode == 0, result.stderr
    assert not (wd_home / "warpdrive+demo").exists()


def test_destroy_unknown_env(run_wd):
    result = run_wd("destroy", "ghost")
    assert result.returncode == 2
    assert "error: no environment named 'ghost'" in result.stderr


def test_exec_runs_inside_the_env(run_wd, app_dir, wd_home):
    run_wd("activate", "demo", cwd=app_dir("wsgi"))
    code = "import os, sys; print(sys.prefix); print(os.environ['WARPDRIVE_ENV_NAME'])"
    result = run_wd("exec", "--env", "demo", "python", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(wd_home / "warpdrive+demo"), "demo"]
    active = run_wd("exec", "python", "-c", code, extra={"WARPDRIVE_ENV_NAME": "demo"})
    assert active.stdout == result.stdout


def test_exec_without_an_env(run_wd):
    result = run_wd("exec", "python", "-V")
    assert result.returncode == 2
    assert "error: no warpdrive environment is active" in result.stderr


def test_exec_unknown_command(run_wd, app_dir):
    run_wd("activate", "demo", cwd=app_dir("wsgi"))
    result = run_wd("exec", "--env", "demo", "no-such-command-here")
    assert result.returncode == 127
    assert (
        "error: command not found in the environment or on PATH: 'no-such-command-here'"
        in result.stderr
    )


def test_shell_starts_in_the_source_dir_with_the_env(run_wd, app_dir, wd_home):
    src = app_dir("wsgi")
    run_wd("activate", "demo", cwd=src)
    result = run_wd(
        "shell",
        "--env",
        "demo",
        extra={"SHELL": "/bin/bash"},
        input='echo "$VIRTUAL_ENV"; pwd; exit 3\n',
    )
    assert result.returncode == 3
    assert result.stdout.splitlines() == [str(wd_home / "warpdrive+demo"), str(src)]


def test_activating_an_existing_env_takes_the_quick_path(run_wd, app_dir, env):
    """`warpdrive activate NAME` for an existing env answers without loading click,
    and prints exactly what the full command line prints."""
    src = app_dir("wsgi")
    assert run_wd("activate", "demo", cwd=src).returncode == 0
    assert run_wd("activate", cwd=src).returncode == 0  # named after the directory
    probe = (
        "import sys\n"
        f"sys.argv[0] = {WARPDRIVE!r}\n"  # as the console script starts it
        "from warpdrive.cli.entry import quick_activate\n"
        "answered = quick_activate(sys.argv[1:])\n"
        "print('\\nQUICK', answered, 'click' in sys.modules, file=sys.stderr)\n"
    )
    for args, expected in ((["activate", "demo"], "True False"), (["activate"], "True False")):
        quick = subprocess.run(
            [sys.executable, "-c", probe, *args],
            cwd=src,
            env={**env, "SHELL": "/bin/bash"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert f"QUICK {expected}" in quick.stderr, quick.stderr
        # --shell bash takes the full command line; the code must be the same.
        full = run_wd(*args, "--shell", "bash", cwd=src, extra={"SHELL": "/bin/bash"})
        assert full.returncode == 0 and full.stdout == quick.stdout
    # A new environment, an option or a bad name goes to the full command line.
    for args in (["activate", "other"], ["activate", "demo", "--rebind"], ["activate", "a;b"]):
        out = subprocess.run(
            [sys.executable, "-c", probe, *args],
            cwd=src,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert "QUICK False" in out.stderr and out.stdout == ""


def bound_to(run_wd) -> str:
    [env] = json.loads(run_wd("list", "--json").stdout)
    return env["src"]


def test_rebinding_says_so(run_wd, app_dir, tmp_path):
    """An existing environment keeps its directory unless --rebind, or its directory
    is gone; either way a rebinding is one notice naming both directories."""
    first = app_dir("wsgi")
    second = tmp_path / "second"
    second.mkdir()
    assert run_wd("activate", "demo", cwd=first).returncode == 0

    elsewhere = run_wd("activate", "demo", cwd=second)
    assert (elsewhere.returncode, elsewhere.stderr) == (0, "")
    assert bound_to(run_wd) == str(first)

    rebound = run_wd("activate", "demo", "--rebind", cwd=second)
    assert rebound.returncode == 0, rebound.stderr
    assert rebound.stderr == (
        f"notice: warpdrive+demo is now bound to {second} (it was bound to {first})\n"
    )
    assert bound_to(run_wd) == str(second)
    again = run_wd("activate", "demo", "--rebind", cwd=second)
    assert (again.returncode, again.stderr) == (0, "")

    second.rmdir()
    moved = run_wd("activate", "demo", cwd=first)
    assert moved.returncode == 0, moved.stderr
    assert moved.stderr == (
        f"notice: warpdrive+demo is now bound to {first} "
        f"(it was bound to {second}, which no longer exists)\n"
    )
    assert bound_to(run_wd) == str(first)
    quick = run_wd("activate", "demo", cwd=first)
    assert (quick.returncode, quick.stderr) == (0, "")
