"""A CycloneDX SBOM (JSON, spec 1.5) of an app: the Python packages installed in its
environment, and optionally the Debian packages of the machine it is on (what the
image scripts ask for, so that every app image carries one).

The packages are read from the installed distributions themselves (importlib.metadata,
asked of the environment's own Python) and from dpkg's status file; nothing is guessed.
A hash is written only where it is known to be the hash of what was installed: the
installer recorded it (PEP 610 `direct_url.json`), or the build installed from a
requirements file that pins the package with exactly one `--hash`, which pip and uv
check before installing."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from warpdrive import __version__, proc
from warpdrive.errors import SbomFailed

SPEC_VERSION = "1.5"
# The label naming the SBOM's path in an app image, and that file's name in the app root.
LABEL = "io.warpdrive.sbom"
FILE_NAME = "sbom.cdx.json"
DPKG_STATUS = Path("/var/lib/dpkg/status")
OS_RELEASE = Path("/etc/os-release")
IMAGE_METADATA = Path("/tmp/.s2i/image_metadata.json")  # noqa: S108 - the S2I protocol's file

# Run by the environment's Python, isolated (-I: no current directory, no user site):
# every distribution on its path, the first of each name as imports would find it.
_PROBE = r"""
import importlib.metadata as m, json, re, sys
seen, out = set(), []
for d in m.distributions():
    name = d.metadata["Name"]
    if not name:
        continue
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        continue
    seen.add(key)
    out.append({"name": name, "version": d.version, "summary": d.metadata["Summary"] or "",
                "direct_url": d.read_text("direct_url.json") or "",
                "installer": (d.read_text("INSTALLER") or "").strip()})
print(json.dumps({"python": sys.version.split()[0], "packages": out}))
"""

HEX_ALGORITHMS = {"sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512", "md5": "MD5"}


@dataclass
class Component:
    type: str
    name: str
    version: str
    purl: str = ""
    description: str = ""
    hashes: dict[str, str] = field(default_factory=dict)  # CycloneDX alg -> hex
    properties: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "bom-ref": self.purl or f"{self.type}:{self.name}@{self.version}",
            "name": self.name,
            "version": self.version,
        }
        if self.description:
            data["description"] = self.description
        if self.purl:
            data["purl"] = self.purl
        if self.hashes:
            data["hashes"] = [{"alg": a, "content": c} for a, c in sorted(self.hashes.items())]
        if self.properties:
            data["properties"] = [{"name": k, "value": v} for k, v in self.properties.items()]
        return data


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _purl_part(text: str) -> str:
    return quote(text, safe=".-_~+")


def pypi_purl(name: str, version: str) -> str:
    return f"pkg:pypi/{_purl_part(normalize(name))}@{_purl_part(version)}"


def deb_purl(name: str, version: str, arch: str, distro: str) -> str:
    qualifiers = [f"arch={_purl_part(arch)}"] if arch else []
    if distro:
        qualifiers.append(f"distro={_purl_part(distro)}")
    tail = "?" + "&".join(qualifiers) if qualifiers else ""
    return f"pkg:deb/debian/{_purl_part(name)}@{_purl_part(version)}{tail}"


# --- Python packages ------------------------------------------------------------------


def installed_packages(python: Path) -> tuple[str, list[dict[str, str]]]:
    """(the Python's version, every installed distribution) as the Python sees them."""
    result = proc.capture([str(python), "-I", "-c", _PROBE], timeout=120)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        raise SbomFailed(str(python), lines[-1][:300])
    data = json.loads(result.stdout)
    return data["python"], data["packages"]


_HASH_OPTION = re.compile(r"--hash[=\s]+(\w+):([0-9a-fA-F]+)")
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;\\]+)")


def requirement_hashes(files: list[Path]) -> dict[tuple[str, str], dict[str, str]]:
    """(normalized name, version) -> {alg: hex} for each requirement pinned with `==`
    and exactly one hash: the hash of the one file the installer accepted. A pin with
    several hashes (one per wheel and the sdist) says only that it was one of them."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        for line in re.sub(r"\\\r?\n", " ", text).splitlines():
            line = line.split(" #", 1)[0]
            pin = _PIN.match(line)
            hashes = _HASH_OPTION.findall(line)
            if pin is None or len(hashes) != 1:
                continue
            alg, content = hashes[0]
            if alg.lower() in HEX_ALGORITHMS:
                key = (normalize(pin.group(1)), pin.group(2))
                found[key] = {HEX_ALGORITHMS[alg.lower()]: content.lower()}
    return found


def direct_url_hashes(direct_url: str) -> dict[str, str]:
    """The hashes an installer recorded for an archive installed from a URL (PEP 610)."""
    try:
        info = json.loads(direct_url).get("archive_info") or {}
    except (ValueError, AttributeError):
        return {}
    pairs = dict(info.get("hashes") or {})
    if not pairs and "=" in str(info.get("hash", "")):
        alg, _, content = str(info["hash"]).partition("=")
        pairs[alg] = content
    return {
        HEX_ALGORITHMS[a.lower()]: c.lower()
        for a, c in pairs.items()
        if a.lower() in HEX_ALGORITHMS
    }


def python_components(python: Path, requirement_files: list[Path]) -> tuple[str, list[Component]]:
    version, packages = installed_packages(python)
    pinned = requirement_hashes(requirement_files)
    components = []
    for pkg in packages:
        hashes = direct_url_hashes(pkg["direct_url"]) if pkg["direct_url"] else {}
        if not hashes:
            hashes = pinned.get((normalize(pkg["name"]), pkg["version"]), {})
        properties = {}
        if pkg["installer"]:
            properties["warpdrive:installer"] = pkg["installer"]
        components.append(
            Component(
                "library",
                pkg["name"],
                pkg["version"],
                pypi_purl(pkg["name"], pkg["version"]),
                pkg["summary"],
                hashes,
                properties,
            )
        )
    components.sort(key=lambda c: normalize(c.name))
    return version, components


# --- Debian packages ------------------------------------------------------------------


def os_release(path: Path = OS_RELEASE) -> dict[str, str]:
    values = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip().strip('"')
    return values


def dpkg_packages(status: Path = DPKG_STATUS) -> list[dict[str, str]]:
    """The installed packages in dpkg's status file: one dict of fields per package."""
    try:
        text = status.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    packages = []
    for paragraph in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in paragraph.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue  # a continuation line (descriptions, conffiles)
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        if fields.get("Package") and fields.get("Status", "").split()[-1:] == ["installed"]:
            packages.append(fields)
    return packages


def os_components(
    status: Path = DPKG_STATUS, release: Path = OS_RELEASE
) -> tuple[Component | None, list[Component]]:
    """The operating system (from os-release) and its installed Debian packages."""
    info = os_release(release)
    distro = (
        f"{info['ID']}-{info['VERSION_ID']}" if info.get("ID") and info.get("VERSION_ID") else ""
    )
    system = None
    if info.get("ID"):
        system = Component(
            "operating-system",
            info["ID"],
            info.get("VERSION_ID", ""),
            description=info.get("PRETTY_NAME", ""),
        )
    components = []
    for fields in dpkg_packages(status):
        name, version, arch = (
            fields["Package"],
            fields.get("Version", ""),
            fields.get("Architecture", ""),
        )
        properties = {"warpdrive:source": fields["Source"]} if fields.get("Source") else {}
        components.append(
            Component(
                "library",
                name,
                version,
                deb_purl(name, version, arch, distro),
                properties=properties,
            )
        )
    components.sort(key=lambda c: (c.name, c.purl))
    return system, components


# --- The document ---------------------------------------------------------------------


def document(
    app_name: str,
    python: Path,
    requirement_files: list[Path],
    with_os: bool,
    dpkg_status: Path = DPKG_STATUS,
    release: Path = OS_RELEASE,
) -> dict[str, Any]:
    """The CycloneDX document: the app as the described component, its Python packages,
    and with `with_os` the operating system and its Debian packages."""
    python_version, components = python_components(python, requirement_files)
    app = Component("application", app_name, "", properties={"warpdrive:python": python_version})
    app_json = app.to_json()
    del app_json["version"]  # an app's source has no version warpdrive knows
    app_json["bom-ref"] = f"application:{app_name}"
    if with_os:
        system, packages = os_components(dpkg_status, release)
        components += ([system] if system else []) + packages
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {
                "components": [
                    {
                        "type": "application",
                        "name": "warpdrive",
                        "version": __version__,
                    }
                ]
            },
            "component": app_json,
        },
        "components": [c.to_json() for c in components],
    }


def for_app(ctx: Any, with_os: bool) -> dict[str, Any]:
    """The SBOM of a built app (a resolved Context): its environment's packages, hashes
    from the requirements files its last build installed."""
    from warpdrive.build import record as records
    from warpdrive.errors import NotBuilt

    if not ctx.has_env:
        raise NotBuilt(ctx.app_root)
    rec = records.load(ctx.app_root)
    files: list[Path] = []
    if rec is not None and rec.inputs.dependencies is not None:
        deps = rec.inputs.dependencies
        if deps.format == "requirements.txt":
            files = [rec.spec.app_home / name for name in deps.files]
    return document(ctx.src.name, ctx.app_root / "bin" / "python", files, with_os)


def add_image_label(path: Path, metadata: Path = IMAGE_METADATA) -> None:
    """Name the SBOM in the labels the S2I tools commit (`/tmp/.s2i/image_metadata.json`),
    keeping any labels already there."""
    try:
        data = json.loads(metadata.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    labels = [item for item in data.get("labels", []) if isinstance(item, dict)]
    labels = [{k: v for k, v in item.items() if k != LABEL} for item in labels]
    data["labels"] = [item for item in labels if item] + [{LABEL: str(path)}]
    metadata.parent.mkdir(parents=True, exist_ok=True)
    metadata.write_text(json.dumps(data) + "\n", encoding="utf-8")
