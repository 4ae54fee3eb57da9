"""A repo made for OpenShift's Python S2I builder builds with warpdrive's builder image
unchanged: its environment variables (docs/openshift-builder.md) have the same effect,
checked over HTTP and in the image."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
import typing
import urllib.request
from pathlib import Path

import pytest

from tests.images.test_images import copy, running, s2i
from tests.support.http import get

HELLOPKG = """\
print("Grüße ☃ beim Start", flush=True)


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return ["Grüße ☃ from hellopkg".encode()]
"""


def hellopkg_app(root: Path, project: str = "setup.py") -> Path:
    """A package `hellopkg` that is its own project (setup.py or pyproject.toml), a
    requirements.txt beside it, and an app.py that must not be what runs."""
    (root / "hellopkg").mkdir(parents=True)
    (root / "hellopkg/__init__.py").write_text(HELLOPKG, encoding="utf-8")
    (root / "requirements.txt").write_text("six==1.16.0\n")
    (root / "app.py").write_text("raise SystemExit('app.py must not run when APP_MODULE is set')\n")
    if project == "setup.py":
        (root / "setup.py").write_text(
            "from setuptools import setup\n"
            "setup(name='hellopkg', version='1.0', packages=['hellopkg'],"
            " install_requires=['idna==3.6'])\n"
        )
    else:
        (root / "pyproject.toml").write_text(
            '[build-system]\nrequires = ["setuptools>=61"]\n'
            'build-backend = "setuptools.build_meta"\n\n'
            '[project]\nname = "hellopkg"\nversion = "1.0"\ndependencies = ["idna==3.6"]\n'
            '[tool.setuptools]\npackages = ["hellopkg"]\n'
        )
    (root / ".s2i").mkdir()
    return root


def in_image(engine, image: str, script: str) -> str:
    """Run a shell command in the image as an arbitrary UID, as OpenShift would."""
    return engine.containers.run(
        image, ["sh", "-c", script], remove=True, user="123456:0", entrypoint=[]
    ).decode()


def versions(engine, image: str, *names: str) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "def v(n):\n"
        "    try: return m.version(n)\n"
        "    except m.PackageNotFoundError: return None\n"
        "print(json.dumps({n: v(n) for n in sys.argv[1:]}))"
    )
    out = engine.containers.run(
        image, ["python", "-c", code, *names], remove=True, user="123456:0", entrypoint=[]
    ).decode()
    return json.loads(out.strip().splitlines()[-1])


def built(src, image, builders, *args):
    result = s2i(src, image, "--builder", builders["3.11"], "--no-incremental", *args)
    assert result.returncode == 0, result.stderr[-4000:]
    return result


def test_app_module_quoted_setup_py_project_pip_upgrade_and_utf8(engine, builders, tmp_path):
    src = hellopkg_app(tmp_path / "app")
    (src / ".s2i/environment").write_text(
        'APP_MODULE="hellopkg:application"\nUPGRADE_PIP_TO_LATEST=1\nENABLE_INIT_WRAPPER=1\n'
    )
    image = "warpdrive-test-compat-hellopkg"
    result = built(src, image, builders)
    assert "Upgrading pip to the latest version (UPGRADE_PIP_TO_LATEST)" in result.stderr
    assert "Installing the app's own project from setup.py" in result.stderr

    env = dict(i.split("=", 1) for i in engine.images.get(image).attrs["Config"]["Env"])
    assert env["APP_MODULE"] == "hellopkg:application"  # quotes stripped
    assert (env["LANG"], env["LC_ALL"]) == ("en_US.UTF-8", "en_US.UTF-8")
    assert (env["PYTHONUNBUFFERED"], env["PYTHONIOENCODING"]) == ("1", "UTF-8")

    found = versions(engine, image, "hellopkg", "idna", "six", "pip")
    # The project was installed, with its own install_requires.
    assert (found["hellopkg"], found["idna"], found["six"]) == ("1.0", "3.6", "1.16.0")
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=30) as answer:
        latest = json.load(answer)["info"]["version"]
    assert found["pip"] == latest

    with running(engine, image) as (port, container):
        status, body, _ = get(port, "/")
        assert (status, body.decode("utf-8")) == (200, "Grüße ☃ from hellopkg")
        # Printing non-ASCII text did not break the app. (Apache escapes non-ASCII bytes
        # in its error log, so only the ASCII part is looked for.)
        deadline = time.monotonic() + 15
        while "beim Start" not in container.logs().decode("utf-8", "replace"):
            assert time.monotonic() < deadline, container.logs().decode("utf-8", "replace")
            time.sleep(0.5)


@pytest.mark.parametrize(
    ("project", "switch"),
    [
        ("setup.py", "DISABLE_SETUP_PY_PROCESSING"),
        ("pyproject.toml", "DISABLE_PYPROJECT_TOML_PROCESSING"),
    ],
)
def test_project_processing_switched_off(engine, builders, tmp_path, project, switch):
    src = hellopkg_app(tmp_path / "app", project)
    (src / ".s2i/environment").write_text(f"APP_MODULE=hellopkg:application\n{switch}=1\n")
    image = f"warpdrive-test-compat-{switch.lower().replace('_', '-')}"
    result = built(src, image, builders)
    assert "Installing the app's own project" not in result.stderr
    found = versions(engine, image, "hellopkg", "idna", "six")
    assert found == {"hellopkg": None, "idna": None, "six": "1.16.0"}
    with running(engine, image) as (port, _):  # the package still imports from the source
        assert get(port, "/")[0] == 200


def test_pyproject_project_installed_beside_requirements(engine, builders, tmp_path):
    src = hellopkg_app(tmp_path / "app", "pyproject.toml")
    (src / ".s2i/environment").write_text("APP_MODULE=hellopkg:application\n")
    image = "warpdrive-test-compat-pyproject"
    result = built(src, image, builders)
    assert "Installing the app's own project from pyproject.toml" in result.stderr
    assert versions(engine, image, "hellopkg", "idna") == {"hellopkg": "1.0", "idna": "3.6"}


def test_pipenv_with_a_pipfile_and_a_pinned_version(engine, builders, tmp_path):
    src = copy("deps_pipfile", tmp_path)
    image = "warpdrive-test-compat-pipenv"
    result = built(
        src, image, builders, "--env", "ENABLE_PIPENV=1", "--env", "PIN_PIPENV_VERSION=2024.4.1"
    )
    assert "Installing pipenv==2024.4.1 (ENABLE_PIPENV)" in result.stderr
    assert versions(engine, image, "six", "idna") == {"six": "1.16.0", "idna": "3.6"}
    # On PATH at run time, for the app's own use.
    assert "version 2024.4.1" in in_image(engine, image, "pipenv --version")


def test_pipenv_without_a_pipfile(engine, builders, tmp_path):
    src = copy("deps_requirements", tmp_path)
    image = "warpdrive-test-compat-pipenv-nopipfile"
    result = built(src, image, builders, "--env", "ENABLE_PIPENV=1")
    assert "Installing pipenv (ENABLE_PIPENV)" in result.stderr
    assert versions(engine, image, "six", "pipenv")["six"] == "1.16.0"
    assert "version" in in_image(engine, image, "pipenv --version")
    with running(engine, image) as (port, _):
        assert get(port, "/")[:2] == (200, b"deps_requirements")


@pytest.mark.parametrize("fixture", ["deps_pipfile", "deps_poetry", "deps_requirements"])
def test_micropipenv_formats(engine, builders, tmp_path, fixture):
    image = f"warpdrive-test-compat-{fixture.replace('_', '-')}"
    result = built(copy(fixture, tmp_path), image, builders, "--env", "ENABLE_MICROPIPENV=1")
    assert "ENABLE_MICROPIPENV: warpdrive reads" in result.stderr
    assert versions(engine, image, "six", "idna") == {"six": "1.16.0", "idna": "3.6"}


def test_pipenv_and_micropipenv_cannot_be_combined(engine, builders, tmp_path):
    result = s2i(
        copy("deps_pipfile", tmp_path),
        "warpdrive-test-compat-both",
        "--builder",
        builders["3.11"],
        "--env",
        "ENABLE_PIPENV=1",
        "--env",
        "ENABLE_MICROPIPENV=1",
    )
    assert result.returncode == 1
    assert (
        "error: ENABLE_PIPENV and ENABLE_MICROPIPENV are both set, and they cannot be combined"
        in result.stderr
    )
    assert not engine.images.list(name="warpdrive-test-compat-both")


class Index(http.server.SimpleHTTPRequestHandler):
    requested: typing.ClassVar[list[str]] = []

    def log_message(self, *args):
        Index.requested.append(self.path)


def test_pip_index_url_from_a_local_index(engine, builders, tmp_path):
    """The package exists only on an index served by this test on loopback."""
    pkg = tmp_path / "pkg"
    (pkg / "warpdrive_local_pkg").mkdir(parents=True)
    (pkg / "warpdrive_local_pkg/__init__.py").write_text("GREETING = b'from the local index'\n")
    (pkg / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "warpdrive-local-pkg"\nversion = "1.0"\n'
    )
    project = tmp_path / "index/simple/warpdrive-local-pkg"
    project.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(project), str(pkg)],
        check=True,
    )
    wheel = next(project.glob("*.whl")).name
    (project / "index.html").write_text(f'<a href="{wheel}">{wheel}</a>\n')

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: Index(*a, directory=str(tmp_path / "index"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    src = tmp_path / "app"
    src.mkdir()
    (src / "requirements.txt").write_text("warpdrive-local-pkg==1.0\n")
    (src / "wsgi.py").write_text(
        "from warpdrive_local_pkg import GREETING\n\n"
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [GREETING]\n"
    )
    index = f"http://127.0.0.1:{server.server_address[1]}/simple"
    image = "warpdrive-test-compat-index"
    try:
        built(src, image, builders, "--env", f"PIP_INDEX_URL={index}")
    finally:
        server.shutdown()
    assert "/simple/warpdrive-local-pkg/" in Index.requested
    with running(engine, image) as (port, _):
        assert get(port, "/")[:2] == (200, b"from the local index")


def gunicorn_processes(container) -> int:
    out = container.exec_run(["sh", "-c", "cat /proc/[0-9]*/comm"]).output.decode()
    return out.split().count("gunicorn")


def test_app_config_gunicorn_cmd_args_and_web_concurrency(engine, builders, tmp_path):
    src = tmp_path / "app"
    (src / "config").mkdir(parents=True)
    # The config file runs in gunicorn's arbiter; the workers inherit its environment.
    (src / "config/gunicorn_conf.py").write_text('import os\n\nos.environ["FROM_CONFIG"] = "yes"\n')
    (src / "wsgi.py").write_text(
        "import os\n\n"
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [f\"{os.environ.get('FROM_CONFIG')},{os.environ.get('FROM_ARGS')}\".encode()]\n"
    )
    (src / ".s2i").mkdir()
    (src / ".s2i/environment").write_text(
        "APP_CONFIG=config/gunicorn_conf.py\nGUNICORN_CMD_ARGS=--env FROM_ARGS=yes\n"
    )
    image = "warpdrive-test-compat-gunicorn"
    result = built(src, image, builders)
    assert "Installing server packages gunicorn==" in result.stderr
    with running(engine, image, env={"WEB_CONCURRENCY": "3"}) as (port, container):
        status, body, headers = get(port, "/")
        assert (status, body) == (200, b"yes,yes")
        assert headers["server"].startswith("gunicorn")
        assert gunicorn_processes(container) == 4  # the arbiter and WEB_CONCURRENCY workers


def test_gunicorn_conf_py_with_wsgi_app(engine, builders, tmp_path):
    src = copy("gunicorn_config_wsgi_app", tmp_path)
    conf = src / "gunicorn.conf.py"
    conf.write_text(
        conf.read_text().replace(
            'bind = "0.0.0.0:8080"', 'import os\nbind = "0.0.0.0:" + os.environ["PORT"]'
        )
    )
    image = "warpdrive-test-compat-gunicorn-conf"
    built(src, image, builders)
    with running(engine, image) as (port, _):
        status, _, headers = get(port, "/")
        assert status == 200 and headers["server"].startswith("gunicorn")


@pytest.mark.parametrize(
    ("variable", "value"), [("APP_FILE", "nothere.py"), ("APP_SCRIPT", "nothere.sh")]
)
def test_explicit_entry_file_missing_fails_the_build(engine, builders, tmp_path, variable, value):
    result = s2i(
        copy("wsgi", tmp_path),
        "warpdrive-test-compat-missing",
        "--builder",
        builders["3.11"],
        "--env",
        f"{variable}={value}",
    )
    assert result.returncode == 1
    assert (
        f"error: {variable}={value} but /opt/app-root/src/{value} does not exist" in result.stderr
    )


@pytest.mark.parametrize(
    ("fixture", "env"),
    [
        ("monorepo_app_home", {"APP_HOME": "services/web"}),
        ("setup_py_name", {}),  # no wsgi.py, no APP_MODULE: the setup.py project's name
    ],
)
def test_app_home_and_setup_py_name(engine, builders, tmp_path, fixture, env):
    args = [a for k, v in env.items() for a in ("--env", f"{k}={v}")]
    image = f"warpdrive-test-compat-{fixture.replace('_', '-')}"
    built(copy(fixture, tmp_path), image, builders, *args)
    with running(engine, image) as (port, _):
        assert get(port, "/")[0] == 200


MIGRATIONS = (
    "import os, sqlite3\n"
    "path = '/opt/app-root/src/db.sqlite3'\n"
    "if not os.path.exists(path):\n"
    "    print('no database')\n"
    "else:\n"
    "    db = sqlite3.connect(path)\n"
    "    n = db.execute(\"select count(*) from sqlite_master where name='django_migrations'\")\n"
    "    print('migrated' if n.fetchone()[0] else 'not migrated')\n"
)


@pytest.mark.parametrize("disabled", [False, True], ids=["default", "disabled"])
def test_disable_collectstatic_and_migrate(engine, builders, tmp_path, disabled):
    """Django: collectstatic at build and migrate at start, unless switched off."""
    env = ["--env", "DISABLE_COLLECTSTATIC=1", "--env", "DISABLE_MIGRATE=1"] if disabled else []
    image = f"warpdrive-test-compat-django-{'off' if disabled else 'on'}"
    result = built(copy("django", tmp_path), image, builders, *env)
    skipped = "Skipping collectstatic: DISABLE_COLLECTSTATIC is set" in result.stderr
    assert skipped is disabled
    with running(engine, image) as (port, container):
        assert get(port, "/")[:2] == (200, b"Hello from Django")
        css = get(port, "/static/admin/css/base.css")[0]
        # Nothing collected: Apache answers 403 (its static directory is missing) or 404.
        assert css in ((403, 404) if disabled else (200,)), css
        state = container.exec_run(["python", "-c", MIGRATIONS]).output.decode().strip()
        assert state == ("no database" if disabled else "migrated"), state
