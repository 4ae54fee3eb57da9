"""Lockfiles turned into exact `name==version` requirement lines (installed with
--no-deps, so what is installed is exactly what was locked)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from warpdrive import proc
from warpdrive.errors import BadConfigFile, CommandFailed


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BadConfigFile(path, str(exc), f"regenerate {path.name} with its tool") from exc


def pipfile_lock(path: Path) -> list[str]:
    """The [default] section of a Pipfile.lock (the develop section is not installed)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        packages = data["default"]
    except (OSError, ValueError, KeyError) as exc:
        raise BadConfigFile(
            path, f"not a Pipfile.lock: {exc}", "regenerate it with `pipenv lock`"
        ) from exc
    lines = []
    for name, entry in sorted(packages.items()):
        extras = "[" + ",".join(entry["extras"]) + "]" if entry.get("extras") else ""
        if "git" in entry:
            ref = f"@{entry['ref']}" if entry.get("ref") else ""
            line = f"{name}{extras} @ git+{entry['git']}{ref}"
        elif "path" in entry or "file" in entry:
            target = entry.get("path") or entry["file"]
            line = ("-e " if entry.get("editable") else "") + target
        else:
            line = f"{name}{extras}{entry.get('version', '')}"
        if entry.get("markers"):
            line += f" ; {entry['markers']}"
        lines.append(line)
    return lines


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def pipfile_lock_sources(path: Path, environ: dict[str, str]) -> list[tuple[str, str]]:
    """The package indexes a Pipfile.lock names (`_meta.sources`), first the main one:
    (the URL as written, the URL with `${VAR}` and `$VAR` filled from `environ`, as
    pipenv does for credentials). Empty when the lock names none."""
    try:
        sources = json.loads(path.read_text(encoding="utf-8"))["_meta"]["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if not isinstance(sources, list):
        return []
    found = []
    for source in sources:
        url = source.get("url") if isinstance(source, dict) else None
        if isinstance(url, str) and url.strip():
            filled = _VARIABLE.sub(
                lambda m: environ.get(m.group(1) or m.group(2), m.group(0)), url.strip()
            )
            found.append((url.strip(), filled))
    return found


def with_indexes(environ: dict[str, str], urls: list[str]) -> dict[str, str]:
    """`environ` with the package indexes `urls` (the first the main one) for pip and
    uv alike, over whatever index the environment names: the variables also reach the
    isolated environments in which both build a path entry's project."""
    env = dict(environ)
    for name in ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX"):
        env.pop(name, None)
    for name in ("PIP_INDEX_URL", "UV_INDEX_URL", "UV_DEFAULT_INDEX"):
        env[name] = urls[0]
    if urls[1:]:
        env["PIP_EXTRA_INDEX_URL"] = env["UV_EXTRA_INDEX_URL"] = " ".join(urls[1:])
    return env


def index_arguments(urls: list[str]) -> list[str]:
    """The installer options naming the indexes `urls` (pip's and uv's are the same)."""
    args = ["--index-url", urls[0]]
    for url in urls[1:]:
        args += ["--extra-index-url", url]
    return args


# Run by the app's Python: the values PEP 508 markers are evaluated against.
_MARKER_ENV_CODE = """
import json, os, platform, sys
v = sys.implementation.version
impl = f"{v.major}.{v.minor}.{v.micro}"
if v.releaselevel != "final":
    impl += v.releaselevel[0] + str(v.serial)
print(json.dumps({
    "implementation_name": sys.implementation.name, "implementation_version": impl,
    "os_name": os.name, "platform_machine": platform.machine(),
    "platform_python_implementation": platform.python_implementation(),
    "platform_release": platform.release(), "platform_system": platform.system(),
    "platform_version": platform.version(), "python_full_version": platform.python_version(),
    "python_version": ".".join(platform.python_version_tuple()[:2]), "sys_platform": sys.platform,
}))
"""


def marker_environment(python: Path) -> dict[str, str]:
    """The marker values of the app's Python, which may not be warpdrive's."""
    result = proc.capture([str(python), "-I", "-S", "-c", _MARKER_ENV_CODE])
    return json.loads(result.stdout) if result.ok else {}


def _applies(marker: str | None, environment: dict[str, str]) -> bool:
    if not marker:
        return True
    try:
        return Marker(marker).evaluate(environment or None)
    except InvalidMarker:
        return True  # poetry writes some markers packaging cannot parse; keep the package


def _poetry_constraints(spec: object) -> list[dict[str, Any]]:
    """A poetry dependency spec (a version string, a table, or a list of tables)."""
    if isinstance(spec, str):
        return [{"version": spec}]
    if isinstance(spec, dict):
        return [spec]
    return [s for s in spec if isinstance(s, dict)] if isinstance(spec, list) else []


def poetry_lock(path: Path, pyproject: Path, python: Path) -> list[str]:
    """The packages the project's main dependencies need, walked through the lock's
    dependency graph with environment markers evaluated for the app's Python."""
    environment = marker_environment(python)
    lock = _load_toml(path)
    project = _load_toml(pyproject) if pyproject.is_file() else {}
    packages: dict[str, Any] = {canonicalize_name(p["name"]): p for p in lock.get("package", [])}

    queue: list[tuple[str, frozenset[str]]] = []
    poetry_deps = project.get("tool", {}).get("poetry", {}).get("dependencies", {})
    for name, spec in poetry_deps.items():
        if name.lower() == "python":
            continue
        for c in _poetry_constraints(spec):
            if not c.get("optional") and _applies(c.get("markers"), environment):
                queue.append((canonicalize_name(name), frozenset(c.get("extras", []))))
    for text in project.get("project", {}).get("dependencies", []):
        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            raise BadConfigFile(
                pyproject, f"bad dependency {text!r}: {exc}", "fix pyproject.toml"
            ) from exc
        if _applies(str(req.marker) if req.marker else None, environment):
            queue.append((canonicalize_name(req.name), frozenset(req.extras)))

    chosen: dict[str, set[str]] = {}
    while queue:
        name, extras = queue.pop()
        package = packages.get(name)
        if package is None:
            raise BadConfigFile(
                path,
                f"{name} is required but not locked",
                "run `poetry lock` to bring the lock up to date",
            )
        seen = chosen.get(name)
        if seen is not None and extras <= seen:
            continue
        chosen[name] = (seen or set()) | extras
        wanted_optional = {
            canonicalize_name(Requirement(item).name)
            for extra in extras
            for item in package.get("extras", {}).get(extra, [])
        }
        for dep, spec in package.get("dependencies", {}).items():
            dep_name = canonicalize_name(dep)
            for c in _poetry_constraints(spec):
                if c.get("optional") and dep_name not in wanted_optional:
                    continue
                if _applies(c.get("markers"), environment):
                    queue.append((dep_name, frozenset(c.get("extras", []))))
    lines = []
    for name in sorted(chosen):
        package = packages[name]
        source = package.get("source", {})
        if source.get("type") == "git":
            ref = source.get("resolved_reference") or source.get("reference", "")
            lines.append(f"{package['name']} @ git+{source['url']}@{ref}")
        elif source.get("type") in ("directory", "file"):
            lines.append(str((path.parent / source["url"]).resolve()))
        else:
            lines.append(f"{package['name']}=={package['version']}")
    return lines


def uv_lock(path: Path, uv: str | None) -> list[str]:
    """uv's own export of the lock: the default groups, without dev dependencies."""
    if uv is None:
        raise BadConfigFile(
            path,
            "uv.lock is installed with uv, which is disabled or missing",
            "unset WARPDRIVE_UV (uv comes with warpdrive) or set it to uv's path",
        )
    argv = [
        uv,
        "export",
        "--frozen",
        "--no-dev",
        "--no-emit-project",
        "--no-hashes",
        "--no-header",
        "--no-annotate",
        "--format",
        "requirements-txt",
        "--project",
        str(path.parent),
    ]
    result = proc.capture(argv)
    if not result.ok:
        raise CommandFailed("exporting uv.lock", argv, result.returncode, result.stderr.strip())
    return [
        line
        for line in result.stdout.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
