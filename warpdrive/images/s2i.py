"""`warpdrive s2i`: build an app image from source with a builder image, following
the S2I protocol as the standard `s2i` tool applies it (docs/images.md, "What happens,
step by step"): upload tar on the assemble container's stdin, assemble, commit with run
as Cmd."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warpdrive import envfile, output, proc
from warpdrive.env import lifecycle, registry
from warpdrive.errors import (
    AssembleFailed,
    BuilderImageMissing,
    NoBuilderForPython,
    RuntimeInputsMissing,
    RuntimePythonMismatch,
    SourceNotDirectory,
)
from warpdrive.images import engine, layers, push, upload
from warpdrive.images.builder import PYTHONS, default_tag

DEFAULT_PYTHON = "3.11"
DEFAULT_BUILDER = default_tag(DEFAULT_PYTHON, "builder")
# --runtime-image auto: the chosen builder's own runtime image.
RUNTIME_AUTO = "auto"
SCRIPTS_LABEL = "io.openshift.s2i.scripts-url"
DESTINATION_LABEL = "io.openshift.s2i.destination"
ASSEMBLE_USER_LABEL = "io.openshift.s2i.assemble-user"
ASSEMBLE_RUNTIME_USER_LABEL = "io.openshift.s2i.assemble-runtime-user"
# On a runtime image: what to copy from the assembled builder, `source:destination`
# pairs separated by `;` (destination relative to the upload's src/).
INPUT_FILES_LABEL = "io.openshift.s2i.assemble-input-files"


@dataclass
class S2IRequest:
    src: Path
    image: str | None = None
    builder: str | None = None  # None: chosen by the app's Python (choose_builder)
    incremental: bool = True
    env: dict[str, str] = field(default_factory=dict)  # into the image too
    build_env: dict[str, str] = field(default_factory=dict)  # assemble only
    network: str = "host"
    runtime_image: str | None = None  # two-stage: assemble, then copy into this image
    ca_bundle: Path | None = None  # CA certificates for the build only
    push: bool = False  # push the image to the registry its name starts with
    registry_auth: str | None = None  # a Docker-config-style file of credentials


def choose_builder(src: Path) -> tuple[str, str]:
    """(builder image, why) for an app built without --builder: the newest supported
    Python that the app's .python-version, runtime.txt or requires-python asks for
    (read as for a local environment); the default builder when it asks for none."""
    asked = lifecycle.asked_python(src)
    if asked is None:
        return DEFAULT_BUILDER, "the default; the app asks for no Python version"
    newest_first = sorted(PYTHONS, key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    for python in newest_first:
        if asked.matches(python):
            return default_tag(python, "builder"), asked.why
    raise NoBuilderForPython(
        asked.wanted,
        asked.source,
        ", ".join(default_tag(p, "builder") for p in PYTHONS),
        " or ".join(PYTHONS),
    )


def image_python(image: Image) -> str | None:
    """The Python X.Y an image's io.openshift.tags names (`python-3.13`), if any."""
    match = re.search(r"(?:^|,)python-(\d+\.\d+)(?:,|$)", image.labels.get("io.openshift.tags", ""))
    return match.group(1) if match else None


def reference(name: str) -> str:
    """The image name as the standard s2i tool writes it into the build labels: the
    engine's full reference, `docker.io/library/NAME:latest` for a plain local NAME."""
    head, slash, rest = name.partition("/")
    if not slash or ("." not in head and ":" not in head and head != "localhost"):
        head, rest = "docker.io", name
    if head == "docker.io" and "/" not in rest:
        rest = f"library/{rest}"
    if "@" not in rest and ":" not in rest.rpartition("/")[2]:
        rest = f"{rest}:latest"
    return f"{head}/{rest}"


def split_tag(name: str) -> tuple[str, str]:
    repo, _, tag = name.rpartition(":")
    if not repo or "/" in tag:
        return name, "latest"
    return repo, tag


def scripts_dir(builder_config: dict) -> str:
    url = (builder_config.get("Labels") or {}).get(SCRIPTS_LABEL, "image:///usr/libexec/s2i")
    return url.removeprefix("image://")


def image_env(config: dict) -> dict[str, str]:
    return dict(item.split("=", 1) for item in config.get("Env") or [] if "=" in item)


def git_labels(src: Path) -> dict[str, str]:
    """io.openshift.s2i.build.commit.* when the source is a git checkout."""
    fields = {"id": "%H", "author": "%an <%ae>", "date": "%ad", "message": "%s"}
    labels = {}
    for key, fmt in fields.items():
        result = proc.capture(["git", "-C", str(src), "log", "-1", f"--format={fmt}"])
        if not result.ok:
            return {}
        labels[f"io.openshift.s2i.build.commit.{key}"] = result.stdout.strip()
    ref = proc.capture(["git", "-C", str(src), "rev-parse", "--abbrev-ref", "HEAD"]).stdout.strip()
    if ref:
        labels["io.openshift.s2i.build.commit.ref"] = ref
    return labels


def save_artifacts(client, image, scripts: str, network: str, target: Path) -> Path | None:
    """The previous image's save-artifacts tar stream, written to `target`; None when
    it fails (then a clean build)."""
    container = client.containers.create(
        image.id,
        command=[f"{scripts}/save-artifacts"],
        entrypoint=["/usr/bin/env"],
        network_mode=network,
        user=image.attrs["Config"].get("User") or "",
        # warpdrive's builders: the caches, for a build whose dependencies changed
        # (an unchanged environment is reused from the previous image's layers).
        environment=["WARPDRIVE_SAVE_ARTIFACTS=caches"],
    )
    try:
        chunks = container.attach(stdout=True, stderr=False, stream=True, logs=True)
        container.start()
        with target.open("wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        status = container.wait()["StatusCode"]
    finally:
        container.remove(force=True)
    if status != 0:
        output.warn(
            f"save-artifacts in {image.tags[0] if image.tags else image.id} failed "
            f"(exit {status}): building without the previous artifacts"
        )
        return None
    return target


def send(sock, path: Path) -> None:
    """Write the file to the attach connection, then half-close it: end of input for
    the script reading stdin. The SDK hands the connection back wrapped in a file
    object; a socket made on a duplicate of its descriptor gives sendall() and
    shutdown(), which act on the connection itself (closing the duplicate does not)."""
    with socket.socket(fileno=os.dup(sock.fileno())) as raw:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                raw.sendall(chunk)
        raw.shutdown(socket.SHUT_WR)


@dataclass
class Image:
    """An image taking part in the build, with what its config and labels say."""

    name: str
    obj: Any  # the docker SDK's Image
    config: dict

    @property
    def labels(self) -> dict[str, str]:
        return self.config.get("Labels") or {}

    @property
    def scripts(self) -> str:
        return scripts_dir(self.config)

    @property
    def destination(self) -> str:
        return self.labels.get(DESTINATION_LABEL, "/tmp")  # noqa: S108 - S2I's default

    @property
    def user(self) -> str:
        return self.labels.get(ASSEMBLE_USER_LABEL) or self.config.get("User") or ""

    @property
    def runtime_user(self) -> str:
        """Who runs assemble-runtime in this image, as the second stage."""
        return self.labels.get(ASSEMBLE_RUNTIME_USER_LABEL) or self.config.get("User") or ""

    @property
    def workdir(self) -> str:
        return self.config.get("WorkingDir") or "/"


def find_image(client, name: str, role: str) -> Image:
    found = engine.image_or_none(client, name)
    if found is None:
        match = re.search(r"python-(\d+\.\d+)", name)
        raise BuilderImageMissing(name, match.group(1) if match else "3.11", role)
    return Image(name, found, found.attrs["Config"])


def last_lines(lines: list[str], last: str, error: str) -> tuple[str, str]:
    """The last non-blank line and the last `error:` line (without its prefix) so far:
    warpdrive's own error line says more than the `hint:` line after it."""
    for line in (ln.strip() for ln in lines):
        last = line or last
        error = line.removeprefix("error: ") if line.startswith("error: ") else error
    return last, error


def run_script(
    client,
    image: Image,
    command: str,
    env: dict[str, str],
    network: str,
    upload,
    user=None,
    **create,
):
    """A container of `image` running `/bin/sh -c command` as `user` (default: the
    assemble user) with the upload tar on its stdin, its output streamed to our stderr.
    Returns (container, exit status, the last `error:` line without its prefix, else the
    last line); the caller removes the container."""
    container = client.containers.create(
        image.obj.id,
        command=["/bin/sh", "-c", command],
        # As s2i does: the image's entrypoint (tini) would wrap the command.
        entrypoint=["/usr/bin/env"] if image.config.get("Entrypoint") else None,
        stdin_open=True,
        environment=[f"{k}={v}" for k, v in env.items()],
        user=image.user if user is None else user,
        network_mode=network,
        **create,
    )
    try:
        sock = client.api.attach_socket(container.id, params={"stdin": 1, "stream": 1})
        container.start()
        send(sock, upload)
        partial, last, error = "", "", ""
        for chunk in container.logs(stream=True, follow=True):
            text = chunk.decode("utf-8", "replace")
            output.passthrough(text)
            *lines, partial = (partial + text).split("\n")
            last, error = last_lines(lines, last, error)
        last, error = last_lines([partial], last, error)
        status = container.wait()["StatusCode"]
    except BaseException:
        with contextlib.suppress(Exception):
            container.remove(force=True)
        raise
    return container, status, error or last


def commit(container, image: Image, repo: str, tag: str, run: str, env, labels) -> None:
    """Commit as the app image: `run` as Cmd, the image's user, entrypoint and ports."""
    committed_env = {**image_env(image.config), **env}
    container.commit(
        repository=repo,
        tag=tag,
        conf={
            "Cmd": [run],
            "Entrypoint": image.config.get("Entrypoint"),
            "User": image.config.get("User") or "",
            "Env": [f"{k}={v}" for k, v in committed_env.items()],
            "Labels": {**image.labels, **labels},
            "WorkingDir": image.config.get("WorkingDir") or "",
            "ExposedPorts": image.config.get("ExposedPorts"),
        },
    )


def script_path(image: Image, name: str, own: list[str]) -> str:
    """The app's own script (uploaded to <destination>/scripts) or the image's."""
    return f"{image.destination}/scripts/{name}" if name in own else f"{image.scripts}/{name}"


def assemble_command(
    dest: str, assemble: str, build_env: bool, ca_bundle: bool, after: str = ""
) -> str:
    """The assemble container's shell command: unpack the upload, then assemble, then
    `after` if assemble succeeded.

    Build-only values travel in the upload, not in the container's Env (which a commit
    keeps): the shell exports them and deletes their file before assemble starts, and
    deletes the CA bundle once assemble is done, so neither is in any layer."""
    unpack = f"tar -C {dest} -xf -"
    then = f" && {after}" if after else ""
    if not build_env:
        return f"{unpack} && {assemble}{then}"
    env_file = f"{dest}/{upload.BUILD_ENV}"
    load = f"set -a && . {env_file} && rm -f {env_file} && set +a"
    if not ca_bundle:
        return (
            f"{unpack} && {load} && {assemble}{then}"
            if after
            else (f"{unpack} && {load} && exec {assemble}")
        )
    ca = f"{dest}/{upload.CA_BUNDLE}"
    kept = "[ $status = 0 ] || exit $status" if after else "exit $status"
    return f"{unpack} && {load} && {{ {assemble}; status=$?; rm -f {ca}; {kept}; }}{then}"


def build(req: S2IRequest) -> str:
    """Build the image; its name, or with `push` its pushed reference by digest."""
    src = req.src.absolute()
    if not src.is_dir():
        raise SourceNotDirectory(src)
    # Image names must be lower case; directory names need not be.
    name = req.image or f"warpdrive-{registry.name_for_directory(src).lower()}"
    # The build labels are the standard s2i tool's: the name as given, and the
    # builder's full reference.
    repo, tag = split_tag(name)
    creds = push.prepare(name, req.registry_auth, os.environ) if req.push else None
    builder_name = req.builder
    if builder_name is None:
        builder_name, why = choose_builder(src)
        output.step(f"Builder {builder_name} (from {why})")
    runtime_name = req.runtime_image
    if runtime_name == RUNTIME_AUTO:
        runtime_name = f"{builder_name}-runtime"  # as `warpdrive builder build` names it
    client = engine.connect()
    builder = find_image(client, builder_name, "builder")
    runtime = find_image(client, runtime_name, "runtime") if runtime_name else None
    if runtime is not None and not runtime.labels.get(INPUT_FILES_LABEL):
        raise RuntimeInputsMissing(runtime.name)
    if runtime is not None:
        # The environment built in the builder runs only on the same Python.
        python, runtime_python = image_python(builder), image_python(runtime)
        if python and runtime_python and python != runtime_python:
            raise RuntimePythonMismatch(runtime.name, runtime_python, builder.name, python)
    s2i_env = {**envfile.load(src / ".s2i" / "environment"), **req.env}
    if creds is not None:
        push.check(client, name, creds)

    via = f" and runtime image {runtime.name}" if runtime else ""
    output.step(f"Building {repo}:{tag} from {src} with builder {builder.name}{via}")
    labels = {
        **git_labels(src),
        "io.openshift.s2i.build.image": reference(builder.name),
        "io.openshift.s2i.build.source-location": str(src),
        "io.k8s.display-name": name,
    }
    build_env = dict(req.build_env)
    if req.ca_bundle:
        ca_path = f"{builder.destination}/{upload.CA_BUNDLE}"
        for key in ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE"):
            build_env.setdefault(key, ca_path)
    job = Job(client, req, src, builder, (repo, tag), s2i_env, build_env, labels)
    with tempfile.TemporaryDirectory(prefix="warpdrive-s2i-") as tmp:
        job.tmp = Path(tmp)
        previous = engine.image_or_none(client, f"{repo}:{tag}") if req.incremental else None
        layered = False
        if runtime is None:
            with engine.failure_is_an_error("looking into the builder image"):
                split = f"{builder.scripts}/{layers.SPLIT}"
                layered = layers.has_file(client, builder.obj.id, split)
        if not (layered and previous is not None and job.reuse_environment(previous)):
            artifacts = None
            if previous is not None and runtime is not None:
                # As with s2i: the runtime image has no save-artifacts to give the caches back.
                output.step("Two-stage build: the previous image's caches are not used")
            elif previous is not None:
                output.step(f"Saving artifacts from the previous {repo}:{tag}")
                with engine.failure_is_an_error("saving the previous image's artifacts"):
                    artifacts = save_artifacts(
                        client, previous, builder.scripts, req.network, job.tmp / "artifacts.tar"
                    )
            job.assemble(artifacts, runtime, layered)
    output.step(f"Built image {repo}:{tag}")
    if creds is not None:
        return push.push(client, repo, tag, creds)
    return f"{repo}:{tag}"


@dataclass
class Job:
    """One build's settings, for its steps."""

    client: Any
    req: S2IRequest
    src: Path
    builder: Image
    name: tuple[str, str]  # repository, tag
    env: dict[str, str]  # .s2i/environment and --env
    build_env: dict[str, str]
    labels: dict[str, str]
    tmp: Path = Path()

    def write_upload(self, artifacts: Path | None) -> tuple[Path, list[str]]:
        path = self.tmp / "upload.tar"
        with path.open("wb") as fh:
            own = upload.write_upload(self.src, fh, artifacts, self.build_env, self.req.ca_bundle)
        if artifacts:
            artifacts.unlink()
        return path, own

    def command(self, script: str, after: str = "") -> str:
        return assemble_command(
            self.builder.destination,
            script,
            bool(self.build_env),
            bool(self.req.ca_bundle),
            after,
        )

    def reuse_environment(self, previous) -> bool:
        """An incremental build on the previous image's environment: its source layer
        replaced, nothing installed. False when that cannot be done (then a full
        build): no environment image named, the app's own assemble, or dependency
        inputs that changed."""
        env_id = previous.labels.get(layers.ENV_LABEL)
        below = engine.image_or_none(self.client, env_id) if env_id else None
        if below is None or (self.src / ".s2i" / "bin" / "assemble").is_file():
            return False
        # Built on this builder as it is now: another builder, or this one made again
        # (a new warpdrive, new Debian packages), gets a new environment.
        builder_layers = self.builder.obj.attrs["RootFS"]["Layers"]
        if below.attrs["RootFS"]["Layers"][: len(builder_layers)] != builder_layers:
            return False
        root = layers.app_root(image_env(self.builder.config))
        repo, tag = self.name
        with engine.failure_is_an_error("reading the previous build record"):
            artifacts = layers.previous_record(
                self.client, previous, root, self.tmp / "artifacts.tar"
            )
        if artifacts is None:
            return False
        output.step(
            f"Reusing the environment of the previous {repo}:{tag}: only the source changes"
        )
        upload_path, own = self.write_upload(artifacts)
        on_env = Image(self.builder.name, below, self.builder.config)
        with engine.failure_is_an_error("running assemble-source"):
            container, status, last = run_script(
                self.client,
                on_env,
                self.command(f"{self.builder.scripts}/{layers.ASSEMBLE_SOURCE}"),
                self.env,
                self.req.network,
                upload_path,
                tmpfs=layers.TMPFS,
            )
        try:
            if status == layers.DEPENDENCIES_CHANGED:
                output.step("The dependency inputs changed: building the environment anew")
                return False
            if status != 0:
                raise AssembleFailed(self.builder.name, status, last, layers.ASSEMBLE_SOURCE)
            labels = {**self.labels, layers.ENV_LABEL: below.id}
            with engine.failure_is_an_error("committing the image"):
                commit(container, self.builder, repo, tag, self.run(own), self.env, labels)
        finally:
            with contextlib.suppress(Exception):
                container.remove(force=True)
        return True

    def run(self, own: list[str]) -> str:
        return script_path(self.builder, "run", own)

    def assemble(self, artifacts: Path | None, runtime: Image | None, layered: bool) -> None:
        """Assemble in the builder, then commit: in layers, as one layer, or into the
        runtime image."""
        upload_path, own = self.write_upload(artifacts)
        assemble = script_path(self.builder, "assemble", own)
        split = f"{self.builder.scripts}/{layers.SPLIT}" if layered else ""
        command = self.command(assemble, split)
        client, repo, tag = self.client, *self.name
        with contextlib.ExitStack() as stack:
            create: dict[str, Any] = {}
            if layered:
                volume = stack.enter_context(layers.volume(client))
                root = layers.app_root(image_env(self.builder.config))
                create = {
                    "tmpfs": layers.TMPFS,
                    "mounts": [layers.mount(volume, f"{root}/.cache")],
                }
            with engine.failure_is_an_error("running assemble"):
                container, status, last = run_script(
                    client, self.builder, command, self.env, self.req.network, upload_path, **create
                )
            stack.callback(container.remove, force=True)
            if status != 0:
                raise AssembleFailed(self.builder.name, status, last)
            if layered:
                top, below, written = layers.stack(client, container, self.builder, root, volume)
                stack.callback(top.remove, force=True)
                labels = {**written, **self.labels, layers.ENV_LABEL: below.id}
                with engine.failure_is_an_error("committing the image"):
                    commit(top, self.builder, repo, tag, self.run(own), self.env, labels)
                return
            labels = {**image_metadata_labels(container), **self.labels}
            if runtime is None:
                with engine.failure_is_an_error("committing the image"):
                    commit(container, self.builder, repo, tag, self.run(own), self.env, labels)
            else:
                with engine.failure_is_an_error("making the two-stage image"):
                    into_runtime(
                        client, self.req, self.src, container, runtime, self.name, self.env, labels
                    )


def input_files(runtime: Image) -> list[tuple[str, str]]:
    """(absolute path in the builder, directory under src/) pairs from the label."""
    pairs = []
    for item in runtime.labels[INPUT_FILES_LABEL].split(";"):
        source, _, dest = item.strip().partition(":")
        if source:
            pairs.append((source, dest.strip("/") or "."))
    return pairs


def into_runtime(client, req, src, assembled, runtime: Image, name, env, labels) -> None:
    """The second stage of a two-stage build: the paths the runtime image names,
    copied out of the assembled builder container into an upload for a container of
    the runtime image; its assemble-runtime puts them in place; that is committed.

    As the standard s2i tool does it: the upload (the paths, and the app's own
    assemble-runtime and run under scripts/) lands in the runtime image's working
    directory, and assemble-runtime runs as its io.openshift.s2i.assemble-runtime-user."""
    repo, tag = name
    output.step(f"Copying the assembled app into runtime image {runtime.name}")
    with tempfile.TemporaryDirectory(prefix="warpdrive-s2i-runtime-") as tmp:
        upload_path = Path(tmp) / "upload.tar"
        with tarfile.open(upload_path, "w", format=tarfile.PAX_FORMAT) as tar:
            for source, dest in input_files(runtime):
                part = Path(tmp) / "part.tar"
                stream, _ = assembled.get_archive(source)
                with part.open("wb") as fh:
                    for chunk in stream:
                        fh.write(chunk)
                with tarfile.open(part) as archive:
                    prefix = "" if dest == "." else f"{dest}/"
                    upload.copy_members(archive, tar, lambda n, p=prefix: f"{p}{n}")
                part.unlink()
            own = upload.add_own_scripts(tar, src, ("assemble-runtime", "run"))
        if "assemble-runtime" in own:
            script = f"{runtime.workdir.rstrip('/')}/scripts/assemble-runtime"
        else:
            script = f"{runtime.scripts}/assemble-runtime"
        command = f"tar -C {runtime.workdir} -xf - && {script}"
        container, status, last = run_script(
            client, runtime, command, env, req.network, upload_path, runtime.runtime_user
        )
        try:
            if status != 0:
                raise AssembleFailed(runtime.name, status, last, "assemble-runtime")
            # assemble-runtime keeps the app's own run in the source root's scripts/.
            own_run = f"{runtime.workdir.rstrip('/')}/scripts/run"
            run = own_run if "run" in own else f"{runtime.scripts}/run"
            # As the standard tool does, the labels assemble-runtime wrote too.
            labels = {
                **labels,
                **image_metadata_labels(container),
                "io.openshift.s2i.build.runtime-image": runtime.name,
            }
            commit(container, runtime, repo, tag, run, env, labels)
        finally:
            with contextlib.suppress(Exception):
                container.remove(force=True)


def image_metadata_labels(container) -> dict[str, str]:
    """Labels the assemble script left in /tmp/.s2i/image_metadata.json."""
    found = layers.read_files(container, ["/tmp/.s2i/image_metadata.json"])  # noqa: S108
    return layers.labels_of(found.get("image_metadata.json"))
