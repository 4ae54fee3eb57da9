"""Detection: the ordered table of detectors (README.md, "How detection works"); the
first match wins.

Each detector is a module with KIND, LOOKS_FOR (for the no-app error), NEEDS (for the
explicit-mode error) and `detect(ctx) -> AppSpec | None`. An explicit mode runs only
its own detector.
"""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.detect import django, gunicorn_config, paste, python, shell, wsgi
from warpdrive.detect.spec import AppSpec, StaticMount
from warpdrive.errors import BadSetting, ModeNotMatched, NoAppFound

DETECTORS = (gunicorn_config, shell, python, django, paste, wsgi)
MODES = ("auto", *(d.KIND for d in DETECTORS if d is not gunicorn_config))


def looked_for() -> list[str]:
    return [item for d in DETECTORS for item in d.LOOKS_FOR] + ["APP_MODULE"]


def detect(ctx: Context) -> AppSpec:
    mode = ctx.setting("WARPDRIVE_DEPLOY_MODE", key="mode")
    if mode and mode.value != "auto":
        by_kind = {d.KIND: d for d in DETECTORS}
        if mode.value not in MODES:
            raise BadSetting(mode.name, mode.value, "one of " + ", ".join(MODES))
        detector = by_kind[mode.value]
        spec = detector.detect(ctx)
        if spec is None:
            raise ModeNotMatched(mode.value, mode.source, ctx.app_home, detector.NEEDS)
        spec.detected_by = f"{mode.source}={mode.value}"
    else:
        spec = next((s for d in DETECTORS if (s := d.detect(ctx)) is not None), None)
        if spec is None:
            raise NoAppFound(ctx.app_home, looked_for())
    spec.static.extend(configured_static(ctx))
    return spec


def configured_static(ctx: Context) -> list[StaticMount]:
    """A static mount set by the user for any WSGI kind (Django's comes from settings)."""
    url = ctx.setting("WARPDRIVE_STATIC_URL", key="static-url")
    root = ctx.setting("WARPDRIVE_STATIC_ROOT", key="static-root")
    if not url and not root:
        return []
    if not (url and root):
        missing = "WARPDRIVE_STATIC_ROOT" if url else "WARPDRIVE_STATIC_URL"
        given = url or root
        raise BadSetting(given.name, given.value, f"it together with {missing}")
    prefix = "/" + url.value.strip("/") + "/"
    return [StaticMount(prefix, (ctx.app_home / root.value).resolve())]


__all__ = ["DETECTORS", "MODES", "AppSpec", "detect", "looked_for"]
