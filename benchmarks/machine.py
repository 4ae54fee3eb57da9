"""The machine and the versions a run measured, for the header of the results."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks import load
from benchmarks.ours import ROOT

UV = Path(sys.executable).parent / "uv"


def output(argv: list[str], **kwargs) -> str:
    """What a command prints (stdout, else stderr), stripped; "" when it cannot run."""
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=60, check=False, **kwargs
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (proc.stdout.strip() or proc.stderr.strip()) if proc.returncode == 0 else ""


def machine() -> dict:
    os_name = ""
    with open("/etc/os-release", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip().strip('"')
    cpu = ""
    memory = 0
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), ""
        )
    with open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    return {
        "os": os_name,
        "kernel": platform.release(),
        "cpu": cpu,
        "cpus": len(os.sched_getaffinity(0)),
        "memory_gib": round(memory / 2**30, 1),
    }


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages: at the start of a run they tell how busy
    the machine was with other work (during the run the bench's own servers and wrk
    add about one per CPU)."""
    return [round(x, 2) for x in os.getloadavg()]


def git_revision() -> str:
    commit = output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    if not commit:
        return "not a git checkout"
    # --no-optional-locks: reading the status must not write the index.
    status = output(["git", "--no-optional-locks", "-C", str(ROOT), "status", "--porcelain"])
    return f"git {commit}" + (" with uncommitted changes" if status else "")


def pins() -> dict[str, str]:
    from warpdrive.serve.servers import SERVERS

    found = {}
    for server in SERVERS.values():
        for spec in server.packages():
            name, _, version = spec.partition("==")
            found[name] = version
    return found


def first_version(text: str) -> str:
    match = re.search(r"\d+(\.\d+)+\S*", text)
    return match.group(0) if match else ""


def versions(ours_version: str, python: str, original_venv: Path | None) -> dict:
    apache = shutil.which("apache2") or "/usr/sbin/apache2"
    found = {
        "warpdrive": f"{ours_version}, {git_revision()}",
        "harness_python": platform.python_version(),
        "app_python": f"{first_version(output([python, '--version']))} ({python})",
        "uv": first_version(output([str(UV), "--version"])) if UV.exists() else "",
        # pip builds make their environment with `python -m venv`: ensurepip's pip.
        "pip": output([python, "-c", "import ensurepip; print(ensurepip.version())"]),
        "apache": first_version(output([apache, "-v"])) if os.path.exists(apache) else "",
        "wrk": load.wrk_version() or "",
        "docker": output(["docker", "version", "--format", "{{.Server.Version}}"]),
        "servers": pins(),
    }
    requirements = (ROOT / "examples" / "django" / "requirements.txt").read_text()
    django = re.search(r"(?im)^django==(\S+)", requirements)
    found["django"] = django.group(1) if django else ""
    if original_venv is not None:
        found["original"] = "warpdrive 0.34.0 (PyPI)"
        found["virtualenv"] = first_version(
            output([str(original_venv / "bin/virtualenv"), "--version"])
        )
    return found
