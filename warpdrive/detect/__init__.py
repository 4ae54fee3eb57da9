"""Detection: the ordered table of detectors (README.md, "How detection works"); the
first match wins.

Each detector is a module with KIND, READS (the files and settings it reads: the build
record's fingerprint and the no-app error come from these), NEEDS (for the
explicit-mode error) and `detect(ctx) -> AppSpec | None`. An explicit mode runs only
its own detector.
"""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.detect import asgi, django, gunicorn_config, paste, procfile, python, shell, wsgi
from warpdrive.detect.spec import AppSpec, Reads, StaticMount
from warpdrive.errors import BadSetting, ModeNotMatched, NoAppFound

DETECTORS = (gunicorn_config, procfile, shell, python, django, paste, asgi, wsgi)
# The kinds WARPDRIVE_DEPLOY_MODE names; a gunicorn.conf.py or a Procfile is explicit itself.
MODES = ("auto", *(d.KIND for d in DETECTORS if d not in (gunicorn_config, procfile)))
# What detection reads besides the detectors: the mode, the static mount settings, where
# the app home is, and pyproject.toml for [tool.warpdrive].
READS = Reads(
    files={"pyproject.toml": ""},
    settings=(
        "WARPDRIVE_DEPLOY_MODE",
        "WARPDRIVE_STATIC_URL",
        "WARPDRIVE_STATIC_ROOT",
        "APP_HOME",
        "WARPDRIVE_APP_HOME",
    ),
)
ALL_READS = (*(d.READS for d in DETECTORS), READS)


def declared_files() -> list[str]:
    """Every file glob a detector declares, relative to the app home."""
    return list(dict.fromkeys(g for r in ALL_READS for g in r.files))


def declared_settings() -> list[str]:
    return list(dict.fromkeys(s for r in ALL_READS for s in r.settings))


def found_files(spec: AppSpec) -> list[str]:
    """File globs that what detection found adds (a Django settings package)."""
    return [g for r in ALL_READS if r.found is not None for g in r.found(spec)]


def looked_for() -> list[str]:
    """The detectors' files with what each must hold, in table order; files wanted for
    the same thing side by side are one item (`wsgi.py or wsgi/__init__.py (...)`)."""
    items: list[tuple[list[str], str]] = []
    for detector in DETECTORS:
        for glob, wanted in detector.READS.files.items():
            if items and wanted and items[-1][1] == wanted:
                items[-1][0].append(glob)
            else:
                items.append(([glob], wanted))
    named = [f"{' or '.join(globs)} ({wanted})" if wanted else globs[0] for globs, wanted in items]
    return named + [s for d in DETECTORS for s in d.READS.names_app]


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
    if url is not None and root is None:
        raise BadSetting(url.name, url.value, "it together with WARPDRIVE_STATIC_ROOT")
    if root is not None and url is None:
        raise BadSetting(root.name, root.value, "it together with WARPDRIVE_STATIC_URL")
    if url is None or root is None:
        return []
    prefix = "/" + url.value.strip("/") + "/"
    return [StaticMount(prefix, (ctx.app_home / root.value).resolve())]


__all__ = [
    "DETECTORS",
    "MODES",
    "AppSpec",
    "declared_files",
    "declared_settings",
    "detect",
    "found_files",
    "looked_for",
]
