"""What the builder compiles, and what a two-stage image needs of it at run time: an app
with psycopg2 compiled from source against the builder's libpq, a C extension of its own
and lxml (from its wheel), built by the standard `s2i` tool into the runtime image,
which has no libpq of its own. assemble copies libpq (and whatever else the runtime
image lacks) into the app root; the app image imports all three and serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.images.test_images import running
from tests.support.http import get
from tests.support.s2i_tool import s2i_build

IMAGE = "warpdrive-test-nativelibs"
NATIVE = "/opt/app-root/native-libs"

SETUP_PY = """from setuptools import Extension, setup

setup(name="cext", version="1.0", ext_modules=[Extension("cext", ["cext.c"])])
"""

CEXT_C = """#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
    return PyLong_FromLong(a + b);
}

static PyMethodDef methods[] = {{"add", add, METH_VARARGS, "a + b"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "cext", NULL, -1, methods};
PyMODINIT_FUNC PyInit_cext(void) { return PyModule_Create(&module); }
"""

WSGI = """import cext
import lxml.etree
import psycopg2


def application(environ, start_response):
    root = lxml.etree.fromstring("<a><b>lxml</b></a>")
    body = "libpq %d %s cext %d" % (psycopg2.__libpq_version__, root[0].text, cext.add(2, 3))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]
"""


def in_image(engine, image: str, script: str) -> str:
    return engine.containers.run(
        image, ["sh", "-c", script], remove=True, user="123456:0", entrypoint=[]
    ).decode()


@pytest.fixture(scope="module")
def two_stage(engine, builders, tmp_path_factory):
    src: Path = tmp_path_factory.mktemp("nativelibs") / "app"
    (src / "cext").mkdir(parents=True)
    (src / "cext/setup.py").write_text(SETUP_PY)
    (src / "cext/cext.c").write_text(CEXT_C)
    (src / "wsgi.py").write_text(WSGI)
    (src / "requirements.txt").write_text(
        "--no-binary psycopg2\npsycopg2==2.9.10\nlxml==5.3.0\n./cext\n"
    )
    builder = builders["3.11"]
    result = s2i_build(
        src,
        builder,
        IMAGE,
        "--copy",
        "--runtime-image",
        f"{builder}-runtime",
        "--runtime-pull-policy",
        "never",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Build completed successfully" in output, output[-4000:]
    yield builder, output
    engine.images.remove(IMAGE, force=True)


def test_the_builder_compiles_psycopg2_and_a_c_extension(two_stage):
    _, output = two_stage
    # psycopg2 from its source (no wheel), linked against the system's libpq: the one
    # library of the app's that the runtime image lacks.
    assert f"Copying libpq.so.5, which the runtime image lacks, into {NATIVE}" in output


def test_the_runtime_image_has_no_libpq(engine, two_stage):
    builder, _ = two_stage
    assert in_image(engine, f"{builder}-runtime", "ldconfig -p | grep -c libpq || true") == "0\n"


def test_the_two_stage_image_loads_libpq_from_the_app_root(engine, two_stage):
    out = in_image(
        engine,
        IMAGE,
        "ldd /opt/app-root/lib/python3*/site-packages/psycopg2/_psycopg*.so | grep libpq",
    )
    assert f"libpq.so.5 => {NATIVE}/libpq.so.5" in out


def test_the_two_stage_image_serves_psycopg2_lxml_and_the_extension(engine, two_stage):
    with running(engine, IMAGE) as (port, _):
        status, body, _ = get(port, "/")
    assert status == 200
    assert body.startswith(b"libpq 15") and body.endswith(b" lxml cext 5"), body
