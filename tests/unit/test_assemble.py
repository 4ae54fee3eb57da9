"""The assemble container's command, run for real by /bin/sh on an upload made by
warpdrive's own upload writer: source unpacked, build-only values exported to assemble
and gone before it runs, the CA bundle gone after, assemble's exit status kept."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

from warpdrive.images import upload
from warpdrive.images.s2i import assemble_command

# Stands in for the builder's assemble script: what it sees of the build-only values.
ASSEMBLE = """#!/bin/sh
echo "TOKEN=${TOKEN-unset}"
test -f "$DEST/.warpdrive-build-env" && echo ENV_FILE_SEEN
test -f "$DEST/.warpdrive-ca-bundle.pem" && echo CA_SEEN
test -f "$DEST/src/app.py" && echo SOURCE_SEEN
exit "${ASSEMBLE_STATUS:-0}"
"""


def run(tmp_path: Path, build_env: dict[str, str], ca: bool, status: int = 0, after: str = ""):
    tmp_path.mkdir(exist_ok=True)
    src = tmp_path / "app"
    src.mkdir()
    (src / "app.py").write_text("print('hi')\n")
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    tarball = tmp_path / "upload.tar"
    with tarball.open("wb") as out:
        upload.write_upload(src, out, build_env=build_env, ca_bundle=bundle if ca else None)
    dest = tmp_path / "dest"
    dest.mkdir()
    script = tmp_path / "assemble"
    script.write_text(ASSEMBLE)
    script.chmod(0o755)
    command = assemble_command(shlex.quote(str(dest)), str(script), bool(build_env), ca, after)
    with tarball.open("rb") as stdin:
        result = subprocess.run(
            ["/bin/sh", "-c", command],
            stdin=stdin,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "DEST": str(dest), "ASSEMBLE_STATUS": str(status)},
            check=False,
        )
    return result, dest


def test_plain_upload_unpacks_and_assembles(tmp_path):
    result, _ = run(tmp_path, {}, ca=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["TOKEN=unset", "SOURCE_SEEN"]


@pytest.mark.parametrize("ca", [False, True])
def test_build_only_values_reach_assemble_and_leave_no_file(tmp_path, ca):
    result, dest = run(tmp_path, {"TOKEN": "s3cret $(touch /tmp/nope) 'x'"}, ca=ca)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "TOKEN=s3cret $(touch /tmp/nope) 'x'"  # quoted: nothing ran
    assert "ENV_FILE_SEEN" not in lines  # deleted before assemble started
    assert ("CA_SEEN" in lines) == ca  # there while assemble runs
    assert not (dest / upload.BUILD_ENV).exists()
    assert not (dest / upload.CA_BUNDLE).exists()  # and gone after


@pytest.mark.parametrize("ca", [False, True])
def test_assembles_exit_status_is_kept(tmp_path, ca):
    result, dest = run(tmp_path, {"TOKEN": "t"}, ca=ca, status=3)
    assert result.returncode == 3
    assert not (dest / upload.CA_BUNDLE).exists()


# A CA bundle always comes with build-only values (the variables naming it).
@pytest.mark.parametrize(
    ("build_env", "ca"), [({}, False), ({"TOKEN": "t"}, False), ({"TOKEN": "t"}, True)]
)
def test_what_comes_after_runs_only_when_assemble_succeeded(tmp_path, build_env, ca):
    """`warpdrive s2i` runs split-layers after assemble: with and without build-only
    values and a CA bundle, after a success and never after a failure."""
    ok, dest = run(tmp_path / "ok", build_env, ca=ca, after="echo AFTER")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split()[-1] == "AFTER"
    assert not (dest / upload.CA_BUNDLE).exists()
    failed, _ = run(tmp_path / "failed", build_env, ca=ca, status=3, after="echo AFTER")
    assert failed.returncode == 3
    assert "AFTER" not in failed.stdout
