"""AppSpec: what detection found out about an application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Reads:
    """What a detector reads, declared beside it: the build record's detection
    fingerprint and the no-app error are built from these declarations alone."""

    # Files (globs relative to the app home) -> what the no-app error says is wanted
    # of them ("" for nothing more than being there).
    files: dict[str, str] = field(default_factory=dict)
    # Settings: environment variable names (a [tool.warpdrive] key is covered by the
    # whole table, which the fingerprint holds).
    settings: tuple[str, ...] = ()
    # Settings that name an app on their own, listed in the no-app error.
    names_app: tuple[str, ...] = ()
    # Files found through what detection found (a Django settings package): globs.
    found: Callable[[AppSpec], tuple[str, ...]] | None = None


@dataclass
class DjangoFacts:
    """What the settings probe read from an app's imported Django settings. A probe
    that could not import them (dependencies not installed yet) knows the module only."""

    ok: bool
    settings_module: str
    wsgi_application: str | None = None
    asgi_application: str | None = None
    source: str | None = None  # django.conf.settings, or the module alone
    django_version: str | None = None
    static_url: str | None = None
    static_root: str | None = None
    staticfiles: bool = False  # django.contrib.staticfiles is installed
    database_engine: str | None = None
    sqlite_databases: list[str] = field(default_factory=list)  # absolute files
    media_root: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DjangoFacts:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_json(self) -> dict[str, Any]:
        if not self.ok:
            return {
                "ok": False,
                "settings_module": self.settings_module,
                "wsgi_application": self.wsgi_application,
                "asgi_application": self.asgi_application,
            }
        return {
            "ok": True,
            "source": self.source,
            "django_version": self.django_version,
            "settings_module": self.settings_module,
            "wsgi_application": self.wsgi_application,
            "asgi_application": self.asgi_application,
            "static_url": self.static_url,
            "static_root": self.static_root,
            "staticfiles": self.staticfiles,
            "database_engine": self.database_engine,
            "sqlite_databases": list(self.sqlite_databases),
            "media_root": self.media_root,
        }


@dataclass(frozen=True)
class StaticMount:
    url: str  # URL prefix, with leading and trailing slash
    directory: Path


@dataclass
class AppSpec:
    kind: str
    app_home: Path
    # What runs: a file (app.sh, app.py, paste.ini, gunicorn.conf.py) relative to the
    # app home, or for WSGI apps a module and its callable.
    entry: str
    module: str | None = None
    callable: str | None = None
    detected_by: str = ""  # the rule or setting that decided, for people
    static: list[StaticMount] = field(default_factory=list)
    django: DjangoFacts | None = None  # facts read from the imported settings
    notes: list[str] = field(default_factory=list)
    # A Procfile's process types and their commands (`web`, `release`, ...).
    procfile: dict[str, str] = field(default_factory=dict)
    interface: str = "wsgi"  # wsgi or asgi: what the entry point is called as
    # An app factory: the literal arguments `callable` is called with ("" for none),
    # None when `callable` is the app itself.
    factory_args: str | None = None

    @property
    def target(self) -> str:
        """The entry point as APP_MODULE names it: module:callable, or module:factory(args)."""
        call = f"({self.factory_args})" if self.factory_args is not None else ""
        return f"{self.module}:{self.callable}{call}"

    @property
    def entry_path(self) -> Path:
        return self.app_home / self.entry

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AppSpec:
        fields = {
            **data,
            "app_home": Path(data["app_home"]),
            "static": [StaticMount(m["url"], Path(m["directory"])) for m in data["static"]],
            "django": DjangoFacts.from_json(data["django"]) if data.get("django") else None,
            "notes": list(data.get("notes", [])),
            "interface": data.get("interface", "wsgi"),  # older records: WSGI
            "procfile": dict(data.get("procfile", {})),
        }
        return cls(**fields)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["app_home"] = str(self.app_home)
        data["static"] = [{"url": m.url, "directory": str(m.directory)} for m in self.static]
        data["django"] = self.django.to_json() if self.django else None
        return data
