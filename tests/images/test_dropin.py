"""Apps written for OpenShift's Python builder, built with the standard `s2i` tool and
the 3.13 builder, served as an arbitrary UID: quoted `.s2i/environment` values, a
Pipfile.lock's own package index, the en_US.UTF-8 locale, and an APP_CONFIG's bind."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.images.test_images import running
from tests.support.http import free_port, get
from tests.support.s2i_tool import s2i_build

USER = "100001"

# A WSGI app that asserts, at import, what apps made for OpenShift's Python images
# assert; its answer shows what it sees at run time and what the build hook saw.
WEB = """\
import json
import locale
import os
import warnings
from pathlib import Path

import six

warnings.simplefilter("ignore", DeprecationWarning)  # getdefaultlocale, on 3.13
AT_IMPORT = locale.setlocale(locale.LC_CTYPE)
assert locale.getdefaultlocale() == ("en_US", "UTF-8"), locale.getdefaultlocale()
locale.setlocale(locale.LC_ALL, "")


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    at_build = Path(__file__).resolve().parent.parent / "seen-at-build.json"
    return [json.dumps({
        "GREETING": os.environ.get("GREETING"),
        "APP_MODULE": os.environ.get("APP_MODULE"),
        "at_build": json.loads(at_build.read_text()),
        "default_locale": list(locale.getdefaultlocale()),
        "lc_ctype_at_import": AT_IMPORT,
        "lc_all": locale.setlocale(locale.LC_ALL),
        "six": six.__version__,
        "module": __file__,
    }).encode()]
"""

BUILD_HOOK = """\
#!/bin/sh
# What the build steps see of the quoted values.
set -eu
code='import json, os; print(json.dumps({k: os.environ[k] for k in ["GREETING", "APP_MODULE"]}))'
python -c "$code" > "$WARPDRIVE_SRC_ROOT/seen-at-build.json"
"""

# The lock's own index is PyPI; the environment names an index nothing answers on.
PIPFILE_LOCK = {
    "_meta": {
        "hash": {"sha256": "0" * 64},
        "pipfile-spec": 6,
        "requires": {"python_version": "3.13"},
        "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}],
    },
    "default": {
        "six": {"index": "pypi", "version": "==1.16.0"},
        "dropin-app": {"editable": True, "path": "."},
    },
    "develop": {},
}

S2I_ENVIRONMENT = """\
# written for OpenShift's Python builder: quoted values, and an index of the
# company's that is not there
APP_MODULE="dropin.web:application"
GREETING="hi there"
PIP_INDEX_URL=http://127.0.0.1:9/simple
"""


def dropin_app(root: Path) -> Path:
    (root / "dropin").mkdir(parents=True)
    (root / "dropin/__init__.py").write_text("")
    (root / "dropin/web.py").write_text(WEB)
    # Built in isolation: setuptools comes from the lock's index too.
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "dropin-app"\nversion = "1.0"\n'
        '[tool.setuptools]\npackages = ["dropin"]\n'
    )
    (root / "Pipfile").write_text(
        '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
        '[packages]\nsix = "==1.16.0"\ndropin-app = {path = ".", editable = true}\n'
    )
    (root / "Pipfile.lock").write_text(json.dumps(PIPFILE_LOCK, indent=4) + "\n")
    hook = root / ".warpdrive/action_hooks/build"
    hook.parent.mkdir(parents=True)
    hook.write_text(BUILD_HOOK)
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    (root / ".s2i").mkdir()
    (root / ".s2i/environment").write_text(S2I_ENVIRONMENT)
    return root


def build(src: Path, image: str, builders: dict[str, str]) -> str:
    result = s2i_build(src, builders["3.13"], image)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert "ERROR" not in output, output[-5000:]
    return output


def image_env(engine, image: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in engine.images.get(image).attrs["Config"]["Env"])


def warpdrive_info(engine, image: str) -> str:
    return engine.containers.run(
        image, ["warpdrive", "info"], remove=True, user=USER, network_mode="host"
    ).decode()


@pytest.fixture(scope="module")
def dropin(engine, builders, tmp_path_factory):
    """The OpenShift-style app, built once with the standard tool; (image, build
    output, its answer at run time)."""
    image = "warpdrive-test-dropin-app"
    output = build(dropin_app(tmp_path_factory.mktemp("dropin") / "app"), image, builders)
    with running(engine, image, user=USER) as (port, _):
        status, body, _ = get(port, "/")
    assert status == 200, body
    return image, output, json.loads(body)


def test_quoted_s2i_environment_values_reach_the_app_unquoted(engine, dropin):
    image, _, answer = dropin
    env = image_env(engine, image)
    # The standard tool keeps the quotes, in the build and in the image...
    assert env["GREETING"] == '"hi there"'
    assert env["APP_MODULE"] == '"dropin.web:application"'
    # ...and warpdrive, its build steps and the app see the values without them.
    unquoted = {"GREETING": "hi there", "APP_MODULE": "dropin.web:application"}
    assert answer["at_build"] == unquoted
    assert {k: answer[k] for k in unquoted} == unquoted
    assert answer["module"] == "/opt/app-root/src/dropin/web.py"


def test_a_pipfile_lock_installs_from_its_own_index(engine, dropin):
    image, output, answer = dropin
    assert "Installing dependencies from Pipfile.lock" in output
    assert "From the package index the lock names: https://pypi.org/simple" in output
    # six and the editable project (whose build needed setuptools) came from there,
    # although PIP_INDEX_URL names an index that nothing answers on.
    assert answer["six"] == "1.16.0"
    code = "import importlib.metadata as m; print(m.version('dropin-app'))"
    out = engine.containers.run(image, ["python", "-c", code], remove=True, user=USER).decode()
    assert out.strip() == "1.0"


def test_the_app_runs_in_en_us_utf8(engine, dropin):
    image, _, answer = dropin
    env = image_env(engine, image)
    assert (env["LANG"], env["LC_ALL"]) == ("en_US.UTF-8", "en_US.UTF-8")
    # The import-time assertions held; mod_wsgi runs the app in the same locale.
    assert answer["default_locale"] == ["en_US", "UTF-8"]
    assert answer["lc_ctype_at_import"] == "en_US.UTF-8"
    assert answer["lc_all"] == "en_US.UTF-8"
    assert "--locale en_US.UTF-8" in warpdrive_info(engine, image)


def test_the_runtime_image_has_the_locale_too(engine, builders):
    script = (
        "import locale; locale.setlocale(locale.LC_ALL, ''); print(locale.setlocale(locale.LC_ALL))"
    )
    out = engine.containers.run(
        f"{builders['3.13']}-runtime", ["python3", "-c", script], remove=True, user=USER
    ).decode()
    assert out.strip() == "en_US.UTF-8"


def test_an_app_config_keeps_its_own_bind(engine, builders, tmp_path):
    port = free_port()  # not 8080, and free on this machine's network
    src = tmp_path / "app"
    src.mkdir()
    (src / "wsgi.py").write_text(
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'bound by the config']\n"
    )
    (src / "gunicorn_conf.py").write_text(f'bind = "0.0.0.0:{port}"\nworkers = 2\n')
    (src / "requirements.txt").write_text("six==1.16.0\n")
    (src / ".s2i").mkdir()
    (src / ".s2i/environment").write_text("APP_CONFIG=gunicorn_conf.py\n")
    image = "warpdrive-test-dropin-bind"
    build(src, image, builders)
    info = warpdrive_info(engine, image)
    assert f"{port} (bind in gunicorn_conf.py)" in info
    assert "--bind" not in info
    with running(engine, image, user=USER, port=port) as (_, container):
        status, body, headers = get(port, "/")
        assert (status, body) == (200, b"bound by the config")
        assert headers["server"].startswith("gunicorn")
        assert f"Starting gunicorn on port {port}" in container.logs().decode()
