"""Run by the app's own Python (`python -I django_probe.py APP_HOME MODULE OUT`):
import the Django settings and write the facts warpdrive needs as JSON to OUT.

This file must import nothing from warpdrive: it runs in the app's environment.
"""

import json
import os
import sys
import traceback


def app_traceback(exc, app_home):
    """Print the part of the traceback that is the app's own code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(app_home)]
    if frames:
        sys.stderr.write("Traceback (the app's own frames):\n")
        sys.stderr.write("".join(traceback.format_list(frames)))
    sys.stderr.write("".join(traceback.format_exception_only(type(exc), exc)))


def read_settings(module):
    try:
        import django  # type: ignore[import-not-found]
    except ImportError:
        django = None
    if django is not None:
        from django.conf import settings  # type: ignore[import-not-found]

        settings.INSTALLED_APPS  # noqa: B018 - touching a setting imports the module
        return settings, "django.conf.settings", django.get_version()
    import importlib

    return importlib.import_module(module), "the settings module alone (Django not installed)", None


def sqlite_files(databases):
    """The file of every SQLite database, absolute (SQLite opens a relative name from
    the working directory: the app home); in-memory and URI names are no file here."""
    files = []
    for db in databases.values():
        name = str(db.get("NAME") or "")
        is_file = name not in ("", ":memory:") and not name.startswith("file:")
        if (db.get("ENGINE") or "").endswith("sqlite3") and is_file:
            files.append(os.path.abspath(name))
    return files


def facts(settings, module, source, version):
    apps = list(getattr(settings, "INSTALLED_APPS", []) or [])
    databases = getattr(settings, "DATABASES", None) or {}
    static_url = getattr(settings, "STATIC_URL", None)
    if static_url and not static_url.startswith("/") and "://" not in static_url:
        static_url = "/" + static_url  # Django adds the script prefix the same way
    static_root = getattr(settings, "STATIC_ROOT", None)
    media_root = getattr(settings, "MEDIA_ROOT", None)
    return {
        "ok": True,
        "source": source,
        "django_version": version,
        "settings_module": module,
        "wsgi_application": getattr(settings, "WSGI_APPLICATION", None),
        "asgi_application": getattr(settings, "ASGI_APPLICATION", None),
        "static_url": static_url,
        "static_root": str(static_root) if static_root else None,
        "staticfiles": any(a.startswith("django.contrib.staticfiles") for a in apps),
        "database_engine": databases.get("default", {}).get("ENGINE"),
        "sqlite_databases": sqlite_files(databases),
        "media_root": os.path.abspath(str(media_root)) if media_root else None,
    }


def main():
    app_home, module, out = sys.argv[1:4]
    sys.path.insert(0, app_home)
    os.chdir(app_home)
    os.environ["DJANGO_SETTINGS_MODULE"] = module
    try:
        settings, source, version = read_settings(module)
        result = facts(settings, module, source, version)
    except BaseException as exc:
        app_traceback(exc, app_home)
        missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "missing_module": missing}
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(result, fh)


main()
