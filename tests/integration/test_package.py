"""`pip install .` into a clean virtualenv gives a working `warpdrive` with its data."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.support import EXAMPLES, ROOT

DATA = ("s2i", "server-scripts", "builders")


def run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WARPDRIVE_", "VIRTUAL_ENV"))}
    env["WARPDRIVE_HOME"] = str(cwd / "home")
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_installed_command_and_version(installed, tmp_path):
    result = run(installed, str(installed / "bin/warpdrive"), "--version", cwd=tmp_path)
    assert result.returncode == 0
    from warpdrive import __version__

    assert result.stdout.strip() == f"warpdrive {__version__}"


def test_installed_package_carries_its_data(installed, tmp_path):
    code = (
        "import json, warpdrive.resources as r; "
        "print(json.dumps({n: str(r.data_dir(n)) for n in r.NAMES}))"
    )
    result = run(installed, str(installed / "bin/python"), "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    dirs = json.loads(result.stdout)
    for name in DATA:
        path = Path(dirs[name])
        # From the installed package, not from this checkout.
        assert path.is_relative_to(installed), path
        assert not path.is_relative_to(ROOT)
        # pip compiles the shipped .py files; caches are not part of what ships.
        shipped = sorted(
            p.relative_to(path)
            for p in path.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )
        in_checkout = sorted(
            p.relative_to(ROOT / name)
            for p in (ROOT / name).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )
        assert shipped == in_checkout
    for launcher in Path(dirs["server-scripts"]).iterdir():
        assert os.access(launcher, os.X_OK), launcher


def test_installed_info_uses_installed_launchers(installed, tmp_path):
    result = run(
        installed,
        str(installed / "bin/warpdrive"),
        "info",
        "--json",
        str(EXAMPLES / "wsgi"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    launcher = Path(json.loads(result.stdout)["launch"]["argv"][0])
    assert launcher.is_relative_to(installed)
    assert os.access(launcher, os.X_OK)
