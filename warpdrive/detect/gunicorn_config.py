"""Kind `gunicorn-config`: a gunicorn.conf.py that names its app with `wsgi_app`."""

from __future__ import annotations

from warpdrive.context import Context
from warpdrive.detect import pyfile
from warpdrive.detect.spec import AppSpec, Reads

KIND = "gunicorn-config"
READS = Reads(files={"gunicorn.conf.py": "setting wsgi_app"})
NEEDS = "gunicorn.conf.py that sets wsgi_app"


def detect(ctx: Context) -> AppSpec | None:
    path = ctx.app_home / "gunicorn.conf.py"
    tree = pyfile.parse(path) if path.is_file() else None
    if tree is None or "wsgi_app" not in pyfile.top_level_names(tree):
        return None
    return AppSpec(
        KIND, ctx.app_home, "gunicorn.conf.py", detected_by="gunicorn.conf.py sets wsgi_app"
    )
