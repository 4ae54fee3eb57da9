"""Detection in-process, on copies of the examples and fixtures in real temp dirs:
each kind, the order between them, the explicit settings, and the no-app error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import EXAMPLES, FIXTURES
from warpdrive import context, detect
from warpdrive.errors import ModeNotMatched, NoAppFound


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
