"""`warpdrive s2i`: build an app image from source with a builder image, following
the S2I protocol as the standard `s2i` tool applies it (shared/S2I-CONTRACT.md):
upload tar on the assemble container's stdin, assemble, commit with run as Cmd."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from warpdrive import envfile, output, paths
from warpdrive.errors import AssembleFailed, BuilderImageMissing, SourceNotDirectory
from warpdrive.images import engine, upload

DEFAULT_BUILDER = "warpdrive-python-3.11"
SCRIPTS_LABEL = "io.openshift.s2i.scripts-url"
DESTINATION_LABEL = "io.openshift.s2i.destination"


@dataclass
class S2IRequest:
    src: Path
    image: str | None = None
    builder: str = DEFAULT_BUILDER
    incremental: bool = True
    env: dict[str, str] = field(default_factory=dict)  # into the image too
    build_env: dict[str, str] = field(default_factory=dict)  # assemble only
    network: str = "host"


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
        result = subprocess.run(
            ["git", "-C", str(src), "log", "-1", f"--format={fmt}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            return {}
        labels[f"io.openshift.s2i.build.commit.{key}"] = result.stdout.strip()
    ref = subprocess.run(
        ["git", "-C", str(src), "rev-parse", "--abbrev-ref", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if ref:
        labels["io.openshift.s2i.build.commit.ref"] = ref
    return labels


def save_artifacts(client, image, scripts: str, network: str) -> bytes | None:
    """The previous image's save-artifacts tar stream, or None (then a clean build)."""
    container = client.containers.create(
        image.id,
        command=[f"{scripts}/save-artifacts"],
        entrypoint=["/usr/bin/env"],
        network_mode=network,
        user=image.attrs["Config"].get("User") or "",
    )
    try:
        chunks = container.attach(stdout=True, stderr=False, stream=True, logs=True)
        container.start()
        data = b"".join(chunks)
        status = container.wait()["StatusCode"]
    finally:
        container.remove(force=True)
    if status != 0:
        output.warn(
            f"save-artifacts in {image.tags[0] if image.tags else image.id} failed "
            f"(exit {status}): building without the previous artifacts"
        )
        return None
    return data


def send(sock, path: Path) -> None:
    raw = sock._sock  # the socket under the SDK's SocketIO wrapper
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            raw.sendall(chunk)
    raw.shutdown(socket.SHUT_WR)


def build(req: S2IRequest) -> str:
    src = req.src.absolute()
    if not src.is_dir():
        raise SourceNotDirectory(src)
    # Image names must be lower case; directory names need not be.
    name = req.image or f"warpdrive-{paths.name_for_directory(src).lower()}"
    repo, tag = split_tag(name)
    client = engine.connect()
    builder = engine.image_or_none(client, req.builder)
    if builder is None:
        match = re.search(r"python-(\d+\.\d+)", req.builder)
        python = match.group(1) if match else "3.11"
        raise BuilderImageMissing(req.builder, python)
    config = builder.attrs["Config"]
    scripts = scripts_dir(config)
    destination = (config.get("Labels") or {}).get(DESTINATION_LABEL, "/tmp")  # noqa: S108 - S2I's default
    s2i_env = {**envfile.load(src / ".s2i" / "environment"), **req.env}

    output.step(f"Building {repo}:{tag} from {src} with builder {req.builder}")
    artifacts = None
    previous = engine.image_or_none(client, f"{repo}:{tag}") if req.incremental else None
    if previous is not None:
        output.step(f"Saving artifacts from the previous {repo}:{tag}")
        artifacts = save_artifacts(client, previous, scripts, req.network)

    with tempfile.TemporaryDirectory(prefix="warpdrive-s2i-") as tmp:
        tar_path = Path(tmp) / "upload.tar"
        with tar_path.open("wb") as fh:
            own_scripts = upload.write_upload(src, fh, artifacts, req.build_env)
        assemble = (
            f"{destination}/scripts/assemble"
            if "assemble" in own_scripts
            else f"{scripts}/assemble"
        )
        run = f"{destination}/scripts/run" if "run" in own_scripts else f"{scripts}/run"
        user = (
            (config.get("Labels") or {}).get("io.openshift.s2i.assemble-user")
            or config.get("User")
            or ""
        )
        # Build-only values travel in the upload, not in the container's Env (which a
        # commit keeps): assemble's shell reads them and deletes the file before the
        # build starts, so they are in no layer of the image.
        command = f"tar -C {destination} -xf - && {assemble}"
        if req.build_env:
            env_file = f"{destination}/{upload.BUILD_ENV}"
            command = (
                f"tar -C {destination} -xf - && set -a && . {env_file} && "
                f"rm -f {env_file} && set +a && exec {assemble}"
            )
        container = client.containers.create(
            builder.id,
            command=["/bin/sh", "-c", command],
            entrypoint=["/usr/bin/env"] if config.get("Entrypoint") else None,
            stdin_open=True,
            environment=[f"{k}={v}" for k, v in s2i_env.items()],
            user=user,
            network_mode=req.network,
        )
        try:
            sock = client.api.attach_socket(container.id, params={"stdin": 1, "stream": 1})
            container.start()
            send(sock, tar_path)
            last = ""
            for chunk in container.logs(stream=True, follow=True):
                text = chunk.decode("utf-8", "replace")
                sys.stderr.write(text)
                sys.stderr.flush()
                last = (last + text).rstrip("\n").rpartition("\n")[2] or last
            status = container.wait()["StatusCode"]
            if status != 0:
                raise AssembleFailed(req.builder, status, last.strip())
            labels = {
                **(config.get("Labels") or {}),
                **git_labels(src),
                **image_metadata_labels(container),
                "io.openshift.s2i.build.image": req.builder,
                "io.openshift.s2i.build.source-location": str(src),
                "io.k8s.display-name": f"{repo}:{tag}",
            }
            committed_env = {**image_env(config), **s2i_env}
            container.commit(
                repository=repo,
                tag=tag,
                conf={
                    "Cmd": [run],
                    "Entrypoint": config.get("Entrypoint"),
                    "User": config.get("User") or "",
                    "Env": [f"{k}={v}" for k, v in committed_env.items()],
                    "Labels": labels,
                    "WorkingDir": config.get("WorkingDir") or "",
                    "ExposedPorts": config.get("ExposedPorts"),
                },
            )
        finally:
            with contextlib.suppress(Exception):
                container.remove(force=True)
    output.step(f"Built image {repo}:{tag}")
    return f"{repo}:{tag}"


def image_metadata_labels(container) -> dict[str, str]:
    """Labels the assemble script left in /tmp/.s2i/image_metadata.json."""
    import io
    import tarfile

    from docker.errors import NotFound

    try:
        stream, _ = container.get_archive("/tmp/.s2i/image_metadata.json")  # noqa: S108
    except NotFound:
        return {}
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
        member = tar.getmembers()[0]
        data = json.loads(tar.extractfile(member).read() or b"{}")
    labels = {}
    for item in data.get("labels", []):
        labels.update(item)
    return labels
