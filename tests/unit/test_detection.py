"""Detection in-process, on copies of the examples and fixtures in real temp dirs:
each kind, the order between them, the explicit settings, and the no-app error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.support import EXAMPLES, FIXTURES
from warpdrive import context, detect
from warpdrive.errors import BadSetting, ModeNotMatched, NoAppFound


def copy(name: str, tmp_path: Path) -> Path:
    source = EXAMPLES / name if (EXAMPLES / name).is_dir() else FIXTURES / name
    target = tmp_path / name
    shutil.copytree(source, target, symlinks=True)
    return target


def detect_in(src: Path, tmp_path: Path, **environ: str) -> detect.AppSpec:
    base = {"HOME": str(tmp_path), "WARPDRIVE_HOME": str(tmp_path / "home"), "PATH": "/usr/bin"}
    return detect.detect(context.resolve(src, {**base, **environ}))


@pytest.mark.parametrize(
    ("name", "kind", "entry"),
    [
        ("wsgi", "wsgi", "wsgi:application"),
        ("wsgi_package", "wsgi", "wsgi:application"),
        ("paste", "paste", "paste.ini"),
        ("pyramid_starter", "paste", "production.ini"),
        ("python", "python", "app.py"),
        ("shell", "shell", "app.sh"),
        ("procfile", "procfile", "Procfile"),
        ("asgi", "asgi", "main:app"),
        ("gunicorn_config_wsgi_app", "gunicorn-config", "gunicorn.conf.py"),
        ("setup_py_name", "wsgi", "hello_site:application"),
        ("django", "django", "mysite.wsgi:application"),
    ],
)
def test_each_kind(tmp_path, name, kind, entry):
    spec = detect_in(copy(name, tmp_path), tmp_path)
    assert (spec.kind, spec.entry) == (kind, entry)
    if kind == "django":
        assert spec.django is not None and spec.django.settings_module == "mysite.settings"
        assert [m.url for m in spec.static] == ["/static/"]


def test_the_apps_own_script_comes_before_a_wsgi_file(tmp_path):
    src = copy("shell", tmp_path)
    shutil.copy(EXAMPLES / "wsgi" / "wsgi.py", src / "wsgi.py")
    assert detect_in(src, tmp_path).kind == "shell"
    (src / "app.sh").chmod(0o644)  # not executable: not used
    assert detect_in(src, tmp_path).kind == "wsgi"


WEB = "web: gunicorn wsgi:application --bind 0.0.0.0:$PORT\n"


@pytest.mark.parametrize("name", ["shell", "python", "django", "paste", "wsgi", "setup_py_name"])
def test_a_procfile_comes_before_every_kind_but_a_gunicorn_config(tmp_path, name):
    src = copy(name, tmp_path)
    (src / "Procfile").write_text(WEB)
    spec = detect_in(src, tmp_path)
    assert (spec.kind, spec.entry, spec.detected_by) == (
        "procfile",
        "Procfile",
        "Procfile web: line",
    )
    assert spec.procfile == {"web": WEB[5:].strip()}
    # An explicit mode still runs only its own detector.
    assert (
        detect_in(src, tmp_path, WARPDRIVE_DEPLOY_MODE=name.replace("setup_py_name", "wsgi")).kind
        != "procfile"
    )


def test_a_gunicorn_config_comes_before_a_procfile(tmp_path):
    src = copy("gunicorn_config_wsgi_app", tmp_path)
    (src / "Procfile").write_text(WEB)
    assert detect_in(src, tmp_path).kind == "gunicorn-config"


def test_procfile_lines_as_heroku_reads_them(tmp_path):
    src = copy("wsgi", tmp_path)
    (src / "Procfile").write_text(
        "# comment\n\nworker:   celery -A tasks worker\r\n"
        "release: python manage.py migrate --noinput\n"
        "web:gunicorn wsgi:application -b :$PORT  \nweb: something else\nnot a line\n"
    )
    assert detect_in(src, tmp_path).procfile == {
        "worker": "celery -A tasks worker",
        "release": "python manage.py migrate --noinput",
        "web": "gunicorn wsgi:application -b :$PORT",
    }


def test_a_procfile_without_web_or_with_app_module_steps_aside(tmp_path, capsys):
    src = copy("wsgi", tmp_path)
    (src / "Procfile").write_text("worker: celery -A tasks worker\n")
    assert detect_in(src, tmp_path).kind == "wsgi"
    assert "has no web: line, so it is not used" in capsys.readouterr().err
    (src / "Procfile").write_text(WEB)
    spec = detect_in(src, tmp_path, APP_MODULE="wsgi")
    assert (spec.kind, spec.entry) == ("wsgi", "wsgi:application")


def test_production_ini_comes_before_paste_ini(tmp_path):
    src = copy("paste", tmp_path)
    (src / "production.ini").write_text("[app:main]\nuse = call:hello_paste:make_app\n")
    spec = detect_in(src, tmp_path)
    assert (spec.kind, spec.entry) == ("paste", "production.ini")
    # Without an [app:main] section it is not the app's: paste.ini is.
    (src / "production.ini").write_text("[server:main]\nuse = egg:waitress#main\n")
    assert detect_in(src, tmp_path).entry == "paste.ini"
    assert detect_in(src, tmp_path, WARPDRIVE_PASTE_INI="paste.ini").entry == "paste.ini"


def test_the_pyproject_project_name_is_the_wsgi_module(tmp_path):
    src = tmp_path / "app"
    src.mkdir()
    (src / "pyproject.toml").write_text('[project]\nname = "hello-site"\nversion = "1"\n')
    spec = detect_in(src, tmp_path)
    assert (spec.kind, spec.entry) == ("wsgi", "hello_site:application")
    assert spec.detected_by == "pyproject.toml project name 'hello-site'"
    # setup.py's name, when there is one, as before.
    (src / "setup.py").write_text("from setuptools import setup\nsetup(name='other')\n")
    assert detect_in(src, tmp_path).entry == "other:application"


def test_app_module_makes_the_scripts_step_aside(tmp_path):
    src = copy("python", tmp_path)
    (src / "hello.py").write_text("def application(environ, start_response): ...\n")
    spec = detect_in(src, tmp_path, APP_MODULE="hello")
    assert (spec.kind, spec.entry) == ("wsgi", "hello:application")


def test_an_explicit_mode_runs_only_its_detector(tmp_path):
    src = copy("wsgi", tmp_path)
    with pytest.raises(ModeNotMatched):
        detect_in(src, tmp_path, WARPDRIVE_DEPLOY_MODE="paste")


def test_nothing_found_names_every_file_looked_for(tmp_path):
    with pytest.raises(NoAppFound) as raised:
        detect_in(copy("none_nothing", tmp_path), tmp_path)
    for name in (
        "manage.py",
        "wsgi.py",
        "app.py",
        "app.sh",
        "paste.ini",
        "gunicorn.conf.py",
        "production.ini",
    ):
        assert name in raised.value.message
    assert "APP_MODULE" in raised.value.hint and "WARPDRIVE_PASTE_INI" in raised.value.hint


def app_files(tmp_path: Path, **files: str) -> Path:
    """A source dir holding `files` (keyword main_py is the file main.py)."""
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    for name, text in files.items():
        (src / name.replace("_py", ".py")).write_text(text)
    return src


# Each module imports a package that is not installed: detection reads, never imports.
ASGI_APPS = {
    "fastapi": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "fastapi_module": "import fastapi\n\napp = fastapi.FastAPI(title='x')\n",
    "fastapi_alias": "import fastapi as fa\n\napp: fa.FastAPI = fa.FastAPI()\n",
    "starlette": (
        "from starlette.applications import Starlette\n"
        "from starlette.routing import Route\n\n"
        "async def home(request): ...\n\n"
        "app = Starlette(routes=[Route('/', home)])\n"
    ),
    "quart": "from quart import Quart\n\napp = Quart(__name__)\n",
    "litestar": (
        "from litestar import Litestar, get\n\n"
        "@get('/')\nasync def index() -> str:\n    return 'hi'\n\n"
        "app = Litestar([index])\n"
    ),
    "django_asgi": (
        "import os\nfrom django.core.asgi import get_asgi_application\n\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n"
        "application = get_asgi_application()\n"
    ),
}


@pytest.mark.parametrize("framework", sorted(ASGI_APPS))
@pytest.mark.parametrize("file", ["main.py", "app.py", "asgi.py"])
def test_an_asgi_app_is_found_by_reading_its_source(tmp_path, framework, file):
    src = app_files(tmp_path, **{file.replace(".py", "_py"): ASGI_APPS[framework]})
    spec = detect_in(src, tmp_path)
    name = "application" if framework == "django_asgi" else "app"
    module = file.removesuffix(".py")
    assert (spec.kind, spec.interface, spec.entry) == ("asgi", "asgi", f"{module}:{name}")
    assert (spec.module, spec.callable) == (module, name)
    assert spec.detected_by.startswith(f"{file}: {name} = ")


def test_an_asgi_app_with_its_own_uvicorn_run_in_main_py_is_still_served(tmp_path):
    text = (
        ASGI_APPS["fastapi"]
        + "\nif __name__ == '__main__':\n    import uvicorn\n    uvicorn.run(app)\n"
    )
    spec = detect_in(app_files(tmp_path, main_py=text), tmp_path)
    assert (spec.kind, spec.entry) == ("asgi", "main:app")


WSGI_APPS = {
    "flask": ("from flask import Flask\n\napp = Flask(__name__)\n", "app"),
    "bottle": ("import bottle\n\napplication = bottle.default_app()\n", "application"),
    "falcon": ("import falcon\n\napp = falcon.App()\n", "app"),
}


@pytest.mark.parametrize("framework", sorted(WSGI_APPS))
def test_an_app_py_that_only_defines_a_wsgi_app_is_served_not_run(tmp_path, framework):
    text, name = WSGI_APPS[framework]
    text += "\n@app.route('/')\ndef index():\n    subprocess.run(['true'])\n    return 'hi'\n"
    spec = detect_in(app_files(tmp_path, app_py=text), tmp_path)
    assert (spec.kind, spec.interface, spec.entry) == ("wsgi", "wsgi", f"app:{name}")
    assert spec.detected_by.startswith(f"app.py: {name} = ")


def test_a_main_py_flask_app_is_a_wsgi_app(tmp_path):
    spec = detect_in(app_files(tmp_path, main_py=WSGI_APPS["flask"][0]), tmp_path)
    assert (spec.kind, spec.entry) == ("wsgi", "main:app")


@pytest.mark.parametrize(
    ("text", "call"),
    [
        (
            WSGI_APPS["flask"][0] + "\nif __name__ == '__main__':\n    app.run(port=8080)\n",
            "app.run",
        ),
        (WSGI_APPS["flask"][0] + "\napp.run()\n", "app.run"),
        (ASGI_APPS["fastapi"] + "\nimport uvicorn\n\nuvicorn.run(app, port=8080)\n", "uvicorn.run"),
        (
            ASGI_APPS["fastapi"]
            + "\ndef main():\n    import uvicorn\n    uvicorn.run(app)\n\n"
            + "if __name__ == '__main__':\n    main()\n",
            "uvicorn.run",
        ),
        (
            WSGI_APPS["flask"][0]
            + "from waitress import serve\nif __name__ == '__main__':\n    serve(app)\n",
            "serve",
        ),
        (
            "from wsgiref.simple_server import make_server\n"
            "def app(environ, start_response): ...\n"
            "make_server('', 8080, app).serve_forever()\n",
            "make_server",
        ),
    ],
)
def test_an_app_py_that_starts_its_own_server_is_run_as_a_script(tmp_path, text, call):
    spec = detect_in(app_files(tmp_path, app_py=text), tmp_path)
    assert (spec.kind, spec.entry) == ("python", "app.py")
    assert spec.detected_by.startswith(f"app.py starts its own server: {call}")


def test_an_app_py_with_no_known_app_object_stays_a_script(tmp_path):
    spec = detect_in(app_files(tmp_path, app_py="print('hi')\n"), tmp_path)
    assert (spec.kind, spec.detected_by) == ("python", "app.py")


def test_app_file_or_python_mode_runs_an_app_py_as_a_script(tmp_path):
    src = app_files(tmp_path, app_py=WSGI_APPS["flask"][0])
    assert detect_in(src, tmp_path, APP_FILE="app.py").kind == "python"
    assert detect_in(src, tmp_path, WARPDRIVE_DEPLOY_MODE="python").kind == "python"


def test_app_module_naming_an_asgi_app(tmp_path):
    src = app_files(tmp_path, service_py="import fastapi\napi = fastapi.FastAPI()\n")
    spec = detect_in(src, tmp_path, APP_MODULE="service:api")
    assert (spec.kind, spec.interface, spec.entry) == ("asgi", "asgi", "service:api")
    assert spec.detected_by == "env APP_MODULE, service.py: api = FastAPI()"
    # The source does not say: WARPDRIVE_INTERFACE does; wsgi turns detection off.
    (src / "service.py").write_text("from somewhere import api\n")
    assert detect_in(src, tmp_path, APP_MODULE="service:api").kind == "wsgi"
    spec = detect_in(src, tmp_path, APP_MODULE="service:api", WARPDRIVE_INTERFACE="asgi")
    assert (spec.kind, spec.interface, spec.entry) == ("asgi", "asgi", "service:api")
    assert spec.detected_by == "env APP_MODULE, env WARPDRIVE_INTERFACE=asgi"
    (src / "service.py").write_text("import fastapi\napi = fastapi.FastAPI()\n")
    spec = detect_in(src, tmp_path, APP_MODULE="service:api", WARPDRIVE_INTERFACE="wsgi")
    assert (spec.kind, spec.interface) == ("wsgi", "wsgi")


ASGI_FACTORIES = {
    "assigned": (
        "from fastapi import FastAPI\n\n"
        "def create_app(greeting='hi'):\n"
        "    app = FastAPI()\n\n"
        "    @app.get('/')\n"
        "    async def index():\n"
        "        return {'greeting': greeting}\n\n"
        "    return app\n",
        "FastAPI",
    ),
    "returned": (
        "from starlette.applications import Starlette\n\n"
        "def create_app(debug=False):\n"
        "    return Starlette(debug=debug)\n",
        "Starlette",
    ),
    "imported_inside": (
        "def create_app():\n"
        "    import quart\n"
        "    if True:\n"
        "        application: quart.Quart = quart.Quart(__name__)\n"
        "    return application\n",
        "Quart",
    ),
}


@pytest.mark.parametrize("shape", sorted(ASGI_FACTORIES))
@pytest.mark.parametrize(
    ("value", "args"),
    [("create_app()", ""), ("create_app( 'prod', debug=False )", "'prod', debug=False")],
)
def test_app_module_naming_an_asgi_factory(tmp_path, shape, value, args):
    text, maker = ASGI_FACTORIES[shape]
    src = app_files(tmp_path, service_py=text)
    spec = detect_in(src, tmp_path, APP_MODULE=f"service:{value}")
    assert (spec.kind, spec.interface) == ("asgi", "asgi")
    assert (spec.module, spec.callable, spec.factory_args) == ("service", "create_app", args)
    assert spec.entry == spec.target == f"service:create_app({args})"
    assert spec.detected_by == f"env APP_MODULE, service.py: create_app() returns {maker}()"


def test_an_asgi_factory_named_without_its_call_is_asgi_for_the_builds_check(tmp_path):
    src = app_files(tmp_path, service_py=ASGI_FACTORIES["assigned"][0])
    spec = detect_in(src, tmp_path, APP_MODULE="service:create_app")
    assert (spec.kind, spec.entry, spec.factory_args) == ("asgi", "service:create_app", None)


def test_a_flask_factory_stays_wsgi(tmp_path):
    text = (
        "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n"
    )
    src = app_files(tmp_path, service_py=text)
    spec = detect_in(src, tmp_path, APP_MODULE="service:create_app('prod')")
    assert (spec.kind, spec.interface, spec.target) == (
        "wsgi",
        "wsgi",
        "service:create_app('prod')",
    )


@pytest.mark.parametrize(
    "text",
    [
        # Only a route handler inside returns a framework's app; the factory returns it wrapped.
        "from fastapi import FastAPI\n\ndef create_app():\n"
        "    def inner():\n        return FastAPI()\n    return wrap(inner())\n",
        # A module-level app, not a function.
        "from fastapi import FastAPI\n\ncreate_app = FastAPI()\n",
        # The factory comes from elsewhere.
        "from factory import create_app\n",
    ],
)
def test_a_factory_the_source_does_not_show_as_asgi_needs_the_setting(tmp_path, text):
    src = app_files(tmp_path, service_py=text)
    assert detect_in(src, tmp_path, APP_MODULE="service:create_app()").kind == "wsgi"
    spec = detect_in(src, tmp_path, APP_MODULE="service:create_app(1)", WARPDRIVE_INTERFACE="asgi")
    assert (spec.kind, spec.interface, spec.target) == ("asgi", "asgi", "service:create_app(1)")
    assert spec.detected_by == "env APP_MODULE, env WARPDRIVE_INTERFACE=asgi"


def test_a_bad_factory_call_is_the_wsgi_detectors_error_even_for_an_asgi_app(tmp_path):
    src = app_files(tmp_path, service_py=ASGI_FACTORIES["returned"][0])
    with pytest.raises(BadSetting, match="create_app"):
        detect_in(src, tmp_path, APP_MODULE="service:create_app(os.environ)")


def test_a_bad_interface_setting(tmp_path):
    src = app_files(tmp_path, main_py=ASGI_APPS["fastapi"])
    with pytest.raises(BadSetting) as raised:
        detect_in(src, tmp_path, WARPDRIVE_INTERFACE="rsgi")
    assert "WARPDRIVE_INTERFACE='rsgi' is not valid" in raised.value.message
    assert "wsgi or asgi" in raised.value.hint


def test_django_is_wsgi_unless_its_settings_or_the_setting_say_asgi(tmp_path):
    src = copy("django", tmp_path)
    spec = detect_in(src, tmp_path)
    assert (spec.interface, spec.entry) == ("wsgi", "mysite.wsgi:application")
    spec = detect_in(src, tmp_path, WARPDRIVE_INTERFACE="asgi")
    assert (spec.kind, spec.interface, spec.entry) == ("django", "asgi", "mysite.asgi:application")
    assert spec.detected_by.endswith(", env WARPDRIVE_INTERFACE=asgi")
    with (src / "mysite" / "settings.py").open("a") as fh:
        fh.write('\nASGI_APPLICATION = "mysite.routing.application"\n')
    spec = detect_in(src, tmp_path)
    assert (spec.kind, spec.interface, spec.entry) == (
        "django",
        "asgi",
        "mysite.routing:application",
    )
    assert spec.django is not None and spec.django.asgi_application == "mysite.routing.application"
    assert spec.detected_by.endswith(", ASGI_APPLICATION mysite.routing.application")
    spec = detect_in(src, tmp_path, WARPDRIVE_INTERFACE="wsgi")
    assert (spec.interface, spec.entry) == ("wsgi", "mysite.wsgi:application")


def test_the_detection_order_is_the_readme_table(tmp_path):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme.split("## How detection works", 1)[1].split("\n\n")[2]
    kinds = re.findall(r"^\| \d+ \| `([\w-]+)` \|", table, re.MULTILINE)
    assert kinds == [d.KIND for d in detect.DETECTORS]


@pytest.mark.parametrize(
    ("files", "kind"),
    [
        # framework conventions and the app's own scripts come before an ASGI main.py
        ({"manage.py": ""}, "django"),  # manage.py without settings is skipped: below
        ({"paste.ini": "[app:main]\nuse = egg:x\n"}, "paste"),
        ({"app.py": WSGI_APPS["flask"][0] + "app.run()\n"}, "python"),
        # ... and an ASGI main.py before a WSGI wsgi.py
        ({"wsgi.py": "application = None\n"}, "asgi"),
        ({"app.py": WSGI_APPS["flask"][0]}, "asgi"),
    ],
)
def test_where_asgi_comes_in_the_order(tmp_path, files, kind):
    src = app_files(tmp_path, main_py=ASGI_APPS["fastapi"])
    for name, text in files.items():
        (src / name).write_text(text)
    if kind == "django":
        shutil.rmtree(src)
        src = copy("django", tmp_path)
        (src / "main.py").write_text(ASGI_APPS["fastapi"])
    assert detect_in(src, tmp_path).kind == kind


def test_a_setup_py_that_only_calls_setup_takes_its_name_from_setup_cfg(tmp_path):
    src = app_files(tmp_path, setup_py="from setuptools import setup\n\nsetup()\n")
    (src / "setup.cfg").write_text("[metadata]\nname = cfg-site\nversion = 1.0\n")
    spec = detect_in(src, tmp_path)
    assert (spec.kind, spec.entry, spec.detected_by) == (
        "wsgi",
        "cfg_site:application",
        "setup.cfg project name 'cfg-site'",
    )
    (src / "setup.cfg").write_text("[metadata\nname = broken\n")  # unreadable: not used
    with pytest.raises(NoAppFound):
        detect_in(src, tmp_path)
