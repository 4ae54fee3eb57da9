"""Reading the SBOM an app image carries: the file its label names, copied out of a
container created (never started) from the image."""

from __future__ import annotations

import contextlib
import io
import tarfile

from warpdrive.errors import SbomImageMissing, SbomNotInImage
from warpdrive.images import engine
from warpdrive.sbom import LABEL


def read(name: str) -> bytes:
    """The SBOM file of image `name`, as the image holds it."""
    from docker.errors import NotFound

    client = engine.connect()
    image = engine.image_or_none(client, name)
    if image is None:
        raise SbomImageMissing(name)
    path = (image.labels or {}).get(LABEL)
    if not path:
        raise SbomNotInImage(name, f"it has no label {LABEL}")
    with engine.failure_is_an_error("copying the SBOM out of the image"):
        container = client.containers.create(image.id, command=["true"], entrypoint=[])
        try:
            try:
                stream, _ = container.get_archive(path)
            except NotFound:
                raise SbomNotInImage(
                    name, f"its label {LABEL} names {path}, which it lacks"
                ) from None
            with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
                member = tar.next()
                data = tar.extractfile(member) if member is not None else None
                if data is None:
                    raise SbomNotInImage(name, f"its label {LABEL} names {path}, not a file")
                return data.read()
        finally:
            with contextlib.suppress(Exception):
                container.remove(force=True)
