"""`warpdrive s2i` with a warpdrive builder: the app image in layers, so that a build
after a source-only change reuses everything but the source (docs/images.md,
"Incremental builds").

    builder layers | environment | installer caches | source

- A full build runs assemble as usual, with a volume on the app root's `.cache` and a
  tmpfs on `/tmp`, so neither is in the container's layer. The builder's
  `split-layers` then moves the source and what is made from it (static files, build
  record, SBOM) into the volume and normalises the environment's time stamps. That
  container is committed: the environment layer. Two short containers add the caches
  and then the source from the volume, one commit each.
- An incremental build whose previous image names its environment (the label
  ENV_LABEL, the image of its lower layers) starts there instead: the builder's
  `assemble-source` puts the new source in place with the previous build record and
  runs `warpdrive build --no-install`. One commit: the source layer. When the
  dependency inputs changed, it exits with DEPENDENCIES_CHANGED and the build is a
  full one, with the previous image's caches.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tarfile
from pathlib import Path

from warpdrive import output
from warpdrive.errors import AssembleFailed
from warpdrive.images import engine

SPLIT = "split-layers"
ASSEMBLE_SOURCE = "assemble-source"
# On an app image: the id of the image below its source layer (builder, environment
# and caches), which the next incremental build starts from.
ENV_LABEL = "io.warpdrive.environment-image"
DEPENDENCIES_CHANGED = 3  # `warpdrive build --no-install`'s exit status for that
STASH = ".cache/.warpdrive-layers"  # in the app root, on the volume
MOUNT = "/mnt"  # where the two short containers see the volume
TMPFS = {"/tmp": "rw,exec,mode=1777"}  # noqa: S108 - the upload's destination


def app_root(builder_env: dict[str, str]) -> str:
    return builder_env.get("WARPDRIVE_APP_ROOT", "/opt/app-root").rstrip("/")


def has_file(client, image_id: str, path: str) -> bool:
    """Whether the image has `path`, asked of a container that is never started."""
    from docker.errors import NotFound

    container = client.containers.create(image_id, command=["true"], entrypoint=[])
    try:
        container.get_archive(path)
        return True
    except NotFound:
        return False
    finally:
        container.remove(force=True)


def read_files(container, paths: list[str]) -> dict[str, bytes]:
    """The files among `paths` that the container has, by base name."""
    from docker.errors import NotFound

    found = {}
    for path in paths:
        try:
            stream, _ = container.get_archive(path)
        except NotFound:
            continue
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.next()
            data = tar.extractfile(member) if member is not None and member.isfile() else None
            if data is not None:
                found[os.path.basename(path)] = data.read()
    return found


def previous_record(client, previous, root: str, target: Path) -> Path | None:
    """The previous image's build record and SBOM as an artifacts tar; None without a
    record (then nothing can be reused)."""
    container = client.containers.create(previous.id, command=["true"], entrypoint=[])
    try:
        files = read_files(container, [f"{root}/warpdrive-build.json", f"{root}/sbom.cdx.json"])
    finally:
        container.remove(force=True)
    if "warpdrive-build.json" not in files:
        return None
    with tarfile.open(target, "w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o664
            tar.addfile(info, io.BytesIO(data))
    return target


def labels_of(data: bytes | None) -> dict[str, str]:
    """Labels from an image_metadata.json ({"labels": [{"key": "value"}]})."""
    labels: dict[str, str] = {}
    for item in json.loads(data or b"{}").get("labels", []):
        labels.update(item)
    return labels


def commit_layer(container, config: dict):
    """An intermediate image: the container's layer with the builder's own config, so
    nothing of this build's (its Env, its command) is kept for the next."""
    keep = ("Env", "Cmd", "Entrypoint", "User", "Labels", "WorkingDir", "ExposedPorts")
    return container.commit(conf={key: config.get(key) for key in keep})


def run_short(client, image, base_id: str, command: str, volume: str, what: str):
    """A container of `base_id` (an image on top of builder `image`) running `/bin/sh
    -c command` with the volume at MOUNT (read only); the container, for the caller to
    commit and remove."""
    container = client.containers.create(
        base_id,
        command=["/bin/sh", "-c", command],
        entrypoint=[],
        user=image.user,
        network_mode="none",
        mounts=[mount(volume, MOUNT, read_only=True)],
    )
    try:
        container.start()
        status = container.wait()["StatusCode"]
        if status != 0:
            logs = container.logs().decode("utf-8", "replace").strip().splitlines()
            raise AssembleFailed(image.name, status, logs[-1] if logs else "", what)
    except BaseException:
        with contextlib.suppress(Exception):
            container.remove(force=True)
        raise
    return container


def cache_command(root: str) -> str:
    """Copy the caches from the volume, without the stash; the builder's own files
    (its wheelhouse) are already in a lower layer and stay there."""
    name = STASH.rsplit("/", 1)[1]
    return (
        f"set -e; mkdir -p {root}/.cache; cd {MOUNT}; "
        f'for e in * .[!.]* ..?*; do [ -e "$e" ] || continue; [ "$e" = {name} ] && continue; '
        f'cp -a -n "$e" {root}/.cache/; done'
    )


def source_command(root: str) -> str:
    return f"cp -a {MOUNT}/{STASH.rsplit('/', 1)[1]}/source/. {root}/"


def mount(volume: str, target: str, read_only: bool = False):
    """The volume as a mount, which (unlike the SDK's `volumes`) puts no VOLUME into
    the container's config, and so none into the images committed from it."""
    from docker.types import Mount

    return Mount(target, volume, type="volume", read_only=read_only)


@contextlib.contextmanager
def volume(client):
    """A volume for one build, removed afterwards."""
    made = client.volumes.create(name=f"warpdrive-s2i-{os.urandom(6).hex()}")
    try:
        yield made.name
    finally:
        with contextlib.suppress(Exception):
            made.remove(force=True)


def stack(client, assembled, image, root: str, volume_name: str):
    """After a full assemble with split-layers: the environment layer (the assembled
    container), then the caches and the source from the volume. Returns the container
    holding the source layer (to be committed as the app image), the image below it
    and the labels assemble wrote."""
    with engine.failure_is_an_error("committing the environment layer"):
        stash = read_files(assembled, [f"{root}/{STASH}/image_metadata.json"])
        environment = commit_layer(assembled, image.config)
    output.step("Adding the installer caches and the source as layers of their own")
    with engine.failure_is_an_error("committing the caches layer"):
        caches = run_short(
            client, image, environment.id, cache_command(root), volume_name, "copying the caches"
        )
        try:
            below = commit_layer(caches, image.config)
        finally:
            caches.remove(force=True)
    with engine.failure_is_an_error("adding the source layer"):
        source = run_short(
            client, image, below.id, source_command(root), volume_name, "copying the source"
        )
    return source, below, labels_of(stash.get("image_metadata.json"))
