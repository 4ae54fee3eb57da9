"""The README's Quick start (Local), run as written: an ordinary user with a fresh HOME
installs warpdrive from a checkout with pipx, opens a new login shell, and runs the
commands of the second block in an app's directory until `warpdrive start` answers."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.support import EXAMPLES, IN_CI, ROOT, require_tool
from tests.support.apps import BODIES
from tests.support.http import free_port, get, spawn, stop, wait_for_http

USER = "wdtest"
# What a checkout holds that a fresh clone would not.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", ".demo", "__pycache__", ".pytest_cache", ".ruff_cache", "work", "db.sqlite3"
)


def quick_start_blocks() -> list[str]:
    """The sh code blocks of README.md's "### Local" section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Local\n", 1)[1]
    section = re.split(r"\n##+ ", section, maxsplit=1)[0]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)


def need_root_and_user() -> str:
    problem = None
    if os.geteuid() != 0:
        problem = "runs commands as another user, so it needs root"
    else:
        try:
            pwd.getpwnam(USER)
        except KeyError:
            problem = f"user {USER} is missing (.ci/run creates it)"
    if problem:
        pytest.fail(problem) if IN_CI else pytest.skip(problem)
    return USER


def test_readme_quick_start_as_written_by_a_new_user():
    user = need_root_and_user()
    require_tool("pipx")
    install, use = quick_start_blocks()
    assert "pipx install ." in install
    assert 'eval "$(warpdrive activate myapp)"' in use and "warpdrive start" in use

    base = Path(tempfile.mkdtemp(prefix="wdqs-", dir="/tmp"))
    try:
        base.chmod(0o755)
        home = base / "u"  # short: mod_wsgi socket paths under it must fit 107 bytes
        shutil.copytree("/etc/skel", home)
        checkout = home / "warpdrive"
        shutil.copytree(ROOT, checkout, ignore=NOT_IN_A_CLONE, symlinks=True)
        shutil.copytree(EXAMPLES / "django", home / "src" / "myapp", ignore=NOT_IN_A_CLONE)
        subprocess.run(["chown", "-R", f"{user}:{user}", str(home)], check=True)

        port = free_port()
        # What a login gives: no variables of this test run, no virtualenv, no
        # certificate settings (the system store and /etc/pip.conf are all there is).
        login = {
            "HOME": str(home),
            "USER": user,
            "LOGNAME": user,
            "SHELL": "/bin/bash",
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PORT": str(port),  # the README serves on 8080; a free port for the test
        }
        as_user = {"user": user, "group": user, "extra_groups": [], "env": login}

        # First shell: the install, from the checkout.
        installed = subprocess.run(
            ["bash", "-l", "-e", "-c", install],
            cwd=checkout,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            **as_user,
        )
        assert installed.returncode == 0, installed.stdout + installed.stderr

        # A new login shell finds ~/.local/bin; the second block runs as written.
        log = base / "quickstart.log"
        shell = spawn(["bash", "-l", "-e", "-c", use], log, cwd=home, **as_user)
        try:
            wait_for_http(port, shell, log, timeout=900)
            status, body, _ = get(port, "/")
            assert (status, body) == (200, BODIES["django"]), log.read_text()
        finally:
            stop(shell)
            # bash ran `warpdrive start` as a child, and Apache sits in a session of
            # its own: end whatever the user still runs.
            subprocess.run(["pkill", "-TERM", "-u", user], check=False)
            time.sleep(1)
            subprocess.run(["pkill", "-KILL", "-u", user], check=False)
        text = log.read_text()
        assert "kind:         django" in text  # `warpdrive info`, from the new shell
        assert "command not found" not in text
    finally:
        subprocess.run(["rm", "-rf", str(base)], check=False)
