"""Detection and `warpdrive info`, run as real processes on real temp directories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXPECTED = {
    "django": ("django", "mysite.wsgi:application"),
    "wsgi": ("wsgi", "wsgi:application"),
    "paste": ("paste", "paste.ini"),
    "python": ("python", "app.py"),
    "shell": ("shell", "app.sh"),
    "procfile": ("procfile", "Procfile"),
    "asgi": ("asgi", "main:app"),
}


def info_json(run_wd, path: Path, **kw) -> dict:
    result = run_wd("info", "--json", str(path), **kw)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_every_example_is_detected(run_wd, app_dir, example):
    src = app_dir(example)
    data = info_json(run_wd, src)
    kind, entry = EXPECTED[example]
    assert data["spec"]["kind"] == kind
    assert data["spec"]["entry"] == entry
    assert data["spec"]["app_home"] == str(src)
    argv = data["launch"]["argv"]
    assert Path(argv[0]).name == "start-" + data["launch"]["server"]
    assert os.access(argv[0], os.X_OK)


def test_info_text_shows_kind_entry_static_server_and_argv(run_wd, app_dir):
    src = app_dir("django")
    result = run_wd("info", str(src), "--server", "gunicorn", "--port", "9123")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "kind:         django (manage.py with settings mysite.settings; detected now)" in out
    assert "entry point:  mysite.wsgi:application" in out
    assert "static:       /static/ -> " in out
    assert "server:       gunicorn (--server)" in out
    argv_line = next(line for line in out.splitlines() if line.startswith("argv:"))
    assert "--bind 0.0.0.0:9123" in argv_line
    assert "start-gunicorn --control-socket " in argv_line
    # gunicorn cannot serve static files: WhiteNoise wraps the app for it.
    assert argv_line.endswith("warpdrive_wsgi:application")
    data = json.loads(run_wd("info", "--json", str(src), "--server", "gunicorn").stdout)
    assert data["launch"]["env"]["WARPDRIVE_WSGI_APP"] == "mysite.wsgi:application"
    assert json.loads(data["launch"]["env"]["WARPDRIVE_STATIC"])[0][0] == "/static/"
    # `plan` is the same command under another name.
    again = run_wd("plan", str(src), "--server", "gunicorn", "--port", "9123")
    assert again.stdout == out


def test_django_static_root_unset_gets_one_under_app_root(run_wd, app_dir, wd_home):
    src = app_dir("django")
    data = info_json(run_wd, src)
    [mount] = data["spec"]["static"]
    assert mount["url"] == "/static/"
    assert mount["directory"] == str(wd_home / "warpdrive+django" / "static")
    assert any("STATIC_ROOT is not set" in n for n in data["spec"]["notes"])


def test_nothing_detectable_lists_every_file_looked_for(run_wd, app_dir):
    from warpdrive import detect

    src = app_dir("none_nothing")
    result = run_wd("info", str(src))
    assert result.returncode == 2
    assert result.stdout == ""
    error, hint = result.stderr.strip().splitlines()
    assert error.startswith(f"error: no application found in {src} (looked for: ")
    for detector in detect.DETECTORS:
        for name in (*detector.READS.files, *detector.READS.names_app):
            assert name in error
    assert hint.startswith("hint: ")
    for way in (
        "APP_MODULE=module:callable",
        "APP_MODULE=module means module:application",
        "WARPDRIVE_PASTE_INI=",
        "WARPDRIVE_DEPLOY_MODE",
        "WARPDRIVE_APP_HOME",
    ):
        assert way in hint
    assert "Traceback" not in result.stderr


def test_error_lists_what_the_detector_table_looks_for():
    """The no-app message is built from the table itself, so they cannot drift apart."""
    from warpdrive import detect
    from warpdrive.errors import NoAppFound

    message = NoAppFound(Path("/x"), detect.looked_for()).message
    for detector in detect.DETECTORS:
        for name, wanted in detector.READS.files.items():
            assert name in message and f"({wanted})" in message if wanted else name in message
    assert message.endswith(
        "setup.py or setup.cfg or pyproject.toml (its project name), APP_MODULE)"
    )


def test_app_sh_not_executable_warns_and_falls_through(run_wd, app_dir):
    src = app_dir("shell_not_executable")
    result = run_wd("info", "--json", str(src))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["spec"]["kind"] == "wsgi"
    assert f"warning: {src / 'app.sh'} is not executable" in result.stderr
    assert f"chmod +x {src / 'app.sh'}" in result.stderr


def test_django_settings_that_raise_name_module_and_exception(run_wd, app_dir):
    src = app_dir("django_settings_raise")
    result = run_wd("info", str(src))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    error = next(line for line in lines if line.startswith("error: "))
    assert error == (
        "error: Django settings module 'proj.settings' failed to import: "
        "RuntimeError: DATABASE_URL is not set"
    )
    # The app's own traceback helps and is shown; warpdrive's own frames are not.
    assert "proj/settings.py" in result.stderr
    assert "django_probe.py" not in result.stderr
    assert "warpdrive/" not in result.stderr.replace(str(src), "")


def test_django_before_first_build_says_what_cannot_be_known(run_wd, app_dir):
    src = app_dir("django_settings_missing_dep")
    data = info_json(run_wd, src)
    assert data["built"] is False
    assert data["spec"]["kind"] == "django"
    notes = " ".join(data["spec"]["notes"])
    assert "settings were imported with warpdrive's own Python" in notes
    assert "No module named 'warpdrive_fixture_not_installed_env'" in notes
    assert "known after `warpdrive build`" in notes


def test_django_facts_come_from_importing_the_settings(run_wd, app_dir):
    """Values computed at import time (no literal in the file) are what info reports."""
    src = app_dir("django_computed_settings")
    data = info_json(run_wd, src, extra={"FIXTURE_ASSET_VERSION": "v7"})
    django = data["spec"]["django"]
    assert django["static_url"] == "/assets/v7/"
    assert django["wsgi_application"] == "proj.wsgi.application"
    assert django["database_engine"] == "django.db.backends.postgresql"
    assert django["sqlite_databases"] == []
    assert django["media_root"] == str(src / "uploads")  # relative: from the app home
    assert data["spec"]["static"] == [{"url": "/assets/v7/", "directory": str(src / "collected")}]


@pytest.fixture(scope="session")
def django_venv(tmp_path_factory) -> Path:
    """A real virtualenv with Django, standing in for a built app environment."""
    root = tmp_path_factory.mktemp("django-env") / "warpdrive+django"
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    requirements = Path(__file__).resolve().parents[2] / "examples/django/requirements.txt"
    subprocess.run(
        [str(root / "bin/python"), "-m", "pip", "install", "-q", "-r", str(requirements)],
        check=True,
    )
    return root


def test_django_settings_imported_with_the_apps_own_python(run_wd, app_dir, django_venv):
    src = app_dir("django")
    data = info_json(
        run_wd, src, extra={"WARPDRIVE_APP_ROOT": str(django_venv), "WARPDRIVE_SRC_ROOT": str(src)}
    )
    assert (data["has_env"], data["built"]) == (True, False)
    django = data["spec"]["django"]
    assert django["source"] == "django.conf.settings"
    assert django["django_version"].startswith("5.2")
    assert django["static_url"] == "/static/"
    assert django["staticfiles"] is True
    assert django["database_engine"] == "django.db.backends.sqlite3"
    assert django["sqlite_databases"] == [str(src / "db.sqlite3")]
    assert django["media_root"] is None
    assert not any("warpdrive's own Python" in n for n in data["spec"]["notes"])
    assert data["spec"]["static"][0]["directory"] == str(django_venv / "static")


def test_env_exists_but_dependencies_not_installed_yet(run_wd, app_dir, django_venv):
    """After `activate`, before the first build: the app's Python lacks its packages."""
    src = app_dir("django_settings_missing_dep")
    data = info_json(
        run_wd, src, extra={"WARPDRIVE_APP_ROOT": str(django_venv), "WARPDRIVE_SRC_ROOT": str(src)}
    )
    notes = " ".join(data["spec"]["notes"])
    assert "warpdrive's own Python" not in notes
    assert "No module named 'warpdrive_fixture_not_installed_env'" in notes
    assert "known after `warpdrive build`" in notes


def test_server_setting_ignored_for_apps_with_their_own_server(run_wd, app_dir):
    data = info_json(run_wd, app_dir("python"), extra={"WARPDRIVE_SERVER_TYPE": "uwsgi"})
    assert data["launch"]["server"] == "python"
    assert data["launch"]["notes"] == [
        "server 'uwsgi' is ignored: a python app is served by python"
    ]


def test_completion_scripts(run_wd):
    for shell, marker in (
        ("bash", "complete -o nosort -F"),
        ("zsh", "compdef"),
        ("fish", "complete --no-files --command warpdrive"),
    ):
        result = run_wd("completion", shell)
        assert result.returncode == 0
        assert marker in result.stdout
        assert "_WARPDRIVE_COMPLETE" in result.stdout


@pytest.mark.parametrize("variable", ["WARPDRIVE_APP_HOME", "APP_HOME"])
def test_app_in_a_subdirectory(run_wd, app_dir, variable):
    src = app_dir("monorepo_app_home")
    assert run_wd("info", str(src)).returncode == 2
    data = info_json(run_wd, src, extra={variable: "services/web"})
    assert data["spec"]["kind"] == "wsgi"
    assert data["spec"]["app_home"] == str(src / "services/web")
    assert data["src"] == str(src)


def test_app_home_from_pyproject(run_wd, app_dir):
    src = app_dir("monorepo_app_home")
    (src / "pyproject.toml").write_text('[tool.warpdrive]\nhome = "services/web"\n')
    assert info_json(run_wd, src)["spec"]["app_home"] == str(src / "services/web")


def test_app_home_outside_source_is_refused(run_wd, app_dir):
    src = app_dir("monorepo_app_home")
    result = run_wd("info", str(src), extra={"APP_HOME": "../.."})
    assert result.returncode == 2
    assert "error: APP_HOME='../..' is not valid" in result.stderr


def test_deploy_mode_beats_detection(run_wd, app_dir):
    src = app_dir("shell")
    (src / "app.py").write_text("print('hi')\n")
    assert info_json(run_wd, src)["spec"]["kind"] == "shell"
    data = info_json(run_wd, src, extra={"WARPDRIVE_DEPLOY_MODE": "python"})
    assert data["spec"]["kind"] == "python"
    assert data["spec"]["detected_by"] == "env WARPDRIVE_DEPLOY_MODE=python"


def test_deploy_mode_from_environment_file(run_wd, app_dir):
    src = app_dir("shell")
    (src / "app.py").write_text("print('hi')\n")
    (src / ".warpdrive").mkdir()
    (src / ".warpdrive/environment").write_text("# pick app.py\nWARPDRIVE_DEPLOY_MODE='python'\n")
    data = info_json(run_wd, src)
    assert data["spec"]["detected_by"] == ".warpdrive/environment WARPDRIVE_DEPLOY_MODE=python"


def test_deploy_mode_whose_files_are_missing(run_wd, app_dir):
    src = app_dir("wsgi")
    result = run_wd("info", str(src), extra={"WARPDRIVE_DEPLOY_MODE": "django"})
    assert result.returncode == 2
    assert "error: env WARPDRIVE_DEPLOY_MODE is 'django' but" in result.stderr
    assert "has no manage.py and a Django settings module" in result.stderr


def test_unknown_deploy_mode(run_wd, app_dir):
    result = run_wd("info", str(app_dir("wsgi")), extra={"WARPDRIVE_DEPLOY_MODE": "rails"})
    assert result.returncode == 2
    assert "error: WARPDRIVE_DEPLOY_MODE='rails' is not valid" in result.stderr
    assert "hint: use one of auto, shell, python, django, paste, asgi, wsgi" in result.stderr


def test_app_module_beats_detection(run_wd, app_dir):
    """APP_MODULE wins over app.sh, app.py and Django, as on OpenShift."""
    src = app_dir("django")
    (src / "app.py").write_text("print('hi')\n")
    data = info_json(
        run_wd, src, extra={"APP_MODULE": "hello.views:index", "WARPDRIVE_SERVER_TYPE": "mod_wsgi"}
    )
    assert data["spec"]["kind"] == "wsgi"
    assert data["spec"]["entry"] == "hello.views:index"
    assert data["spec"]["detected_by"] == "env APP_MODULE"
    argv = data["launch"]["argv"]
    assert argv[argv.index("--entry-point") + 1] == "hello.views"
    assert argv[argv.index("--callable-object") + 1] == "index"


def test_app_module_malformed(run_wd, app_dir):
    result = run_wd("info", str(app_dir("wsgi")), extra={"APP_MODULE": "x; rm -rf /"})
    assert result.returncode == 2
    assert "error: APP_MODULE='x; rm -rf /' is not valid" in result.stderr


def test_explicit_app_file_missing(run_wd, app_dir):
    result = run_wd("info", str(app_dir("wsgi")), extra={"APP_FILE": "server.py"})
    assert result.returncode == 2
    assert "error: APP_FILE=server.py but" in result.stderr
    assert "server.py does not exist" in result.stderr


def test_gunicorn_config_with_wsgi_app_comes_first(run_wd, app_dir):
    data = info_json(run_wd, app_dir("gunicorn_config_wsgi_app"))
    assert data["spec"]["kind"] == "gunicorn-config"
    assert data["launch"]["server"] == "gunicorn"
    assert data["launch"]["argv"][1:3] == [
        "--config",
        data["spec"]["app_home"] + "/gunicorn.conf.py",
    ]


def test_paste_ini_without_app_main_is_skipped(run_wd, app_dir):
    result = run_wd("info", "--json", str(app_dir("paste_no_app_main")))
    assert json.loads(result.stdout)["spec"]["kind"] == "wsgi"
    assert "has no [app:main] section" in result.stderr


def test_setup_py_name_is_the_wsgi_module(run_wd, app_dir):
    spec = info_json(run_wd, app_dir("setup_py_name"))["spec"]
    assert (spec["kind"], spec["entry"]) == ("wsgi", "hello_site:application")


def test_wsgi_package(run_wd, app_dir):
    spec = info_json(run_wd, app_dir("wsgi_package"))["spec"]
    assert (spec["kind"], spec["detected_by"]) == ("wsgi", "wsgi/__init__.py")


def test_malformed_environment_file(run_wd, app_dir):
    src = app_dir("wsgi")
    (src / ".warpdrive").mkdir()
    (src / ".warpdrive/environment").write_text("GOOD=1\nthis line is wrong\n")
    result = run_wd("info", str(src))
    assert result.returncode == 2
    assert "line 2 is not KEY=VALUE: 'this line is wrong'" in result.stderr


def test_a_fastapi_project_is_an_asgi_app(run_wd, app_dir):
    """FastAPI's bigger-application layout: main.py, a routers package, requirements."""
    src = app_dir("asgi_fastapi")
    spec = info_json(run_wd, src)["spec"]
    assert (spec["kind"], spec["interface"], spec["entry"]) == ("asgi", "asgi", "main:app")
    assert spec["detected_by"] == "main.py: app = FastAPI()"
    out = run_wd("info", str(src)).stdout
    assert "kind:         asgi (main.py: app = FastAPI(); detected now)" in out
    assert "interface:    asgi" in out
    # Named with APP_MODULE, as a user coming from uvicorn would.
    spec = info_json(run_wd, src, extra={"APP_MODULE": "main:app"})["spec"]
    assert (spec["kind"], spec["entry"]) == ("asgi", "main:app")
    assert spec["detected_by"] == "env APP_MODULE, main.py: app = FastAPI()"


def test_a_flask_app_py_without_app_run_is_a_wsgi_app(run_wd, app_dir, tmp_path):
    src = tmp_path / "flaskapp"
    src.mkdir()
    (src / "app.py").write_text(
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        "@app.route('/')\ndef index():\n    return 'hi'\n"
    )
    spec = info_json(run_wd, src)["spec"]
    assert (spec["kind"], spec["interface"], spec["entry"]) == ("wsgi", "wsgi", "app:app")
    with (src / "app.py").open("a") as fh:
        fh.write("\n\nif __name__ == '__main__':\n    app.run()\n")
    spec = info_json(run_wd, src)["spec"]
    assert (spec["kind"], spec["entry"]) == ("python", "app.py")
    assert spec["detected_by"] == "app.py starts its own server: app.run()"
