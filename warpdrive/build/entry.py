"""The entry point checked at build: imported once in the app's Python (after the
dependencies are installed) so that a wrong APP_MODULE fails the build, as one line,
instead of every request at run time."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from warpdrive import detect, output, proc
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import (
    EntryAttributeMissing,
    EntryModuleMissing,
    EntryNotCallable,
    EntryPointError,
    FactoryNotCalled,
    InterfaceMismatch,
)

PROBE = Path(detect.__file__).parent / "entry_probe.py"
# Kinds whose entry point is a module and a callable a server imports.
CHECKED_KINDS = ("wsgi", "django", "asgi")


def probe(ctx: Context, spec: AppSpec, venv: Path) -> dict[str, str]:
    env = {k: v for k, v in proc.with_venv(ctx.environ, venv).items() if k != "PYTHONPATH"}
    with tempfile.TemporaryDirectory(prefix="warpdrive-entry-") as tmp:
        out = Path(tmp) / "entry.json"
        argv = [str(venv / "bin" / "python"), "-I", str(PROBE), str(spec.app_home), spec.target]
        try:
            result = proc.capture([*argv, str(out)], env, spec.app_home, timeout=120)
        except subprocess.TimeoutExpired:
            return {"result": "import-failed", "detail": "the import took over 120 s"}
        try:
            found: dict[str, str] = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            return {"result": "import-failed", "detail": f"the import did not finish: {last}"}
        return found


def check_key(spec: AppSpec, venv: Path, server: str | None) -> str | None:
    """What a check's verdict depends on besides the source: the entry point, its
    interface, the server and the environment (generation) it was imported in. None for
    an app whose entry point is not checked."""
    if spec.kind not in CHECKED_KINDS or not spec.module or not spec.callable:
        return None
    return json.dumps([spec.target, spec.interface, str(spec.app_home), server, venv.name])


def check(ctx: Context, spec: AppSpec, venv: Path, server: str | None) -> bool:
    """Raise the one error that says what is wrong with the entry point; warn when
    importing it failed for what may be the build's environment (no database). True
    when the check ran and passed."""
    if spec.kind not in CHECKED_KINDS or not spec.module or not spec.callable:
        return False
    target, source = spec.target, spec.detected_by or "detected"
    output.step(f"Checking the entry point {target}")
    found = probe(ctx, spec, venv)
    result, detail = found["result"], found.get("detail", "")
    if result == "missing-module":
        raise EntryModuleMissing(target, source, detail, spec.app_home)
    if result == "missing-attribute":
        raise EntryAttributeMissing(target, source, detail)
    if result == "not-callable":
        raise EntryNotCallable(target, source, detail)
    if result == "factory-failed":
        raise EntryPointError(target, source, detail)
    if result == "factory-needs-call":
        raise FactoryNotCalled(target, source, f"{spec.module}:{spec.callable}()")
    if result == "import-failed":
        output.warn(
            f"importing the entry point {target} failed at build ({detail}); "
            "if the app needs something only there at run time (a database), it may still start"
        )
        return False
    shape = found.get("shape", "wsgi")
    if shape != spec.interface and server:
        raise InterfaceMismatch(target, source, shape.upper(), server, spec.interface)
    return True
