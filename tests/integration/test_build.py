"""`warpdrive build` on real apps: real virtualenvs, real installs, real hooks."""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_apache
from tests.support import IN_CI, require_tool
from tests.support.cli import run_warpdrive
from warpdrive.serve import apache

STEP = "-----> "


def app_root(wd_home: Path, src: Path) -> Path:
    return wd_home / f"warpdrive+{src.name}"


def versions(root: Path, *names: str) -> dict[str, str | None]:
    """Installed versions in the app's environment, asked of its own Python."""
    code = (
        "import json, sys, importlib.metadata as m\n"
        "out = {}\n"
        "for n in sys.argv[1:]:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: out[n] = None\n"
        "print(json.dumps(out))"
    )
    result = subprocess.run(
        [str(root / "bin/python"), "-c", code, *names], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def steps(stderr: str) -> list[str]:
    return [line[len(STEP) :] for line in stderr.splitlines() if line.startswith(STEP)]


def build_ok(run_wd, src: Path, *args: str, extra: dict | None = None):
    result = run_wd("build", *args, cwd=src, extra=extra)
    assert result.returncode == 0, result.stderr
    return result


EXAMPLE_PACKAGES = {
    "django": "django",
    "paste": "pastedeploy",
    "shell": "gunicorn",
    "wsgi": None,
    "python": None,
    "procfile": "gunicorn",
    "asgi": "fastapi",
}


@pytest.mark.parametrize("example", sorted(EXAMPLE_PACKAGES))
def test_build_every_example_with_uv(run_wd, app_dir, wd_home, example):
    src = app_dir(example)
    result = build_ok(run_wd, src, "--server", "gunicorn")
    root = app_root(wd_home, src)
    lines = steps(result.stderr)
    assert lines[0] == f"Creating environment warpdrive+{example} in {root}"
    assert any(
        line.startswith("Installing dependencies from requirements.txt with uv ") for line in lines
    )
    assert lines[-1].startswith("Build finished in ")
    package = EXAMPLE_PACKAGES[example]
    if package:
        assert versions(root, package)[package] is not None
        # The installer's own output streams through, indented under the step.
        assert f"       + {package}==" in result.stderr.lower()
    record = json.loads((root / "warpdrive-build.json").read_text())
    assert record["spec"]["kind"] == example
    if example in ("django", "paste", "wsgi", "asgi"):
        assert record["server"] == "gunicorn"
        assert (root / "bin/gunicorn").exists()
    else:
        assert record["server"] is None  # the app runs its own server


def test_build_with_pip_when_uv_is_unavailable(run_wd, app_dir, wd_home):
    src = app_dir("django")
    result = build_ok(run_wd, src, "--server", "gunicorn", extra={"WARPDRIVE_UV": "none"})
    lines = steps(result.stderr)
    assert any(
        line.startswith("Installing dependencies from requirements.txt with pip ") for line in lines
    )
    assert "Successfully installed" in result.stderr  # pip's own output
    root = app_root(wd_home, src)
    assert versions(root, "django")["django"].startswith("5.2.")
    assert (root / "static/admin/css/base.css").is_file()


def test_auto_server_is_mod_wsgi_where_apache_dev_files_are(run_wd, app_dir, wd_home):
    require_apache()
    src = app_dir("wsgi")
    result = build_ok(run_wd, src)
    assert "Installing server packages mod_wsgi==" in result.stderr
    assert (app_root(wd_home, src) / "bin/mod_wsgi-express").exists()
    info = json.loads(run_wd("info", "--json", str(src)).stdout)
    assert info["launch"]["server"] == "mod_wsgi"


def test_auto_is_decided_at_every_build(run_wd, app_dir, wd_home):
    """A plain build after `--server gunicorn` installs what `auto` means here; a
    server chosen for good is a setting."""
    require_apache()
    src = app_dir("wsgi")
    build_ok(run_wd, src, "--server", "gunicorn")
    result = build_ok(run_wd, src)
    assert "Installing server packages mod_wsgi==" in result.stderr
    assert json.loads(run_wd("info", "--json", str(src)).stdout)["launch"]["server"] == "mod_wsgi"
    result = build_ok(run_wd, src, extra={"WARPDRIVE_SERVER_TYPE": "gunicorn"})
    assert "Installing server packages gunicorn==" in result.stderr
    info = json.loads(run_wd("info", "--json", str(src)).stdout)
    assert (info["launch"]["server"], info["launch"]["notes"]) == ("gunicorn", [])


# Runs a command with an empty tmpfs over /usr/sbin, where Debian keeps Apache's server
# program, in a mount namespace of its own: for that command alone, a machine with
# apache2-dev but not apache2.
HIDE_SBIN = ["--mount", "--propagation", "private", "sh", "-c"]
HIDE_SBIN += ['mount -t tmpfs tmpfs /usr/sbin && exec "$@"', "sh"]


@pytest.fixture
def run_hidden(run_wd):
    """Like run_wd, with Apache's server program hidden (needs root, as in CI)."""
    require_apache()
    if apache.query_apxs(require_tool("apxs")).sbindir != "/usr/sbin":
        pytest.skip("Apache's server program is not in /usr/sbin here")
    if os.geteuid() != 0:
        message = "hiding Apache's server program takes a mount namespace: run as root"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    prefix = (require_tool("unshare"), *HIDE_SBIN)
    return functools.partial(run_wd, prefix=prefix)


NO_APACHE = "Apache's server program apache2 is missing (not in /usr/sbin or /usr/bin, nor on PATH)"
AUTO_NOTICE = (
    f"{NO_APACHE}, so the build installs gunicorn, not mod_wsgi (to get mod_wsgi: "
    "apt-get install apache2 on Debian, then build again)"
)


def test_auto_installs_mod_wsgi_only_where_apache_can_run_it(run_wd, run_hidden, app_dir, tmp_path):
    """apache2-dev without apache2: gunicorn with a notice saying what to install; with
    it installed, the next build installs mod_wsgi, and start serves what it installed."""
    src = app_dir("wsgi")
    made = run_wd("activate", cwd=src)
    assert made.returncode == 0, made.stderr
    # Before the first build, info plans what the build will install.
    planned = json.loads(run_hidden("info", "--json", cwd=src).stdout)["launch"]
    assert (planned["server"], planned["notes"]) == ("gunicorn", [AUTO_NOTICE])
    planned = json.loads(run_wd("info", "--json", cwd=src).stdout)["launch"]
    assert planned["server"] == "mod_wsgi"
    assert "build installs mod_wsgi" in planned["server_source"]

    hidden = run_hidden("build", cwd=src)
    assert hidden.returncode == 0, hidden.stderr
    assert f"notice: {AUTO_NOTICE}" in hidden.stderr
    assert "Installing server packages gunicorn==" in hidden.stderr
    # start serves what the build installed, and repeats the build's notice.
    launch = json.loads(run_wd("info", "--json", cwd=src).stdout)["launch"]
    assert (launch["server"], launch["notes"]) == ("gunicorn", [AUTO_NOTICE])
    assert "start-gunicorn" in run_wd("start", "--dry-run", cwd=src).stdout

    result = build_ok(run_wd, src)
    assert "Installing server packages mod_wsgi==" in result.stderr
    launch = json.loads(run_wd("info", "--json", cwd=src).stdout)["launch"]
    assert launch["server"] == "mod_wsgi"
    assert not any("missing" in note for note in launch["notes"])
    short = {"MOD_WSGI_SOCKET_PREFIX": str(tmp_path / "wsgi")}  # pytest's paths are long
    assert "start-mod_wsgi" in run_wd("start", "--dry-run", cwd=src, extra=short).stdout


def test_mod_wsgi_without_apache_server_program_is_refused(run_wd, run_hidden, app_dir, wd_home):
    src = app_dir("wsgi")
    refused = run_hidden("build", "--server", "mod_wsgi", cwd=src)
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-2:] == [
        f"error: server mod_wsgi (from --server) cannot be installed: {NO_APACHE}",
        "hint: install what is missing (Debian: apt-get install apache2) or choose "
        "WARPDRIVE_SERVER_TYPE=gunicorn",
    ]
    # Built where Apache is, started where it is not (auto, or named).
    build_ok(run_wd, src, "--server", "mod_wsgi")
    root = app_root(wd_home, src)
    # start finds Apache through the installed mod_wsgi, as mod_wsgi-express does.
    assert apache.installed_layout(root) == apache.query_apxs(require_tool("apxs"))
    for args, source in (
        ((), "default auto: the server the last build installed"),
        (("--server", "mod_wsgi"), "--server"),
    ):
        result = run_hidden("start", *args, cwd=src)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            f"error: server mod_wsgi (from {source}) cannot start: {NO_APACHE}",
            "hint: install it (Debian: apt-get install apache2), or build for another "
            "server (`warpdrive build --server gunicorn`) and start that",
        ]


def test_environment_file_and_hooks_with_their_variables(run_wd, app_dir, wd_home, tmp_path):
    src = app_dir("wsgi")
    out = tmp_path / "hook-out"
    (src / ".warpdrive/action_hooks").mkdir(parents=True)
    (src / ".warpdrive/environment").write_text(f"HOOK_OUT={out}\nGREETING='hi there'\n")
    for name in ("pre-build", "build"):
        hook = src / ".warpdrive/action_hooks" / name
        hook.write_text(
            "#!/bin/sh\nset -eu\n"
            'echo "$WARPDRIVE_HOOK|$GREETING|$WARPDRIVE_SRC_ROOT|$WARPDRIVE_APP_HOME|'
            '$WARPDRIVE_APP_ROOT|$WARPDRIVE_PYTHON|$(command -v python)|$PWD" >> "$HOOK_OUT"\n'
            "echo hook $WARPDRIVE_HOOK says hello\n"
        )
        hook.chmod(0o755)
    result = build_ok(run_wd, src, "--server", "gunicorn")
    lines = steps(result.stderr)
    assert "Loaded .warpdrive/environment (2 settings)" in lines
    assert lines.index("Running hook pre-build") < lines.index("Running hook build")
    assert "       hook build says hello" in result.stderr
    pre, build = [line.split("|") for line in out.read_text().splitlines()]
    root = app_root(wd_home, src)
    assert pre[:5] == ["pre-build", "hi there", str(src), str(src), str(root)]
    assert build[:5] == ["build", "hi there", str(src), str(src), str(root)]
    # The build hook already runs in the new environment, with its Python first on PATH.
    assert build[5] == build[6]
    assert Path(build[5]).parent.parent.parent.name == ".generations"
    assert build[7] == str(src)


def test_hook_not_executable_warns_with_the_fix(run_wd, app_dir):
    src = app_dir("wsgi")
    hook = src / ".warpdrive/action_hooks/build"
    hook.parent.mkdir(parents=True)
    hook.write_text("#!/bin/sh\necho ran\n")
    result = build_ok(run_wd, src, "--server", "gunicorn")
    assert (
        f"warning: hook build ({hook}) is not executable, so it did not run; "
        f"run: chmod +x {hook}" in result.stderr
    )
    assert "       ran" not in result.stderr


def test_failing_hook_stops_the_build(run_wd, app_dir, wd_home):
    src = app_dir("wsgi")
    build_ok(run_wd, src, "--server", "gunicorn")
    root = app_root(wd_home, src)
    before = os.readlink(root / "bin")
    hook = src / ".warpdrive/action_hooks/build"
    hook.parent.mkdir(parents=True)
    hook.write_text("#!/bin/sh\necho about to fail\nexit 7\n")
    hook.chmod(0o755)
    (src / "requirements.txt").write_text("six==1.16.0\n")  # forces a new environment
    result = run_wd("build", "--server", "gunicorn", cwd=src)
    assert result.returncode == 1
    assert f"error: hook build ({hook}) failed with exit code 7" in result.stderr
    assert "       about to fail" in result.stderr
    assert "Build finished" not in result.stderr
    assert os.readlink(root / "bin") == before
    assert versions(root, "six")["six"] is None  # the new generation never went live


def test_a_first_build_that_fails_leaves_no_environment_behind(run_wd, app_dir, wd_home):
    """Build without activate makes the environment; finding no app, it removes it."""
    src = app_dir("none_nothing")
    result = run_wd("build", str(src))
    assert result.returncode == 2
    assert f"error: no application found in {src}" in result.stderr
    assert "Creating environment warpdrive+none_nothing" in result.stderr
    assert "Removing the environment this build created" in result.stderr
    assert list(wd_home.iterdir()) == []


def test_a_failed_build_keeps_an_existing_environment(run_wd, app_dir, wd_home):
    src = app_dir("none_nothing")
    assert run_wd("activate", cwd=src).returncode == 0
    result = run_wd("build", str(src))
    assert result.returncode == 2
    assert f"error: no application found in {src}" in result.stderr
    assert "Removing" not in result.stderr
    assert (app_root(wd_home, src) / "bin/python").exists()
    assert run_wd("activate", cwd=src).stderr == ""  # still bound to its directory


def test_two_dependency_formats_without_a_choice(run_wd, app_dir):
    src = app_dir("deps_two_formats")
    result = run_wd("build", cwd=src)
    assert result.returncode == 2
    error, hint = result.stderr.strip().splitlines()[-2:]
    assert error == (
        f"error: requirements.txt and poetry.lock are both in {src}: "
        "warpdrive cannot tell which to install"
    )
    assert hint.startswith("hint: set WARPDRIVE_DEPENDENCIES=requirements.txt")
    chosen = run_wd(
        "build", "--server", "gunicorn", cwd=src, extra={"WARPDRIVE_DEPENDENCIES": "poetry.lock"}
    )
    assert chosen.returncode == 0, chosen.stderr
    assert "Installing dependencies from poetry.lock" in chosen.stderr


FORMATS = {
    "deps_requirements": "requirements.txt",
    "deps_pyproject": "pyproject.toml",
    "deps_setup_py": "setup.py",
    "deps_pipfile": "Pipfile.lock",
    "deps_poetry": "poetry.lock",
    "deps_uv": "uv.lock",
}


@pytest.mark.parametrize("fixture", sorted(FORMATS))
def test_dependency_formats_install_exactly_the_locked_versions(run_wd, app_dir, wd_home, fixture):
    src = app_dir(fixture)
    result = build_ok(run_wd, src, "--server", "gunicorn")
    assert f"Installing dependencies from {FORMATS[fixture]} with uv" in result.stderr
    root = app_root(wd_home, src)
    found = versions(root, "six", "idna", "iniconfig")
    assert (found["six"], found["idna"]) == ("1.16.0", "3.6")
    assert found["iniconfig"] is None  # development dependencies stay out
    if fixture in ("deps_pyproject", "deps_setup_py"):
        module = fixture
        code = f"import {module}; print({module}.GREETING)"
        out = subprocess.run(
            [str(root / "bin/python"), "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd="/",
        )
        assert out.stdout.strip() == fixture


def test_django_collectstatic_without_static_root(run_wd, app_dir, wd_home):
    src = app_dir("django")
    result = build_ok(run_wd, src, "--server", "gunicorn")
    root = app_root(wd_home, src)
    assert f"Collecting static files into {root / 'static'}" in steps(result.stderr)
    assert (root / "static/admin/css/base.css").is_file()
    assert "STATIC_ROOT =" not in (src / "mysite/settings.py").read_text()


def test_disable_collectstatic(run_wd, app_dir, wd_home):
    src = app_dir("django")
    result = build_ok(run_wd, src, "--server", "gunicorn", extra={"DISABLE_COLLECTSTATIC": "1"})
    assert "Skipping collectstatic: DISABLE_COLLECTSTATIC is set" in steps(result.stderr)
    assert not (app_root(wd_home, src) / "static").exists()


def test_django_without_staticfiles_skips_collectstatic(run_wd, app_dir, wd_home):
    src = app_dir("django")
    settings = src / "mysite/settings.py"
    settings.write_text(settings.read_text().replace("'django.contrib.staticfiles',", ""))
    result = build_ok(run_wd, src, "--server", "gunicorn")
    assert "Skipping collectstatic: django.contrib.staticfiles is not in INSTALLED_APPS" in steps(
        result.stderr
    )
    assert not (app_root(wd_home, src) / "static").exists()


def test_no_op_rebuild_skips_installation(run_wd, app_dir, wd_home):
    src = app_dir("django")
    build_ok(run_wd, src, "--server", "gunicorn")
    root = app_root(wd_home, src)
    generation = os.readlink(root / "bin")
    again = build_ok(run_wd, src, "--server", "gunicorn")
    lines = steps(again.stderr)
    assert "Dependencies unchanged since the last build: skipping installation" in lines
    assert "Source unchanged since the last build: skipping collectstatic" in lines
    assert "Source unchanged since the last build: skipping the entry point check" in lines
    assert not any(line.startswith(("Installing", "Checking")) for line in lines)
    assert os.readlink(root / "bin") == generation
    record = json.loads((root / "warpdrive-build.json").read_text())
    assert record["installed"] is False


def test_changed_dependency_file_reinstalls(run_wd, app_dir, wd_home):
    src = app_dir("wsgi")
    build_ok(run_wd, src, "--server", "gunicorn")
    (src / "requirements.txt").write_text("six==1.16.0\n")
    result = build_ok(run_wd, src, "--server", "gunicorn")
    assert "Dependency inputs changed (dependencies): installing into a new environment" in steps(
        result.stderr
    )
    assert versions(app_root(wd_home, src), "six")["six"] == "1.16.0"


def test_changed_python_reinstalls(run_wd, app_dir, wd_home, tmp_path, env):
    other = Path("/usr/bin/python3.11")
    if not other.exists():
        pytest.fail("Debian's python3.11 is needed (.ci/run installs python3-venv)")
    src = app_dir("wsgi")
    build_ok(run_wd, src, "--server", "gunicorn")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3.11").symlink_to(other)
    (src / ".python-version").write_text("3.11\n")
    result = build_ok(
        run_wd, src, "--server", "gunicorn", extra={"PATH": f"{bindir}{os.pathsep}{env['PATH']}"}
    )
    assert "Dependency inputs changed (python): installing into a new environment" in steps(
        result.stderr
    )
    root = app_root(wd_home, src)
    assert os.path.realpath(root / "bin/python") == os.path.realpath(other)


def test_changed_installer_version_reinstalls(run_wd, app_dir, wd_home, tmp_path, env):
    src = app_dir("wsgi")
    build_ok(run_wd, src, "--server", "gunicorn")
    real_uv = subprocess.run(
        [env["PATH"].split(os.pathsep)[0] + "/python", "-c", "import uv; print(uv.find_uv_bin())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    wrapper = tmp_path / "uv-next"
    wrapper.write_text(
        f'#!/bin/sh\n[ "$1" = --version ] && {{ echo "uv 99.0.0"; exit 0; }}\nexec {real_uv} "$@"\n'
    )
    wrapper.chmod(0o755)
    result = build_ok(run_wd, src, "--server", "gunicorn", extra={"WARPDRIVE_UV": str(wrapper)})
    assert "Dependency inputs changed (installer): installing into a new environment" in steps(
        result.stderr
    )
    assert "with uv 99.0.0" in result.stderr


def test_build_record(run_wd, app_dir, wd_home):
    src = app_dir("django")
    build_ok(run_wd, src, "--server", "gunicorn")
    root = app_root(wd_home, src)
    data = json.loads((root / "warpdrive-build.json").read_text())
    assert data["spec"]["kind"] == "django"
    assert data["spec"]["django"]["django_version"].startswith("5.2.")
    assert data["inputs"]["dependencies"]["format"] == "requirements.txt"
    assert len(data["inputs"]["dependencies"]["files"]["requirements.txt"]) == 64
    assert data["tools"]["installer"].startswith("uv ")
    assert data["tools"]["server"][0].startswith("gunicorn==")
    assert {s["step"] for s in data["steps"]} >= {"install", "collectstatic"}
    assert all(s["seconds"] >= 0 for s in data["steps"])
    # info and start use the record instead of importing the settings again.
    info = run_wd("info", str(src))
    assert "; from the build record)" in info.stdout
    # A record from before the database and media facts were read is detected again.
    facts = data["spec"]["django"]
    older = {k: v for k, v in facts.items() if k not in ("sqlite_databases", "media_root")}
    (root / "warpdrive-build.json").write_text(
        json.dumps({**data, "spec": {**data["spec"], "django": older}})
    )
    info = json.loads(run_wd("info", "--json", str(src)).stdout)
    assert info["spec_from"] == "detected now"
    assert info["spec"]["django"]["sqlite_databases"] == [str(src / "db.sqlite3")]
    settings = src / "mysite/settings.py"
    settings.write_text(settings.read_text() + "\nSTATIC_URL = '/assets/'\n")
    info = json.loads(run_wd("info", "--json", str(src)).stdout)
    assert info["spec_from"] == "detected now"
    assert info["spec"]["static"][0]["url"] == "/assets/"


def test_default_cache_is_under_the_app_root(run_wd, app_dir, wd_home, env):
    src = app_dir("wsgi")
    extra = {k: v for k, v in env.items() if k != "WARPDRIVE_CACHE_DIR"}
    result = run_warpdrive("build", "--server", "gunicorn", env=extra, cwd=src)
    assert result.returncode == 0, result.stderr
    assert (app_root(wd_home, src) / ".cache/uv").is_dir()
