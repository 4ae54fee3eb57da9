"""Kind `django`: manage.py plus a settings module, read by importing the settings in
a subprocess of the app's own Python (never by reading their text)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from warpdrive import output, proc
from warpdrive.context import Context
from warpdrive.detect import pyfile
from warpdrive.detect.entry import interface_setting
from warpdrive.detect.spec import AppSpec, DjangoFacts, Reads, StaticMount
from warpdrive.errors import SettingsImportFailed

KIND = "django"


def settings_package(spec: AppSpec) -> tuple[str, ...]:
    """Every .py file of the settings module's package: editing any may change the facts."""
    module = spec.django.settings_module if spec.django else ""
    if not module:
        return ()
    package = module.split(".")[:-1]
    return ("/".join([*package, "**", "*.py"]),)


READS = Reads(
    files={"manage.py": "with a settings module"},
    settings=("APP_MODULE", "DJANGO_SETTINGS_MODULE", "WARPDRIVE_INTERFACE"),
    found=settings_package,
)
NEEDS = "manage.py and a Django settings module"

PROBE = Path(__file__).with_name("django_probe.py")


def settings_module(ctx: Context) -> str | None:
    explicit = ctx.setting("DJANGO_SETTINGS_MODULE")
    if explicit:
        return explicit.value
    tree = pyfile.parse(ctx.app_home / "manage.py")
    if tree is None:
        return None
    return pyfile.string_call_argument(tree, "setdefault", "DJANGO_SETTINGS_MODULE")


def module_file_exists(app_home: Path, module: str) -> bool:
    base = app_home.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def probe(ctx: Context, module: str) -> dict[str, Any]:
    """Import the settings in the app's Python; the app's traceback goes to stderr."""
    env = {k: v for k, v in ctx.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    with tempfile.TemporaryDirectory(prefix="warpdrive-probe-") as tmp:
        out = Path(tmp) / "facts.json"
        argv = [str(ctx.app_python), "-I", str(PROBE), str(ctx.app_home), module, str(out)]
        proc.run_passthrough(argv, env, ctx.app_home, timeout=120)
        try:
            return json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {
                "ok": False,
                "error": "the settings probe did not finish",
                "missing_module": None,
            }


def detect(ctx: Context) -> AppSpec | None:
    if ctx.setting("APP_MODULE") or not (ctx.app_home / "manage.py").is_file():
        return None
    module = settings_module(ctx)
    if not module or not module_file_exists(ctx.app_home, module):
        output.warn(
            f"{ctx.app_home / 'manage.py'} found but its settings module "
            f"{module or '(not named in manage.py)'} is not in {ctx.app_home}; "
            "set DJANGO_SETTINGS_MODULE if it lives elsewhere"
        )
        return None

    notes = []
    if not ctx.has_env:
        notes.append(
            f"the app's environment is not built yet: settings were imported with "
            f"warpdrive's own Python ({ctx.app_python})"
        )
    read = probe(ctx, module)
    if read["ok"]:
        facts = DjangoFacts.from_json(read)
        if facts.source != "django.conf.settings":
            notes.append(f"read from {facts.source}: Django's defaults are not applied")
    elif read.get("missing_module") and not ctx.built:
        # Before the first build the app's dependencies are simply not there yet.
        notes.append(
            f"settings need modules that are not installed yet ({read['error']}); "
            "static files, WSGI application and database are known after `warpdrive build`"
        )
        facts = DjangoFacts(ok=False, settings_module=module)
    else:
        raise SettingsImportFailed(module, str(ctx.app_python), read["error"], "")

    interface, why = django_interface(ctx, facts)
    project = module.rpartition(".")[0]
    if interface == "asgi":
        entry = facts.asgi_application or project + ".asgi.application"
    else:
        entry = facts.wsgi_application or project + ".wsgi.application"
    entry_module, _, entry_callable = entry.rpartition(".")
    static = []
    if facts.staticfiles and facts.static_url and facts.static_url.startswith("/"):
        root = facts.static_root
        if not root:
            root = str(ctx.app_root / "static")
            notes.append(f"STATIC_ROOT is not set: warpdrive supplies {root}")
        static.append(StaticMount(facts.static_url, Path(root)))
    return AppSpec(
        KIND,
        ctx.app_home,
        f"{entry_module}:{entry_callable}",
        entry_module,
        entry_callable,
        detected_by=f"manage.py with settings {module}{why}",
        static=static,
        django=facts,
        notes=notes,
        interface=interface,
    )


def django_interface(ctx: Context, facts: DjangoFacts) -> tuple[str, str]:
    """WSGI, unless WARPDRIVE_INTERFACE says otherwise or the settings set
    ASGI_APPLICATION; and why, for detected_by."""
    setting = interface_setting(ctx)
    if setting is not None:
        return setting.value, f", {setting.source}={setting.value}"
    if facts.asgi_application:
        return "asgi", f", ASGI_APPLICATION {facts.asgi_application}"
    return "wsgi", ""
