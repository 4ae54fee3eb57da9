"""The OpenShift files validate against the real APIs: OpenShift's own kinds (Template,
ImageStream, BuildConfig, Route, and the core Secret and Service it carries) against
OpenShift's OpenAPI schema, and the core Kubernetes kinds (Deployment, Secret, Service)
with kubernetes-validate's schemas. Both strictly: a field the API does not know is an
error, as `oc create` makes it one. The template's objects are checked as `oc process`
gives them: every parameter substituted by a sample value."""

from __future__ import annotations

import copy
import gzip
import json
import os
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest

from tests.support import IN_CI, ROOT
from tests.unit.test_openshift import load

# OpenShift's API schema (Swagger 2.0, from the openshift/api repository) is third-party
# data kept beside the project, not in it; CI's checkout has it there.
SCHEMA = ROOT.parent / "shared" / "tools" / "openshift-api-openapi.json.gz"
OPENSHIFT_KINDS = {
    ("template.openshift.io/v1", "Template"): "com.github.openshift.api.template.v1.Template",
    ("image.openshift.io/v1", "ImageStream"): "com.github.openshift.api.image.v1.ImageStream",
    ("build.openshift.io/v1", "BuildConfig"): "com.github.openshift.api.build.v1.BuildConfig",
    ("route.openshift.io/v1", "Route"): "com.github.openshift.api.route.v1.Route",
    ("v1", "Secret"): "io.k8s.api.core.v1.Secret",
    ("v1", "Service"): "io.k8s.api.core.v1.Service",
}
KUBERNETES_KINDS = {("apps/v1", "Deployment"), ("v1", "Secret"), ("v1", "Service")}
KUBERNETES_VERSION = "1.30"  # OpenShift 4.17's Kubernetes
SAMPLES = {
    "NAME": "myapp",
    "SOURCE_REPOSITORY_URL": "https://git.example/me/myapp.git",
    "SOURCE_REPOSITORY_REF": "main",
    "CONTEXT_DIR": "app",
    "BUILDER_NAMESPACE": "openshift",
    "APPLICATION_DOMAIN": "myapp.apps.example",
}


@pytest.fixture(scope="module")
def definitions() -> dict:
    path = Path(os.environ.get("WARPDRIVE_TEST_OPENSHIFT_OPENAPI") or SCHEMA)
    if not path.is_file():
        message = f"OpenShift's API schema is missing: {path}"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        found = json.load(fh)["definitions"]
    for definition in found.values():
        # Strict, as the API server's field validation: no field it does not know.
        if "properties" in definition and "additionalProperties" not in definition:
            definition["additionalProperties"] = False
    # A number or a string (a port by number or by name); Swagger 2.0 cannot say it.
    found["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = {"type": ["integer", "string"]}
    return found


def openapi_errors(definitions: dict, obj: dict) -> list[str]:
    name = OPENSHIFT_KINDS[(obj["apiVersion"], obj["kind"])]
    schema = {"$ref": f"#/definitions/{name}", "definitions": definitions}
    validator = jsonschema.Draft4Validator(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(obj)
    ]


def processed(template: dict, values: dict[str, str]) -> list[dict]:
    """The template's objects as `oc process` gives them: `${NAME}` in strings replaced
    by the parameter's value (`${{NAME}}`, a JSON value, is not used by the template)."""
    parameters = {p["name"]: p.get("value", "") for p in template["parameters"]}
    for p in template["parameters"]:
        if p.get("generate") == "expression":
            parameters[p["name"]] = "a" * 40  # what "[a-zA-Z0-9]{40}" makes
    parameters.update(values)
    text = json.dumps(template["objects"])
    assert "${{" not in text
    substituted = re.sub(
        r"\$\{([A-Za-z0-9_]+)\}", lambda m: json.dumps(parameters[m.group(1)])[1:-1], text
    )
    return json.loads(substituted)


def test_the_template_is_an_openshift_template(definitions):
    template = load("template.json")
    assert openapi_errors(definitions, template) == []


def test_the_image_streams_are_openshift_image_streams(definitions):
    data = load("imagestreams.json")
    assert data["kind"] == "List"
    for stream in data["items"]:
        assert openapi_errors(definitions, stream) == [], stream["metadata"]["name"]


@pytest.mark.parametrize("values", [SAMPLES, {"NAME": "python-app"}], ids=["samples", "defaults"])
def test_the_processed_objects_validate(definitions, values):
    objects = processed(
        load("template.json"), {"SOURCE_REPOSITORY_URL": "https://x.example/a.git", **values}
    )
    kinds = set()
    for obj in objects:
        key = (obj["apiVersion"], obj["kind"])
        kinds.add(key)
        if key in OPENSHIFT_KINDS:
            assert openapi_errors(definitions, obj) == [], obj["kind"]
        if key in KUBERNETES_KINDS:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    assert (
        kinds
        == set(OPENSHIFT_KINDS) - {("template.openshift.io/v1", "Template")} | KUBERNETES_KINDS
    )
    assert "${" not in json.dumps(objects)


def test_the_validation_finds_mistakes(definitions):
    """The checks can fail: a field the API does not know, a value of the wrong type, a
    required field missing, in each kind of check."""
    objects = {o["kind"]: o for o in processed(load("template.json"), SAMPLES)}
    build = copy.deepcopy(objects["BuildConfig"])
    build["spec"]["postCommit"]["commands"] = ["x"]
    assert any("commands" in e for e in openapi_errors(definitions, build))
    route = copy.deepcopy(objects["Route"])
    del route["spec"]["to"]["name"]
    assert any("'name' is a required property" in e for e in openapi_errors(definitions, route))
    stream = copy.deepcopy(load("imagestreams.json")["items"][0])
    stream["spec"]["tags"][0]["referencePolicy"] = "Local"
    assert openapi_errors(definitions, stream)
    deployment = copy.deepcopy(objects["Deployment"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["exec"]["cmd"] = []
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    deployment = copy.deepcopy(objects["Deployment"])
    deployment["spec"]["replicas"] = "one"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
