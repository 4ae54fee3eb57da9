"""`warpdrive sbom` for an app directory: the CycloneDX SBOM of the environment its
build made; the machine's Debian packages only when asked for."""

from __future__ import annotations

import json
import shutil
import subprocess

from tests.integration.test_build import app_root, build_ok
from tests.support import IN_CI

INSTALLED = (
    "import importlib.metadata as m, json; "
    "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
)


def test_sbom_of_a_built_app(run_wd, app_dir, wd_home, tmp_path):
    src = app_dir("django")
    build_ok(run_wd, src, "--server", "gunicorn")
    result = run_wd("sbom", cwd=src)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["bomFormat"], doc["specVersion"]) == ("CycloneDX", "1.5")
    assert doc["metadata"]["component"]["name"] == "django"
    listed = {c["name"]: c["version"] for c in doc["components"]}
    python = app_root(wd_home, src) / "bin/python"
    installed = subprocess.run(
        [str(python), "-I", "-c", INSTALLED], capture_output=True, text=True, check=True
    )
    assert listed == json.loads(installed.stdout)
    assert listed["Django"] == "5.2.19" and "gunicorn" in listed
    assert all(c["purl"].startswith("pkg:pypi/") for c in doc["components"])  # no --os-packages

    out = tmp_path / "sbom.json"
    result = run_wd("sbom", str(src), "--os-packages", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    components = {c["name"]: c for c in json.loads(out.read_text())["components"]}
    if shutil.which("dpkg-query") or IN_CI:  # CI runs on Debian
        libc = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "libc6"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert components["libc6"]["version"] == libc.stdout
        assert components["libc6"]["purl"].startswith(f"pkg:deb/debian/libc6@{libc.stdout}?arch=")
    assert components["Django"]["version"] == "5.2.19"


def test_sbom_of_an_app_not_built(run_wd, app_dir, wd_home):
    src = app_dir("wsgi")
    result = run_wd("sbom", str(src))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: the app has not been built yet: no build record in {app_root(wd_home, src)}",
        "hint: run `warpdrive build` first",
    ]
    assert result.stdout == ""
