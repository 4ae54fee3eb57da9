"""Images: `warpdrive s2i` incremental against clean after a source-only change, and the
sizes of the builder image, the runtime image, the Django example's app images and the
WSGI example's two-stage image.

The builder is built from this checkout on the local Debian base image the test suite
uses (made with builders/make-base-image.sh when missing), under its own name, so a
run never replaces the images other work relies on. The app images keep their names
after the run (`docker run` them to look inside); the older images they replaced are
removed."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

from benchmarks.context import Bench
from benchmarks.ours import ROOT, WARPDRIVE, copy_example
from benchmarks.procs import BenchError, run

BASE_IMAGE = "warpdrive-test-base:bookworm-slim"
BUILDER = "wdbench-python-3.11"
RUNTIME = BUILDER + "-runtime"
APP = "wdbench-django"  # incremental builds, each on the previous one
CLEAN = "wdbench-django-clean"  # --no-incremental
TWO_STAGE = "wdbench-django-two-stage"  # --runtime-image
TWO_STAGE_WSGI = "wdbench-wsgi-two-stage"  # the WSGI example, --runtime-image
STANDARD = "wdbench-django-standard"  # the standard s2i tool, --incremental
STANDARD_CLEAN = "wdbench-django-standard-clean"  # the standard s2i tool, clean
MB = 1_000_000


def figures(bench: Bench) -> list[tuple[str, str, str]]:
    return [
        ("s2i.incremental", "warpdrive s2i after a source-only change, incremental", "s"),
        ("s2i.clean", "warpdrive s2i after a source-only change, clean (--no-incremental)", "s"),
        ("s2i.two-stage", "warpdrive s2i --runtime-image (two-stage), one build", "s"),
        (
            "s2i.incremental.standard",
            "standard s2i build --incremental after a source-only change",
            "s",
        ),
        ("s2i.clean.standard", "standard s2i build after a source-only change, clean", "s"),
        ("size.builder", f"image size, builder ({BUILDER})", "MB"),
        ("size.runtime", f"image size, runtime ({RUNTIME})", "MB"),
        ("size.app", "image size, Django app image (clean s2i)", "MB"),
        ("size.app-incremental", "image size, Django app image (incremental s2i)", "MB"),
        ("size.app-two-stage", "image size, Django app image (two-stage, --runtime-image)", "MB"),
        (
            "size.app-two-stage-wsgi",
            "image size, WSGI app image (two-stage, --runtime-image)",
            "MB",
        ),
    ]


def engine():
    """The Docker engine, or None with the reason."""
    try:
        import docker

        client = docker.from_env()
        client.ping()
        return client, ""
    except Exception as exc:
        return None, f"no Docker engine ({type(exc).__name__}); .ci/run starts one"


def image_id(client, name: str) -> str | None:
    try:
        return client.images.get(name).id
    except Exception:
        return None


def size(client, name: str) -> float:
    return client.images.get(name).attrs["Size"] / MB


class S2I:
    def __init__(self, bench: Bench, client, src: Path) -> None:
        self.bench, self.client, self.src = bench, client, src

    def build(self, image: str, *args: str) -> float:
        """`warpdrive s2i IMAGE --source SRC --builder BUILDER ARGS`; the image it
        replaced is removed once the new one exists."""
        before = image_id(self.client, image)
        argv = [WARPDRIVE, "s2i", image, "--source", str(self.src), "--builder", BUILDER, *args]
        took = run(argv, self.bench.ours.environ, self.bench.logs / f"s2i-{image}.log")
        if before and before != image_id(self.client, image):
            with contextlib.suppress(Exception):
                self.client.images.remove(before)
        return took

    def change_source(self, n: int) -> None:
        """A source-only change: the dependencies stay the same."""
        views = self.src / "hello" / "views.py"
        views.write_text(views.read_text() + f"# benchmark change {n}\n")


def standard_tool() -> Path | None:
    """The standard s2i binary that .ci/run builds (WARPDRIVE_TEST_S2I names another)."""
    path = Path(os.environ.get("WARPDRIVE_TEST_S2I") or ROOT / ".cache" / "s2i")
    return path if os.access(path, os.X_OK) else None


class StandardS2I(S2I):
    """`s2i build SRC BUILDER IMAGE` with local images only and host networking, as the
    image tests run it; the engine's API version given, as its client needs."""

    def __init__(self, bench: Bench, client, src: Path, tool: Path) -> None:
        super().__init__(bench, client, src)
        version = subprocess.run(
            ["docker", "version", "--format", "{{.Server.APIVersion}}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.tool, self.environ = tool, {**bench.ours.environ, "DOCKER_API_VERSION": version}

    def build(self, image: str, *args: str) -> float:
        before = image_id(self.client, image)
        argv = [str(self.tool), "build", str(self.src), BUILDER, image]
        argv += ["--pull-policy", "never", "--network", "host", *args]
        took = run(argv, self.environ, self.bench.logs / f"s2i-{image}.log")
        if before and before != image_id(self.client, image):
            with contextlib.suppress(Exception):
                self.client.images.remove(before)
        return took


def measure_standard(bench: Bench, client, fig) -> None:
    """The standard s2i tool on the same source: --incremental against clean."""
    tool = standard_tool()
    if tool is None:
        reason = "no standard s2i tool in .cache/s2i (.ci/run builds it)"
        for id in ("s2i.incremental.standard", "s2i.clean.standard"):
            bench.results.skip(id, "", reason)
        return
    src = copy_example("django", bench.work / "s2i-src" / "django-standard")
    s2i = StandardS2I(bench, client, src, tool)
    bench.step("standard s2i: a first clean build, not counted")
    s2i.build(STANDARD)
    incremental = ("--incremental", "--incremental-pull-policy", "never")
    for i in range(bench.plan.s2i_runs):
        bench.step(f"standard s2i after a source-only change, {i + 1} of {bench.plan.s2i_runs}")
        s2i.change_source(i)
        order = [
            ("s2i.incremental.standard", STANDARD, incremental),
            ("s2i.clean.standard", STANDARD_CLEAN, ()),
        ]
        for id, image, args in order if i % 2 == 0 else reversed(order):
            fig[id].values.append(s2i.build(image, *args))


def ensure_builder(bench: Bench, client) -> None:
    if image_id(client, BASE_IMAGE) is None:
        if not shutil.which("mmdebstrap"):
            raise BenchError(f"no base image {BASE_IMAGE} and no mmdebstrap to make it")
        bench.step(f"Making the base image {BASE_IMAGE}")
        script = str(ROOT / "builders" / "make-base-image.sh")
        run(["sh", script, "bookworm", BASE_IMAGE], bench.ours.environ, bench.logs / "base.log")
    bench.step(f"Building the builder image {BUILDER} from this checkout")
    argv = [WARPDRIVE, "builder", "build", "--python", "3.11", "--base-image", BASE_IMAGE]
    run([*argv, "--tag", BUILDER], bench.ours.environ, bench.logs / "builder.log")


def measure(bench: Bench, client) -> None:
    results = bench.results
    fig = {id: results.figure(id, title, unit) for id, title, unit in figures(bench)}
    ensure_builder(bench, client)
    fig["size.builder"].values.append(size(client, BUILDER))
    fig["size.runtime"].values.append(size(client, RUNTIME))

    src = copy_example("django", bench.work / "s2i-src" / "django")
    s2i = S2I(bench, client, src)
    bench.step("s2i: a first clean build, not counted (the next builds start from it)")
    s2i.build(APP, "--no-incremental")
    for i in range(bench.plan.s2i_runs):
        bench.step(f"s2i after a source-only change, repetition {i + 1} of {bench.plan.s2i_runs}")
        s2i.change_source(i)
        # Alternate which goes first, so neither always meets a warmer machine.
        order = [("s2i.incremental", APP, ()), ("s2i.clean", CLEAN, ("--no-incremental",))]
        for id, image, args in order if i % 2 == 0 else reversed(order):
            fig[id].values.append(s2i.build(image, *args))
    fig["size.app"].values.append(size(client, CLEAN))
    fig["size.app-incremental"].values.append(size(client, APP))
    measure_standard(bench, client, fig)

    bench.step("s2i with --runtime-image (two-stage)")
    try:
        took = s2i.build(TWO_STAGE, "--runtime-image", RUNTIME)
    except BenchError as exc:
        text = str(exc)
        if "no such option" in text.lower():
            reason = "warpdrive s2i has no --runtime-image option yet"
        else:
            reason = f"failed: {text}"
        results.skip("s2i.two-stage", "", reason)
        results.skip("size.app-two-stage", "", reason, "MB")
        results.skip("size.app-two-stage-wsgi", "", reason, "MB")
        return
    fig["s2i.two-stage"].values.append(took)
    fig["size.app-two-stage"].values.append(size(client, TWO_STAGE))

    bench.step("s2i of the WSGI example with --runtime-image (two-stage)")
    wsgi = S2I(bench, client, copy_example("wsgi", bench.work / "s2i-src" / "wsgi"))
    wsgi.build(TWO_STAGE_WSGI, "--runtime-image", RUNTIME)
    fig["size.app-two-stage-wsgi"].values.append(size(client, TWO_STAGE_WSGI))


def run_all(bench: Bench) -> None:
    client, why = engine()
    if client is None:
        bench.results.skip_unmeasured(figures(bench), why)
        return
    try:
        measure(bench, client)
    except BenchError as exc:
        bench.results.notes.append(f"Images stopped: {exc}")
        bench.results.skip_unmeasured(figures(bench), f"failed: {exc}")
