"""AppSpec: what detection found out about an application."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

KINDS = ("gunicorn-config", "shell", "python", "django", "paste", "wsgi")
# Kinds whose entry is a WSGI application that any of the WSGI servers can host.
WSGI_KINDS = ("django", "paste", "wsgi")


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
    django: dict | None = None  # facts read from the imported settings
    notes: list[str] = field(default_factory=list)

    @property
    def entry_path(self) -> Path:
        return self.app_home / self.entry

    @classmethod
    def from_json(cls, data: dict) -> AppSpec:
        fields = {
            **data,
            "app_home": Path(data["app_home"]),
            "static": [StaticMount(m["url"], Path(m["directory"])) for m in data["static"]],
            "notes": list(data.get("notes", [])),
        }
        return cls(**fields)

    def to_json(self) -> dict:
        data = asdict(self)
        data["app_home"] = str(self.app_home)
        data["static"] = [{"url": m.url, "directory": str(m.directory)} for m in self.static]
        return data
