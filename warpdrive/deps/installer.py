"""The two installers: uv (fast, the default) and pip (the fallback)."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from warpdrive import output, proc, tools
from warpdrive.errors import InstallFailed

# pip writes "ERROR: ..."; uv writes "error: ..." (or a multiplication sign on a
# terminal) and gives the reason on the next lines, after "cause:" (or an arrow).
_ERROR_LINE = re.compile(r"^\s*(?:error|ERROR|\u00d7)\W*\s*(.+)")
_CAUSE_LINE = re.compile(r"^\s*(?:cause:|\u2570\u2500\u25b6)\s*(.+)")


@dataclass(frozen=True)
class Installer:
    name: str  # "uv" or "pip"
    program: str | None  # uv's path; None for pip, which runs inside the venv
    version: str
    cache: Path

    def argv(self, python: Path, args: list[str]) -> list[str]:
        if self.name == "uv":
            return [self.program, "pip", "install", "--python", str(python), *args]
        return [str(python), "-m", "pip", "install", "--disable-pip-version-check", *args]

    def environ(self, environ: dict[str, str], venv: Path) -> dict[str, str]:
        env = proc.with_venv(environ, venv)
        if self.name == "uv":
            env["UV_CACHE_DIR"] = str(self.cache)
            # uv reads only its own variables; pip's are what users (and OpenShift) set.
            for pip_name, uv_name in (
                ("PIP_INDEX_URL", "UV_INDEX_URL"),
                ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL"),
            ):
                if pip_name in env and uv_name not in env:
                    env[uv_name] = env[pip_name]
        else:
            env["PIP_CACHE_DIR"] = str(self.cache)
        return env

    def install(
        self, venv: Path, args: list[str], what: str, environ: dict[str, str], cwd: Path
    ) -> None:
        argv = self.argv(venv / "bin" / "python", args)
        returncode, tail = proc.run_streamed(argv, self.environ(environ, venv), cwd)
        if returncode != 0:
            raise InstallFailed(self.name, what, summarise(tail, returncode))


def summarise(lines: list[str], returncode: int) -> str:
    """The installer's own error in one line: its first error line and what follows
    it on the same logical message."""
    for i, line in enumerate(lines):
        match = _ERROR_LINE.match(line)
        if match:
            detail = match.group(1).strip()
            # uv puts the reason on the indented lines after its first error line.
            causes = [m.group(1).strip() for m in map(_CAUSE_LINE.match, lines[i + 1 : i + 4]) if m]
            return ": ".join([detail, *causes])[:400]
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    return last[:300] or f"exit code {returncode}"


def _pip_version(venv: Path) -> str:
    """pip's version from its dist-info directory: no need to start pip (slow)."""
    for site in sorted((venv / "lib").glob("python*/site-packages")):
        for dist in site.glob("pip-*.dist-info"):
            return "pip " + dist.name.removeprefix("pip-").removesuffix(".dist-info")
    return "pip (not installed)"


def cache_dir(app_root: Path) -> Path:
    """WARPDRIVE_CACHE_DIR (shared between apps), else the app root's own cache,
    which S2I incremental builds carry from image to image."""
    shared = os.environ.get("WARPDRIVE_CACHE_DIR")
    return Path(shared) if shared else app_root / ".cache"


def choose(app_root: Path, venv: Path) -> Installer:
    cache = cache_dir(app_root)
    uv = tools.find_uv()
    if uv:
        result = subprocess.run([uv, "--version"], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return Installer("uv", uv, result.stdout.strip(), cache / "uv")
        output.warn(f"{uv} --version failed, so pip installs instead")
    return Installer("pip", None, _pip_version(venv), cache / "pip")
