"""A repo made for OpenShift's Python S2I builder builds with warpdrive's builder image
unchanged: one small app per variable and decision of that builder, each built with
the standard `s2i build` and the Python 3.13 builder, run as UID 100001 as OpenShift
would, and checked over HTTP (docs/openshift-builder.md has the table of these apps)."""

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

from tests.images.test_images import copy, running
from tests.support.http import get
from tests.support.s2i_tool import s2i_build

USER = "100001"  # an arbitrary UID, no passwd entry, group 0: as OpenShift runs images
PREFIX = "warpdrive-test-compat-"


class Built(typing.NamedTuple):
    image: str
    log: str  # the s2i tool's output and assemble's, together


def build(src: Path, name: str, builders, *env: str) -> tuple[int, str]:
    """`s2i build SRC <3.13 builder> warpdrive-test-compat-NAME -e K=V ...`."""
    args = [a for pair in env for a in ("-e", pair)]
    result = s2i_build(src, builders["3.13"], PREFIX + name, *args)
    return result.returncode, result.stdout + result.stderr


def built(src: Path, name: str, builders, *env: str) -> Built:
    """The app built with the standard s2i tool and the 3.13 builder; env: K=V."""
    code, log = build(src, name, builders, *env)
    assert code == 0, log[-4000:]
    assert "Build completed successfully" in log, log[-4000:]
    return Built(PREFIX + name, log)


def failed(src: Path, name: str, builders, *env: str) -> str:
    """A build that must fail: its output, and no image was made."""
    code, log = build(src, name, builders, *env)
    assert code != 0, log[-4000:]
    return log


def serving(engine, image: str, env: dict[str, str] | None = None):
    """`docker run --network host --user 100001 -e PORT=<free> IMAGE`, once it answers."""
    return running(engine, image, env, user=USER)


def answers(engine, image: str, body: bytes, env: dict[str, str] | None = None) -> dict:
    """The image serves `body` on GET /; its response headers."""
    with serving(engine, image, env) as (port, container):
        status, got, headers = get(port, "/")
        assert (status, got) == (200, body), container.logs().decode()[-3000:]
        return headers


def in_image(engine, image: str, script: str) -> str:
    return engine.containers.run(
        image, ["sh", "-c", script], remove=True, user=USER, entrypoint=[]
    ).decode()


def versions(engine, image: str, *names: str) -> dict[str, str | None]:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "def v(n):\n"
        "    try: return m.version(n)\n"
        "    except m.PackageNotFoundError: return None\n"
        "print(json.dumps({n: v(n) for n in sys.argv[1:]}))"
    )
    out = engine.containers.run(
        image, ["python", "-c", code, *names], remove=True, user=USER, entrypoint=[]
    ).decode()
    return json.loads(out.strip().splitlines()[-1])


def processes(container, name: str, expected: int) -> int:
    """How many processes of the container run `name` (by their command line), once
    that is `expected` or after 30 s: the server answers as soon as its first worker
    is up, and on a busy machine the others may be a moment behind."""
    script = "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f; echo; done"
    deadline = time.monotonic() + 30
    while True:
        out = container.exec_run(["sh", "-c", script])
        count = sum(name in line for line in out.output.decode().split("\n"))
        if count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.5)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if name.endswith(".sh"):
            path.chmod(0o755)
    return root


def wsgi_module(body: str, extra: str = "") -> str:
    return (
        f"{extra}\n"
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain; charset=utf-8')])\n"
        f"    return [({body}).encode()]\n"
    )


GUNICORN = "gunicorn==27.0.1\n"  # OpenShift's builder serves APP_MODULE only with it


# --- the app's own project: setup.py, setup.cfg, pyproject.toml ------------------------


def test_setup_py_project_names_the_module_and_pip_is_upgraded(engine, builders, tmp_path):
    """setup.py: installed with its install_requires after requirements.txt; with no
    wsgi.py and no APP_MODULE its name is the WSGI module. UPGRADE_PIP_TO_LATEST,
    ENABLE_INIT_WRAPPER."""
    src = write(
        tmp_path / "app",
        {
            "hellopkg/__init__.py": wsgi_module("'Grüße ☃ from hellopkg'"),
            "setup.py": "from setuptools import setup\n"
            "setup(name='hellopkg', version='1.0', packages=['hellopkg'],"
            " install_requires=['idna==3.6'])\n",
            "requirements.txt": "six==1.16.0\n" + GUNICORN,
            ".s2i/environment": "UPGRADE_PIP_TO_LATEST=1\nENABLE_INIT_WRAPPER=1\n",
        },
    )
    app = built(src, "setup-py", builders)
    assert "Upgrading pip to the latest version (UPGRADE_PIP_TO_LATEST)" in app.log
    assert "Installing the app's own project from setup.py" in app.log
    found = versions(engine, app.image, "hellopkg", "idna", "six", "pip")
    assert (found["hellopkg"], found["idna"], found["six"]) == ("1.0", "3.6", "1.16.0")
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=30) as answer:
        assert found["pip"] == json.load(answer)["info"]["version"]
    answers(engine, app.image, "Grüße ☃ from hellopkg".encode())


def test_setup_cfg_project(engine, builders, tmp_path):
    """setup.cfg declares the project (setup.py only calls setup()): installed, and its
    name is the WSGI module, as `setup.py --name` gives it on OpenShift."""
    src = write(
        tmp_path / "app",
        {
            "cfgsite.py": wsgi_module("'from setup.cfg'"),
            "setup.py": "from setuptools import setup\n\nsetup()\n",
            "setup.cfg": "[metadata]\nname = cfgsite\nversion = 2.0\n\n"
            "[options]\npy_modules = cfgsite\ninstall_requires =\n    idna==3.6\n    " + GUNICORN,
        },
    )
    app = built(src, "setup-cfg", builders)
    assert versions(engine, app.image, "cfgsite", "idna") == {"cfgsite": "2.0", "idna": "3.6"}
    answers(engine, app.image, b"from setup.cfg")


def test_app_module_in_a_pyproject_src_layout(engine, builders, tmp_path):
    """pyproject.toml with a src/ layout, installed; APP_MODULE names its module."""
    src = write(
        tmp_path / "app",
        {
            "src/srcpkg/__init__.py": "",
            "src/srcpkg/web.py": wsgi_module(
                "'from src/srcpkg, idna ' + idna.__version__", "import idna"
            ),
            "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\n'
            'build-backend = "setuptools.build_meta"\n\n'
            '[project]\nname = "srcpkg"\nversion = "1.0"\n'
            f'dependencies = ["idna==3.6", "{GUNICORN.strip()}"]\n',
            ".s2i/environment": "APP_MODULE=srcpkg.web:application\n",
        },
    )
    app = built(src, "src-layout", builders)
    assert versions(engine, app.image, "srcpkg")["srcpkg"] == "1.0"
    answers(engine, app.image, b"from src/srcpkg, idna 3.6")


def test_poetry_lock_project_in_a_src_layout(engine, builders, tmp_path):
    """A Poetry project (a package, its code under src/) with its poetry.lock: the
    lock's pins are installed, and the project itself, so APP_MODULE imports."""
    src = copy("deps_poetry", tmp_path)
    (src / "wsgi.py").unlink()
    write(
        src,
        {
            "pyproject.toml": '[tool.poetry]\nname = "poetry-src"\nversion = "0.1.0"\n'
            'description = ""\nauthors = ["warpdrive <warpdrive@example.com>"]\n'
            'packages = [{include = "poetry_src", from = "src"}]\n\n'
            '[tool.poetry.dependencies]\npython = "^3.11"\nsix = "1.16.0"\nidna = "3.6"\n\n'
            '[build-system]\nrequires = ["poetry-core"]\n'
            'build-backend = "poetry.core.masonry.api"\n',
            "src/poetry_src/__init__.py": wsgi_module(
                "'poetry src, six ' + six.__version__", "import six"
            ),
            ".s2i/environment": "APP_MODULE=poetry_src:application\n",
        },
    )
    app = built(src, "poetry-src-layout", builders)
    assert "Installing the app's own project from pyproject.toml" in app.log
    found = versions(engine, app.image, "poetry-src", "six", "idna", "iniconfig")
    assert found == {"poetry-src": "0.1.0", "six": "1.16.0", "idna": "3.6", "iniconfig": None}
    answers(engine, app.image, b"poetry src, six 1.16.0")


def test_project_processing_switched_off(engine, builders, tmp_path):
    """setup.py and pyproject.toml are each processed unless their own DISABLE_* says
    no: with both set, only requirements.txt is installed; the package imports from
    the source."""
    src = write(
        tmp_path / "app",
        {
            "hellopkg/__init__.py": wsgi_module("'from the source tree'"),
            "setup.py": "from setuptools import setup\n"
            "setup(name='hellopkg', version='1.0', packages=['hellopkg'],"
            " install_requires=['idna==3.6'])\n",
            "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\n'
            'build-backend = "setuptools.build_meta"\n',
            "requirements.txt": "six==1.16.0\n" + GUNICORN,
            ".s2i/environment": "APP_MODULE=hellopkg:application\n"
            "DISABLE_SETUP_PY_PROCESSING=1\nDISABLE_PYPROJECT_TOML_PROCESSING=1\n",
        },
    )
    app = built(src, "no-project", builders)
    assert "Installing the app's own project" not in app.log
    found = versions(engine, app.image, "hellopkg", "idna", "six")
    assert found == {"hellopkg": None, "idna": None, "six": "1.16.0"}
    answers(engine, app.image, b"from the source tree")


# --- lockfiles, pipenv, micropipenv, the index ----------------------------------------


@pytest.mark.parametrize("fixture", ["deps_poetry", "deps_pipfile"])
def test_micropipenv_installs_the_lock(engine, builders, tmp_path, fixture):
    """ENABLE_MICROPIPENV with a poetry.lock, with a Pipfile.lock: exactly their pins."""
    name = "micropipenv-" + fixture.removeprefix("deps_")
    app = built(copy(fixture, tmp_path), name, builders, "ENABLE_MICROPIPENV=1")
    assert "ENABLE_MICROPIPENV: warpdrive reads" in app.log
    assert versions(engine, app.image, "six", "idna") == {"six": "1.16.0", "idna": "3.6"}
    answers(engine, app.image, fixture.encode())


def test_pipenv_with_a_pipfile_and_a_pinned_version(engine, builders, tmp_path):
    """ENABLE_PIPENV with PIN_PIPENV_VERSION: the lock is installed, and that pipenv is
    on PATH at run time."""
    app = built(
        copy("deps_pipfile", tmp_path),
        "pipenv",
        builders,
        "ENABLE_PIPENV=1",
        "PIN_PIPENV_VERSION=2024.4.1",
    )
    assert "Installing pipenv==2024.4.1 (ENABLE_PIPENV)" in app.log
    assert versions(engine, app.image, "six", "idna") == {"six": "1.16.0", "idna": "3.6"}
    assert "version 2024.4.1" in in_image(engine, app.image, "pipenv --version")
    answers(engine, app.image, b"deps_pipfile")


def test_pipenv_without_a_pipfile(engine, builders, tmp_path):
    app = built(
        copy("deps_requirements", tmp_path), "pipenv-nopipfile", builders, "ENABLE_PIPENV=1"
    )
    assert "Installing pipenv (ENABLE_PIPENV)" in app.log
    assert versions(engine, app.image, "six")["six"] == "1.16.0"
    assert "version" in in_image(engine, app.image, "pipenv --version")
    answers(engine, app.image, b"deps_requirements")


def test_pipenv_and_micropipenv_cannot_be_combined(engine, builders, tmp_path):
    log = failed(
        copy("deps_pipfile", tmp_path), "both", builders, "ENABLE_PIPENV=1", "ENABLE_MICROPIPENV=1"
    )
    assert (
        "error: ENABLE_PIPENV and ENABLE_MICROPIPENV are both set, and they cannot be combined"
        in log
    )
    assert not engine.images.list(name=PREFIX + "both")


class Index(http.server.SimpleHTTPRequestHandler):
    requested: typing.ClassVar[list[str]] = []

    def log_message(self, *args):
        Index.requested.append(self.path)


def test_pip_index_url_from_a_local_index(engine, builders, tmp_path):
    """The package exists only on an index served by this test on loopback."""
    pkg = write(
        tmp_path / "pkg",
        {
            "warpdrive_local_pkg/__init__.py": "GREETING = b'from the local index'\n",
            "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\n'
            'build-backend = "setuptools.build_meta"\n'
            '[project]\nname = "warpdrive-local-pkg"\nversion = "1.0"\n',
        },
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
    src = write(
        tmp_path / "app",
        {
            "requirements.txt": "warpdrive-local-pkg==1.0\n",
            "wsgi.py": "from warpdrive_local_pkg import GREETING\n\n"
            "def application(environ, start_response):\n"
            "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
            "    return [GREETING]\n",
        },
    )
    index = f"http://127.0.0.1:{server.server_address[1]}/simple"
    try:
        app = built(src, "index", builders, f"PIP_INDEX_URL={index}")
    finally:
        server.shutdown()
    assert "/simple/warpdrive-local-pkg/" in Index.requested
    answers(engine, app.image, b"from the local index")


# --- gunicorn ---------------------------------------------------------------------------


def test_app_config_gunicorn_cmd_args_and_web_concurrency(engine, builders, tmp_path):
    """APP_CONFIG names a gunicorn config (run in the arbiter; the workers inherit its
    environment), GUNICORN_CMD_ARGS adds options, WEB_CONCURRENCY is the worker count."""
    src = write(
        tmp_path / "app",
        {
            "config/gunicorn_conf.py": 'import os\n\nos.environ["FROM_CONFIG"] = "yes"\n',
            "wsgi.py": wsgi_module(
                "os.environ.get('FROM_CONFIG') + ',' + os.environ.get('FROM_ARGS')", "import os"
            ),
            "requirements.txt": GUNICORN,
            ".s2i/environment": "APP_CONFIG=config/gunicorn_conf.py\n"
            "GUNICORN_CMD_ARGS=--env FROM_ARGS=yes\n",
        },
    )
    app = built(src, "app-config", builders)
    headers = answers(engine, app.image, b"yes,yes", env={"WEB_CONCURRENCY": "3"})
    assert headers["server"].startswith("gunicorn")
    with serving(engine, app.image, env={"WEB_CONCURRENCY": "3"}) as (_, container):
        assert processes(container, "gunicorn", 4) == 4  # the arbiter and 3 workers


def test_gunicorn_conf_py_with_wsgi_app(engine, builders, tmp_path):
    """A gunicorn.conf.py that names the app (wsgi_app) and its bind from PORT."""
    src = copy("gunicorn_config_wsgi_app", tmp_path)
    conf = src / "gunicorn.conf.py"
    conf.write_text(
        conf.read_text().replace(
            'bind = "0.0.0.0:8080"', 'import os\nbind = "0.0.0.0:" + os.environ["PORT"]'
        )
    )
    app = built(src, "gunicorn-conf-wsgi-app", builders)
    with serving(engine, app.image) as (port, _):
        status, _, headers = get(port, "/")
        assert status == 200 and headers["server"].startswith("gunicorn")


def test_gunicorn_conf_py_without_wsgi_app(engine, builders, tmp_path):
    """A gunicorn.conf.py beside wsgi.py, not naming the app: gunicorn serves wsgi.py
    and reads the file (gunicorn's default config file in the working directory)."""
    src = write(
        tmp_path / "app",
        {
            "gunicorn.conf.py": 'raw_env = ["FROM_CONF=yes"]\ntimeout = 90\n',
            "wsgi.py": wsgi_module(
                "'conf ' + os.environ.get('FROM_CONF', 'not read')", "import os"
            ),
            "requirements.txt": GUNICORN,
        },
    )
    app = built(src, "gunicorn-conf", builders)
    headers = answers(engine, app.image, b"conf yes")
    assert headers["server"].startswith("gunicorn")


# --- apps that run their own server -----------------------------------------------------

HELLO_WSGI = wsgi_module("'Hello from ' + environ.get('SERVER_SOFTWARE', '?').split('/')[0]")


def test_app_py_runs_mod_wsgi_express_itself(engine, builders, tmp_path):
    src = write(
        tmp_path / "app",
        {
            "app.py": "import os\n\n"
            "port = os.environ.get('PORT', '8080')\n"
            "os.execvp('mod_wsgi-express', ['mod_wsgi-express', 'start-server', '--port', port,"
            " '--log-to-terminal', '--server-root', '/tmp/mod_wsgi-app', 'hello.py'])\n",
            "hello.py": wsgi_module("'Hello from mod_wsgi-express'"),
            "requirements.txt": "mod_wsgi==6.1.1\n",
        },
    )
    app = built(src, "app-py-mod-wsgi", builders)
    headers = answers(engine, app.image, b"Hello from mod_wsgi-express")
    assert headers["server"].startswith("Apache")


def test_app_sh_runs_uwsgi(engine, builders, tmp_path):
    src = write(
        tmp_path / "app",
        {
            "app.sh": "#!/bin/sh\n"
            'exec uwsgi --http-socket ":${PORT:-8080}" --wsgi-file hello.py --master'
            " --processes 2 --die-on-term\n",
            "hello.py": wsgi_module("'Hello from uWSGI'"),
            "requirements.txt": "pyuwsgi==2.0.30\n",
        },
    )
    app = built(src, "app-sh-uwsgi", builders)
    with serving(engine, app.image) as (port, container):
        assert get(port, "/")[:2] == (200, b"Hello from uWSGI")
        assert processes(container, "uwsgi --http-socket", 3) == 3  # the master and 2 workers


def test_app_home_and_app_file(engine, builders, tmp_path):
    """APP_HOME is the app's directory (its working directory), the repository root's
    requirements.txt is installed (the app home has none); APP_FILE, relative to the
    app home, runs with the app's Python."""
    src = write(
        tmp_path / "app",
        {
            "requirements.txt": "six==1.16.0\n",
            "services/web/server.py": "import os, six\n"
            "from wsgiref.simple_server import make_server\n\n"
            "def application(environ, start_response):\n"
            "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
            "    return [f'{os.getcwd()} six {six.__version__}'.encode()]\n\n"
            "make_server('', int(os.environ.get('PORT', '8080')), application).serve_forever()\n",
            ".s2i/environment": "APP_HOME=services/web\nAPP_FILE=server.py\n",
        },
    )
    app = built(src, "app-home-file", builders)
    answers(engine, app.image, b"/opt/app-root/src/services/web six 1.16.0")


def test_app_script_before_app_py(engine, builders, tmp_path):
    """APP_SCRIPT runs (before any app.py, as on OpenShift)."""
    src = write(
        tmp_path / "app",
        {
            "bin/serve.sh": '#!/bin/sh\nexec python -m http.server "${PORT:-8080}" -d public\n',
            "public/index.html": "Hello from APP_SCRIPT",
            "app.py": "raise SystemExit('app.py must not run when APP_SCRIPT is set')\n",
            ".s2i/environment": "APP_SCRIPT=bin/serve.sh\n",
        },
    )
    app = built(src, "app-script", builders)
    answers(engine, app.image, b"Hello from APP_SCRIPT")


@pytest.mark.parametrize(
    ("variable", "value"), [("APP_FILE", "nothere.py"), ("APP_SCRIPT", "nothere.sh")]
)
def test_explicit_entry_file_missing_fails_the_build(builders, tmp_path, variable, value):
    log = failed(copy("wsgi", tmp_path), "missing", builders, f"{variable}={value}")
    assert f"error: {variable}={value} but /opt/app-root/src/{value} does not exist" in log


def test_numpy(engine, builders, tmp_path):
    src = write(
        tmp_path / "app",
        {
            "wsgi.py": wsgi_module("'numpy ' + str(int(numpy.arange(10).sum()))", "import numpy"),
            "requirements.txt": "numpy==2.2.6\n" + GUNICORN,
        },
    )
    app = built(src, "numpy", builders)
    answers(engine, app.image, b"numpy 45")


# --- Django -----------------------------------------------------------------------------

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


@pytest.mark.parametrize("gunicorn", [False, True], ids=["without-gunicorn", "with-gunicorn"])
def test_django(engine, builders, tmp_path, gunicorn):
    """Django without gunicorn installed: collectstatic at build, migrate at start.
    With gunicorn installed, and DISABLE_COLLECTSTATIC and DISABLE_MIGRATE: neither."""
    src = copy("django", tmp_path)
    env = []
    if gunicorn:
        with (src / "requirements.txt").open("a") as fh:
            fh.write(GUNICORN)
        env = ["DISABLE_COLLECTSTATIC=1", "DISABLE_MIGRATE=1"]
    app = built(src, "django-gunicorn" if gunicorn else "django", builders, *env)
    assert ("Skipping collectstatic: DISABLE_COLLECTSTATIC is set" in app.log) is gunicorn
    assert (versions(engine, app.image, "gunicorn")["gunicorn"] is not None) is gunicorn
    with serving(engine, app.image) as (port, container):
        assert get(port, "/")[:2] == (200, b"Hello from Django")
        css = get(port, "/static/admin/css/base.css")[0]
        # Nothing collected: Apache answers 403 (its static directory is missing) or 404.
        assert css in ((403, 404) if gunicorn else (200,)), css
        state = container.exec_run(["python", "-c", MIGRATIONS]).output.decode().strip()
        assert state == ("no database" if gunicorn else "migrated"), state
