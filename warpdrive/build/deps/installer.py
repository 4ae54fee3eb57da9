"""The two installers: uv (fast, the default) and pip (the fallback)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from warpdrive import output, proc, tools
from warpdrive.env import generations
from warpdrive.errors import InstallFailed
from warpdrive.proc import summarise

# What the installers print when they cannot reach the package index: a certificate
# they do not trust (a TLS-intercepting proxy, an index with its own CA), or no
# connection at all (uv's "tcp connect error" / "dns error", pip's NewConnectionError).
_TLS_FAILURE = re.compile(
    r"invalid peer certificate|certificate verify failed|SSLCertVerificationError", re.I
)
_CONNECTION_FAILURE = re.compile(
    r"tcp connect error|dns error|connection refused|NewConnectionError|network is unreachable"
    r"|name or service not known|temporary failure in name resolution|connect timeout",
    re.I,
)
OFFLINE_LINE = "Every requirement is pinned and in the cache: installed without the network"


@dataclass(frozen=True)
class Installer:
    name: str  # "uv" or "pip"
    program: str | None  # uv's path; None for pip, which runs inside the venv
    version: str
    cache: Path

    def argv(self, python: Path, args: list[str]) -> list[str]:
        if self.program is not None:  # uv
            return [self.program, "pip", "install", "--python", str(python), *args]
        return [str(python), "-m", "pip", "install", "--disable-pip-version-check", *args]

    def environ(self, environ: dict[str, str], venv: Path) -> dict[str, str]:
        env = proc.with_venv(environ, venv)
        if self.name == "uv":
            # uv reads only its own variables; pip's are what users (and OpenShift) set.
            env = tools.uv_environ(env, self.version)
            env["UV_CACHE_DIR"] = str(self.cache)
        else:
            env["PIP_CACHE_DIR"] = str(self.cache)
        return env

    def install_pinned(
        self, venv: Path, requirements: list[str], environ: dict[str, str], cwd: Path
    ) -> None:
        """Pinned `name==version` packages through a local wheelhouse. mod_wsgi and
        uWSGI ship only as sources and take a while to compile, and neither installer
        reuses the wheels it builds (uv 0.13 compiles mod_wsgi again every time), so
        warpdrive keeps the wheels itself, in the cache that S2I builds carry."""
        wheelhouse = wheelhouse_dir(self.cache.parent, venv)
        wheelhouse.mkdir(parents=True, exist_ok=True)
        python_tag = "cp" + ".".join(venv_python(venv)[1].split(".")[:2]).replace(".", "")
        missing = [r for r in requirements if not in_wheelhouse(wheelhouse, r, python_tag)]
        if missing:
            argv = [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                # Old pips build setup.py projects without PEP 517 and need `wheel`.
                "--use-pep517",
                # pip's own wheel cache is keyed by version tag (cp311), not by the
                # interpreter: it would hand a mod_wsgi built for another Python 3.11.
                "--no-cache-dir",
                "--disable-pip-version-check",
                "--wheel-dir",
                str(wheelhouse),
                *missing,
            ]
            env = proc.with_venv(environ, venv)
            returncode, tail = proc.run_streamed(argv, env, cwd)
            if returncode != 0:
                raise InstallFailed(
                    "pip wheel", " ".join(missing), summarise(tail, returncode), index_trouble(tail)
                )
        self.install(
            venv,
            ["--find-links", str(wheelhouse), *requirements],
            " ".join(requirements),
            environ,
            cwd,
            pinned=True,
        )

    def install(
        self,
        venv: Path,
        args: list[str],
        what: str,
        environ: dict[str, str],
        cwd: Path,
        pinned: bool = False,
    ) -> None:
        """Install; with `pinned` (every requirement an exact version), uv first tries
        its cache alone. An exact pin means the same files either way, and a build
        whose cache came back (an incremental S2I build) then uses no network at all;
        uv would otherwise ask the index again about every package."""
        argv = self.argv(venv / "bin" / "python", args)
        env = self.environ(environ, venv)
        if pinned and self.name == "uv":
            offline = proc.capture([*argv, "--offline"], env, cwd)
            if offline.ok:
                output.detail(OFFLINE_LINE)
                output.detail((offline.stdout + offline.stderr).rstrip("\n"))
                return
            output.detail("Not all of it is in the cache: installing from the package index")
        returncode, tail = proc.run_streamed(argv, env, cwd)
        if returncode != 0:
            raise InstallFailed(self.name, what, summarise(tail, returncode), index_trouble(tail))


def venv_python(venv: Path) -> tuple[str, str]:
    """(home, full version) of a virtualenv's base Python, from its pyvenv.cfg."""
    values = {}
    for line in (venv / "pyvenv.cfg").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values.get("home", ""), values.get("version_info") or values.get("version", "")


def wheelhouse_dir(cache_root: Path, venv: Path) -> Path:
    """The wheelhouse for the venv's base Python. A compiled wheel fits one exact
    interpreter, not just its version tag: mod_wsgi built against one Python 3.11
    embeds that installation and fails to import `math` under another."""
    home, version = venv_python(venv)
    key = hashlib.sha256(f"{home}|{version}".encode()).hexdigest()[:12]
    return cache_root / "wheels" / f"python{version}-{key}"


def in_wheelhouse(wheelhouse: Path, requirement: str, python_tag: str) -> bool:
    """A wheel of exactly that name and version that this Python can install."""
    from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

    name, _, version = requirement.partition("==")
    for wheel in wheelhouse.glob("*.whl"):
        try:
            wheel_name, wheel_version, _, tags = parse_wheel_filename(wheel.name)
        except InvalidWheelFilename:
            continue
        installable = any(
            t.interpreter in (python_tag, "py3")
            or t.interpreter == "py2.py3"
            or t.interpreter.startswith("py3")
            for t in tags
        )
        if wheel_name == canonicalize_name(name) and str(wheel_version) == version and installable:
            return True
    return False


def index_trouble(lines: list[str]) -> str | None:
    """Why the installer's output says it could not reach the package index: "tls"
    (a certificate it does not trust) or "connection"; None when it does not say so."""
    text = "\n".join(lines)
    if _TLS_FAILURE.search(text):
        return "tls"
    if _CONNECTION_FAILURE.search(text):
        return "connection"
    return None


def _pip_version(venv: Path) -> str:
    """pip's version from its dist-info directory: no need to start pip (slow)."""
    for site in sorted((venv / "lib").glob("python*/site-packages")):
        for dist in site.glob("pip-*.dist-info"):
            return "pip " + dist.name.removeprefix("pip-").removesuffix(".dist-info")
    return "pip (not installed)"


def choose(app_root: Path, venv: Path) -> Installer:
    cache = generations.cache_root(app_root)
    uv = tools.find_uv()
    if uv:
        version = tools.uv_version(uv)
        if version:
            return Installer("uv", uv, version, cache / "uv")
        output.warn(f"{uv} --version failed, so pip installs instead")
    return Installer("pip", None, _pip_version(venv), cache / "pip")
