"""The builder images driven by the standard `s2i` command (OpenShift's source-to-image)
as well as by `warpdrive s2i`: a clean build, an incremental one, a two-stage build
with s2i's own `--runtime-image`, an app's own assemble, `.s2iignore`, runs as
arbitrary UIDs, and an image that matches the one `warpdrive s2i` makes of the same
source. The builds are shared by module-scoped fixtures."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.images.test_images import ENTRYPOINT, check_example_serves, copy, running, s2i
from tests.support import EXAMPLES
from tests.support.http import get
from tests.support.s2i_tool import s2i_build

PREFIX = "warpdrive-test-s2itool"
TOOL_IMAGE = f"{PREFIX}-django"  # `s2i build`, then `s2i build --incremental`
WARPDRIVE_IMAGE = f"{PREFIX}-django-wd"  # `warpdrive s2i` of the same source
SLIM_IMAGE = f"{PREFIX}-slim"  # `s2i build --runtime-image`
SLIM_WARPDRIVE_IMAGE = f"{PREFIX}-slim-wd"  # `warpdrive s2i --runtime-image`
MARKER = "/opt/app-root/own-assemble-ran"

# The app's own assemble: does its part, then the builder's.
OWN_ASSEMBLE = f"""#!/bin/sh
set -e
echo "own assemble sees GREETING=$GREETING"
/usr/libexec/s2i/assemble
echo "own assemble ran" > {MARKER}
"""

# Labels that differ between the two tools' images of one source, and why:
DIFFERENT_LABELS = {
    # each tool writes the name of the image it made, and the two images have two names
    "io.k8s.display-name",
    # warpdrive s2i names the image below the source layer, for its next incremental
    # build to start from
    "io.warpdrive.environment-image",
}


@dataclass
class Built:
    src: Path
    output: str  # stdout and stderr
    image_id: str  # the tag may be reused by a later build


def tool_build(engine, src: Path, builder: str, image: str, *args: str) -> Built:
    result = s2i_build(src, builder, image, *args)
    output = result.stdout + result.stderr
    # s2i prints ERROR: lines for some argument errors and still exits 0.
    assert result.returncode == 0 and "ERROR:" not in output, output[-4000:]
    assert "Build completed successfully" in output, output[-4000:]
    return Built(src, output, engine.images.get(image).id)


def config(engine, image: str) -> dict:
    return engine.images.get(image).attrs["Config"]


def in_image(engine, image: str, script: str, user: str = "100001") -> str:
    return engine.containers.run(
        image, ["sh", "-c", script], remove=True, user=user, entrypoint=[]
    ).decode()


@pytest.fixture(scope="module")
def app_source(tmp_path_factory) -> Path:
    """examples/django with a .s2i/environment (unquoted values, one with a space), an
    own .s2i/bin/assemble, and a .s2iignore with an exception."""
    src = copy("django", tmp_path_factory.mktemp("s2itool"))
    (src / ".s2i/bin").mkdir(parents=True)
    (src / ".s2i/environment").write_text("GREETING=hello there\n# a comment\nPLAIN=yes\n")
    assemble = src / ".s2i/bin/assemble"
    assemble.write_text(OWN_ASSEMBLE)
    assemble.chmod(0o755)
    (src / ".s2iignore").write_text("secrets\n*.log\n!keep.log\n")
    (src / "secrets").mkdir()
    (src / "secrets/key").write_text("do not ship")
    (src / "debug.log").write_text("left out")
    (src / "keep.log").write_text("kept")
    return src


@pytest.fixture(scope="module")
def images(engine):
    """Removes what the module built, once it is done."""
    made: list[str] = []
    yield made
    for image in [*made, TOOL_IMAGE, WARPDRIVE_IMAGE, SLIM_IMAGE, SLIM_WARPDRIVE_IMAGE]:
        try:
            engine.images.remove(image, force=True)
        except Exception:  # noqa: S112 - already gone, or never made
            continue


@pytest.fixture(scope="module")
def clean(engine, builders, app_source, images) -> Built:
    """`s2i build` (not incremental) with the 3.13 builder."""
    built = tool_build(engine, app_source, builders["3.13"], TOOL_IMAGE)
    images.append(built.image_id)
    return built


@pytest.fixture(scope="module")
def by_warpdrive(engine, builders, app_source, images) -> Built:
    """`warpdrive s2i` of the same source with the same builder."""
    result = s2i(app_source, WARPDRIVE_IMAGE, "--builder", builders["3.13"], "--no-incremental")
    assert result.returncode == 0, result.stderr[-4000:]
    return Built(app_source, result.stderr, engine.images.get(WARPDRIVE_IMAGE).id)


@pytest.mark.parametrize("user", ["100001", "123456:0"])
def test_clean_build_serves_as_an_arbitrary_uid(engine, clean, user):
    assert "Restoring installer caches" not in clean.output
    cfg = config(engine, clean.image_id)
    assert cfg["Cmd"] == ["/usr/libexec/s2i/run"]
    assert cfg["User"] == "1001"
    check_example_serves(engine, clean.image_id, "django", user=user)


def test_own_assemble_and_s2iignore(engine, clean):
    assert "own assemble sees GREETING=hello there" in clean.output
    out = in_image(
        engine,
        clean.image_id,
        f"cat {MARKER}; ls -A /opt/app-root/src; echo --; ls -A /opt/app-root/src/.s2i/bin",
    )
    lines = out.splitlines()
    assert lines[0] == "own assemble ran", out
    listing = lines[1 : lines.index("--")]
    assert "keep.log" in listing and "manage.py" in listing, out  # `!keep.log` keeps it
    assert "secrets" not in listing and "debug.log" not in listing, out
    # The own script was moved into the upload's scripts/, out of the source.
    assert lines[-1] == "--", out


def test_same_image_as_warpdrive_s2i(engine, builders, clean, by_warpdrive):
    """The standard tool is the reference: `warpdrive s2i` of the same source gives
    the same image config and the same answers."""
    tool, ours = config(engine, clean.image_id), config(engine, by_warpdrive.image_id)
    for key in ("Cmd", "User", "Entrypoint", "ExposedPorts", "WorkingDir"):
        assert tool[key] == ours[key], key
    assert set(tool["Env"]) == set(ours["Env"])
    builder_env = set(config(engine, builders["3.13"])["Env"])
    assert set(tool["Env"]) == builder_env | {"GREETING=hello there", "PLAIN=yes"}

    tool_labels, our_labels = tool["Labels"], ours["Labels"]
    assert tool_labels["io.k8s.display-name"] == TOOL_IMAGE
    assert our_labels["io.k8s.display-name"] == WARPDRIVE_IMAGE
    same = {k: v for k, v in tool_labels.items() if k not in DIFFERENT_LABELS}
    assert same == {k: v for k, v in our_labels.items() if k not in DIFFERENT_LABELS}
    assert same["io.openshift.s2i.build.image"] == f"docker.io/library/{builders['3.13']}:latest"
    assert same["io.openshift.s2i.build.source-location"] == str(clean.src)

    answers = []
    for image in (clean.image_id, by_warpdrive.image_id):
        with running(engine, image, user="100001") as (port, _):
            answers.append(
                [
                    (status, body, headers.get("content-type"))
                    for status, body, headers in (
                        get(port, path) for path in ("/", "/static/admin/css/base.css")
                    )
                ]
            )
    assert answers[0] == answers[1]

    # The same files in the source root (Python's bytecode caches aside).
    files = "find /opt/app-root/src -not -path '*/__pycache__*' | sort"
    assert in_image(engine, clean.image_id, files) == in_image(engine, by_warpdrive.image_id, files)
    assert answers[0][0][:2] == (200, b"Hello from Django")


def test_incremental_build_restores_the_artifacts(engine, builders, clean, tmp_path):
    """`s2i build --incremental` on top of the clean image (same tag), after a source
    change: the previous image's environment comes back and is reused as it is, so the
    build needs no network (it runs with `--network none`) and installs nothing."""
    src = shutil.copytree(clean.src, tmp_path / "django")
    views = src / "hello" / "views.py"
    views.write_text(views.read_text().replace("Hello from Django", "Hello again"))
    again = tool_build(
        engine,
        src,
        builders["3.13"],
        TOOL_IMAGE,
        "--incremental",
        "--incremental-pull-policy",
        "never",
        "--network",
        "none",
    )
    assert again.image_id != clean.image_id
    assert "-----> Restoring the environment of the previous image" in again.output
    assert "Dependencies unchanged since the last build: skipping installation" in again.output
    assert "Downloaded" in clean.output and "Downloaded" not in again.output
    assert "Building mod-wsgi" not in again.output
    with running(engine, again.image_id, user="100001") as (port, _):
        assert get(port, "/")[:2] == (200, b"Hello again")


def test_two_stage_with_the_runtime_image_flag(engine, builders, tmp_path, images):
    """`s2i build --runtime-image BUILDER-runtime` and nothing else: the runtime image's
    labels say what to copy and who installs it. The app image is the runtime image's
    size, serves, and matches `warpdrive s2i --runtime-image`'s."""
    builder = builders["3.13"]
    runtime = f"{builder}-runtime"
    src = shutil.copytree(EXAMPLES / "wsgi", tmp_path / "wsgi")
    slim = tool_build(
        engine,
        src,
        builder,
        SLIM_IMAGE,
        "--runtime-image",
        runtime,
        "--runtime-pull-policy",
        "never",
    )
    assert "-----> Installing the app assembled by the builder" in slim.output

    cfg = config(engine, slim.image_id)
    assert cfg["Cmd"] == ["/usr/libexec/s2i/run"]
    assert cfg["User"] == "1001"
    assert cfg["Entrypoint"] == ENTRYPOINT
    assert cfg["Labels"]["io.openshift.tags"].startswith("runtime,")

    sizes = {name: engine.images.get(name).attrs["Size"] for name in (builder, runtime)}
    size = engine.images.get(slim.image_id).attrs["Size"]
    # The runtime image plus the app: far less than what the builder adds to the runtime.
    app = size - sizes[runtime]
    assert 0 < app < (sizes[builder] - sizes[runtime]) / 2 and size < sizes[builder] * 0.6, (
        size,
        sizes,
    )

    # Moved into place, owned by the image's user and writable by group 0; nothing of
    # the upload is left in the source root; no compiler.
    out = in_image(
        engine,
        slim.image_id,
        "command -v gcc cc; stat -c %u:%g /opt/app-root/warpdrive-build.json; "
        "ls -A /opt/app-root/src; touch /opt/app-root/tmp/written && echo group-writes",
        user="123456:0",
    )
    lines = out.split()
    assert lines[0] == "1001:0", out
    assert "app-root" not in lines and "scripts" not in lines and "wsgi.py" in lines, out
    assert lines[-1] == "group-writes", out
    check_example_serves(engine, slim.image_id, "wsgi", user="100001")

    result = s2i(src, SLIM_WARPDRIVE_IMAGE, "--builder", builder, "--runtime-image", runtime)
    assert result.returncode == 0, result.stderr[-4000:]
    ours = config(engine, SLIM_WARPDRIVE_IMAGE)
    for key in ("Cmd", "User", "Entrypoint", "ExposedPorts", "WorkingDir"):
        assert cfg[key] == ours[key], key
    assert set(cfg["Env"]) == set(ours["Env"])
    # warpdrive also records the runtime image; s2i does not.
    ignored = DIFFERENT_LABELS | {"io.openshift.s2i.build.runtime-image"}
    assert ours["Labels"]["io.openshift.s2i.build.runtime-image"] == runtime
    assert {k: v for k, v in cfg["Labels"].items() if k not in ignored} == {
        k: v for k, v in ours["Labels"].items() if k not in ignored
    }
    listing = in_image(engine, SLIM_WARPDRIVE_IMAGE, "ls -A /opt/app-root/src").split()
    assert sorted(listing) == sorted(lines[1:-1])
