"""The OpenShift files in builders/openshift/: their structure, and that they agree with
the builder images (names, Python versions, port) and with themselves. No cluster here:
these checks read the JSON as `oc create` and `oc process` would receive it."""

from __future__ import annotations

import json
import re

import pytest

from tests.support import ROOT
from warpdrive.cli.main import COMMAND_MODULES
from warpdrive.images.builder import PYTHONS, default_tag
from warpdrive.serve import launch

OPENSHIFT = ROOT / "builders" / "openshift"
DOCKERFILE = ROOT / "builders" / "Dockerfile"
# Where the image installs warpdrive (both stages): the commands the template runs.
WARPDRIVE = "/opt/warpdrive/bin/warpdrive"
# The placeholder registry docs/openshift.md tells users to replace with their own.
REGISTRY = "registry.example/me/"
BUILDER_STREAM = "warpdrive-python"
STREAMS = {"builder": BUILDER_STREAM, "runtime": BUILDER_STREAM + "-runtime"}
# `${NAME}` substitutes a string, `${{NAME}}` a JSON value.
PARAMETER = re.compile(r"\$\{\{?([A-Za-z0-9_]+)\}?\}")
API_VERSIONS = {
    "Secret": "v1",
    "ImageStream": "image.openshift.io/v1",
    "BuildConfig": "build.openshift.io/v1",
    "Deployment": "apps/v1",
    "Service": "v1",
    "Route": "route.openshift.io/v1",
}


def load(name: str) -> dict:
    return json.loads((OPENSHIFT / name).read_text(encoding="utf-8"))


def streams() -> dict[str, dict]:
    return {item["metadata"]["name"]: item for item in load("imagestreams.json")["items"]}


def tags(stream: dict) -> dict[str, dict]:
    return {tag["name"]: tag for tag in stream["spec"]["tags"]}


def objects(kind: str) -> list[dict]:
    return [o for o in load("template.json")["objects"] if o["kind"] == kind]


def the(kind: str) -> dict:
    found = objects(kind)
    assert len(found) == 1, f"{len(found)} objects of kind {kind}"
    return found[0]


def dockerfile_stages() -> dict[str, str]:
    """Stage name -> its part of builders/Dockerfile."""
    parts = re.split(r"^FROM\s+\S+\s+AS\s+(\S+)\s*$", DOCKERFILE.read_text(), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def label(stage_text: str, name: str) -> str:
    match = re.search(rf'{re.escape(name)}="([^"]*)"', stage_text)
    assert match, f"no label {name}"
    return match.group(1)


def exposed_port() -> int:
    """The one port of `io.openshift.expose-services` (PORT[/PROTO]:NAME, comma-separated),
    which `oc new-app` turns into the service; EXPOSE must say the same."""
    value = label(dockerfile_stages()["runtime"], "io.openshift.expose-services")
    ports = {int(item.split(":")[0].split("/")[0]) for item in value.split(",")}
    assert len(ports) == 1, value
    (port,) = ports
    assert re.findall(r"^EXPOSE\s+(\d+)", DOCKERFILE.read_text(), flags=re.M) == [str(port)]
    return port


def newest_python() -> str:
    return max(PYTHONS, key=lambda v: tuple(int(n) for n in v.split(".")))


@pytest.mark.parametrize("name", ["imagestreams.json", "template.json"])
def test_files_are_json_with_two_space_indent(name):
    text = (OPENSHIFT / name).read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_image_streams_are_a_list_of_the_builder_and_runtime_streams():
    data = load("imagestreams.json")
    assert (data["apiVersion"], data["kind"]) == ("v1", "List")
    assert [(i["apiVersion"], i["kind"]) for i in data["items"]] == [
        ("image.openshift.io/v1", "ImageStream")
    ] * 2
    assert set(streams()) == set(STREAMS.values())
    for stream in streams().values():
        assert stream["metadata"]["annotations"]["openshift.io/display-name"]
        # Created in whichever project the user chooses (`oc create -n`).
        assert "namespace" not in stream["metadata"]


@pytest.mark.parametrize("target", sorted(STREAMS))
def test_every_python_has_a_tag_on_the_image_builder_build_makes(target):
    stream_tags = tags(streams()[STREAMS[target]])
    assert set(stream_tags) == set(PYTHONS) | {"latest"}
    for python, base_image in PYTHONS.items():
        tag = stream_tags[python]
        assert tag["from"] == {
            "kind": "DockerImage",
            "name": f"{REGISTRY}{default_tag(python, target)}:latest",
        }
        assert tag["annotations"]["version"] == python
        codename = base_image.split(":")[1].removesuffix("-slim")
        assert codename in tag["annotations"]["description"]
        # Builds and deployments pull through the cluster's registry, which holds the
        # credentials for the user's registry; nodes need none.
        assert tag["referencePolicy"] == {"type": "Local"}


@pytest.mark.parametrize("target", sorted(STREAMS))
def test_latest_follows_the_newest_python(target):
    latest = tags(streams()[STREAMS[target]])["latest"]
    assert latest["from"] == {"kind": "ImageStreamTag", "name": newest_python()}
    assert newest_python() in latest["annotations"]["description"]


def test_builder_tags_carry_the_catalog_annotations():
    label_tags = set(label(dockerfile_stages()["builder"], "io.openshift.tags").split(","))
    for name, tag in tags(streams()[BUILDER_STREAM]).items():
        annotations = tag["annotations"]
        assert annotations["openshift.io/display-name"]
        assert annotations["iconClass"] == "icon-python"
        # "builder" is what puts the tag into the catalog; the image says the same.
        assert set(annotations["tags"].split(",")) == {"builder", "python", "warpdrive"}
        assert set(annotations["tags"].split(",")) <= label_tags
        supports = annotations["supports"].split(",")
        assert "python" in supports
        if name != "latest":
            assert f"python:{name}" in supports
        assert annotations["sampleRepo"].startswith("https://")


def test_runtime_tags_stay_out_of_the_builder_catalog():
    label_tags = set(label(dockerfile_stages()["runtime"], "io.openshift.tags").split(","))
    for tag in tags(streams()[STREAMS["runtime"]]).values():
        annotations = tag["annotations"]
        assert annotations["openshift.io/display-name"]
        assert annotations["iconClass"] == "icon-python"
        assert "builder" not in annotations["tags"].split(",")
        assert "supports" not in annotations
        assert set(annotations["tags"].split(",")) <= label_tags


def test_template_kind_and_objects():
    template = load("template.json")
    assert (template["apiVersion"], template["kind"]) == ("template.openshift.io/v1", "Template")
    assert template["metadata"]["annotations"]["iconClass"] == "icon-python"
    kinds = sorted(o["kind"] for o in template["objects"])
    assert kinds == sorted(
        ["Secret", "Secret", "ImageStream", "BuildConfig", "Deployment", "Service", "Route"]
    )
    for obj in template["objects"]:
        assert obj["apiVersion"] == API_VERSIONS[obj["kind"]], obj["kind"]


def test_every_parameter_used_is_declared_and_every_declared_one_is_used():
    template = load("template.json")
    declared = [p["name"] for p in template["parameters"]]
    assert len(declared) == len(set(declared))
    used = set(PARAMETER.findall(json.dumps(template["objects"])))
    assert used == set(declared)
    assert set(PARAMETER.findall(template["message"])) <= set(declared)


def test_parameters():
    parameters = {p["name"]: p for p in load("template.json")["parameters"]}
    for parameter in parameters.values():
        assert parameter["displayName"], parameter["name"]
        assert parameter["description"], parameter["name"]
    required = {name for name, p in parameters.items() if p.get("required")}
    assert required == {
        "NAME",
        "SOURCE_REPOSITORY_URL",
        "PYTHON_VERSION",
        "MEMORY_LIMIT",
        "BUILD_MEMORY_LIMIT",
    }
    # Only the repository has no default: every other required value is filled in.
    assert "value" not in parameters["SOURCE_REPOSITORY_URL"]
    for name in required - {"SOURCE_REPOSITORY_URL"}:
        assert parameters[name]["value"], name
    # A Service name is a DNS-1035 label.
    assert re.fullmatch(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?", parameters["NAME"]["value"])
    assert parameters["PYTHON_VERSION"]["value"] in tags(streams()[BUILDER_STREAM])
    for name in ("GITHUB_WEBHOOK_SECRET", "GENERIC_WEBHOOK_SECRET"):
        assert parameters[name]["generate"] == "expression"
        assert parameters[name]["from"] == "[a-zA-Z0-9]{40}"


def test_build_config_builds_incrementally_from_the_warpdrive_stream():
    build = the("BuildConfig")["spec"]
    assert build["source"]["type"] == "Git"
    assert build["source"]["git"]["uri"] == "${SOURCE_REPOSITORY_URL}"
    assert build["source"]["contextDir"] == "${CONTEXT_DIR}"
    assert build["strategy"]["type"] == "Source"
    strategy = build["strategy"]["sourceStrategy"]
    assert strategy["from"]["kind"] == "ImageStreamTag"
    assert strategy["from"]["name"] == f"{BUILDER_STREAM}:${{PYTHON_VERSION}}"
    assert strategy["incremental"] is True
    app_stream = the("ImageStream")["metadata"]["name"]
    assert build["output"]["to"] == {"kind": "ImageStreamTag", "name": f"{app_stream}:latest"}


def test_build_triggers_and_webhook_secrets():
    build = the("BuildConfig")["spec"]
    by_type = {t["type"]: t for t in build["triggers"]}
    assert set(by_type) == {"ImageChange", "ConfigChange", "GitHub", "Generic"}
    secrets = {s["metadata"]["name"]: s for s in objects("Secret")}
    for trigger, field in (("GitHub", "github"), ("Generic", "generic")):
        name = by_type[trigger][field]["secretReference"]["name"]
        # The key OpenShift reads a webhook's secret from.
        assert set(secrets.pop(name)["stringData"]) == {"WebHookSecretKey"}
    assert secrets == {}


def test_port_agrees_with_the_builder_label():
    port = exposed_port()
    container = the("Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert [p["containerPort"] for p in container["ports"]] == [port]
    # Nothing in the image sets PORT (an app's gunicorn config may bind its own): start
    # and the probes use the default port, which the image exposes.
    assert port == launch.DEFAULT_PORT
    assert f"EXPOSE {port}" in dockerfile_stages()["runtime"]
    assert "PORT=" not in dockerfile_stages()["runtime"]
    assert "PORT" not in {e["name"] for e in container.get("env", [])}
    service = the("Service")
    (service_port,) = service["spec"]["ports"]
    assert (service_port["port"], service_port["targetPort"]) == (port, port)
    assert service_port["name"] == f"{port}-tcp"
    route = the("Route")["spec"]
    assert route["to"] == {"kind": "Service", "name": service["metadata"]["name"], "weight": 100}
    assert route["port"]["targetPort"] == service_port["name"]


def test_deployment_follows_the_built_image():
    deployment = the("Deployment")
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    (trigger,) = json.loads(deployment["metadata"]["annotations"]["image.openshift.io/triggers"])
    assert trigger["from"] == the("BuildConfig")["spec"]["output"]["to"]
    assert trigger["fieldPath"] == (
        f'spec.template.spec.containers[?(@.name=="{container["name"]}")].image'
    )
    # The image stream resolves the short name the container starts with.
    assert container["image"] == trigger["from"]["name"]
    assert the("ImageStream")["spec"]["lookupPolicy"] == {"local": True}
    assert container["resources"]["limits"]["memory"] == "${MEMORY_LIMIT}"
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod["metadata"]["labels"].items()
    assert the("Service")["spec"]["selector"].items() <= pod["metadata"]["labels"].items()


def test_every_object_is_labelled():
    template = load("template.json")
    name = template["metadata"]["name"]
    for obj in template["objects"]:
        labels = obj["metadata"]["labels"]
        assert labels["app"] == "${NAME}", obj["kind"]
        assert labels["template"] == name, obj["kind"]
    pod_labels = the("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert pod_labels["app"] == "${NAME}"


def test_dockerfile_parsing_finds_both_stages_and_the_port():
    # The stage split finds both stages, so a label moved between them is noticed.
    assert set(dockerfile_stages()) == {"runtime", "builder"}
    assert exposed_port() == 8080


def test_the_probes_are_warpdrive_alive_and_ready():
    container = the("Deployment")["spec"]["template"]["spec"]["containers"][0]
    expected = {"startupProbe": "alive", "readinessProbe": "ready", "livenessProbe": "alive"}
    for probe, command in expected.items():
        settings = container[probe]
        assert settings["exec"]["command"] == [WARPDRIVE, command], probe
        assert command in COMMAND_MODULES
        # warpdrive's own HTTP check gives up after 3 s; the platform waits longer.
        assert settings["timeoutSeconds"] >= 5, probe
    # Five minutes for the first start (migrations of a SQLite database run before the
    # server listens) before the liveness probe takes over.
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 300
    assert "/opt/warpdrive/bin/pip install" in dockerfile_stages()["runtime"]


def test_the_release_runs_once_per_build_and_not_in_the_pods():
    """The build's post-commit hook runs `warpdrive release` in the new image before it
    is pushed (so before the rollout it triggers); the pods leave the release out."""
    build = the("BuildConfig")["spec"]
    assert build["postCommit"] == {"command": [WARPDRIVE, "release"]}
    assert "release" in COMMAND_MODULES
    container = the("Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "WARPDRIVE_RELEASE", "value": "separate"} in container["env"]
