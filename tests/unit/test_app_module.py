"""APP_MODULE's forms, parsed in-process: module, module:callable, and an app factory
called with literal arguments (gunicorn's syntax); anything else is refused."""

from __future__ import annotations

import pytest

from warpdrive.detect.spec import AppSpec
from warpdrive.detect.wsgi import split_app_module
from warpdrive.errors import BadSetting


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("hello", ("hello", "application", None)),
        ("myproject.wsgi:application", ("myproject.wsgi", "application", None)),
        ("flaskr:create_app()", ("flaskr", "create_app", "")),
        ("flaskr:create_app ( )", ("flaskr", "create_app", "")),
        (
            "pkg.web:create_app('production', debug=False)",
            ("pkg.web", "create_app", "'production', debug=False"),
        ),
        (
            'app:make({"TESTING": True}, 3, None, workers=(1, 2.5), name="x")',
            ("app", "make", "{'TESTING': True}, 3, None, workers=(1, 2.5), name='x'"),
        ),
        ("app:make(-1, b'raw')", ("app", "make", "-1, b'raw'")),
    ],
)
def test_valid_forms(value, parsed):
    assert split_app_module("APP_MODULE", value) == parsed


@pytest.mark.parametrize(
    "value",
    [
        "",
        ":app",
        "my-project:app",
        "pkg:app-name",
        "pkg:create_app(",
        "pkg:create_app)",
        "pkg:create_app(os.environ)",
        "pkg:create_app(config)",
        "pkg:create_app(__import__('os').system('id'))",
        "pkg:create_app(*args)",
        "pkg:create_app(**{'a': 1})",
        "pkg:create_app()()",
        "pkg:factories.create_app()",
        "pkg:create_app(); import os",
        "pkg:create_app(lambda: 1)",
        "pkg:create_app(x=[i for i in range(3)])",
    ],
)
def test_invalid_forms_are_one_bad_setting(value):
    with pytest.raises(BadSetting) as raised:
        split_app_module("APP_MODULE", value)
    assert raised.value.message == f"APP_MODULE={value!r} is not valid"
    assert "create_app()" in raised.value.hint


def test_the_spec_records_the_factory_and_old_records_have_none(tmp_path):
    spec = AppSpec("wsgi", tmp_path, "flaskr:create_app('x')", "flaskr", "create_app")
    spec.factory_args = "'x'"
    again = AppSpec.from_json(spec.to_json())
    assert (again.factory_args, again.target) == ("'x'", "flaskr:create_app('x')")
    old = spec.to_json()
    del old["factory_args"], old["interface"]
    assert AppSpec.from_json(old).factory_args is None
    assert AppSpec.from_json(old).interface == "wsgi"
