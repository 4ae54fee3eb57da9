"""Whether mod_wsgi can be installed and run here: Apache's development files
(`apxs`, to compile mod_wsgi) and Apache's server program (to serve with it).

Debian packages the two apart: apache2-dev does not pull in apache2. mod_wsgi's own
build asks apxs for SBINDIR, BINDIR and PROGNAME and writes them into
mod_wsgi/express/apxs_config.py; mod_wsgi-express then runs `$HTTPD`, else its
--httpd-executable (MOD_WSGI_HTTPD_EXECUTABLE), else SBINDIR/PROGNAME, else
BINDIR/PROGNAME, else PROGNAME found on PATH or in /usr/sbin. The functions here look
for the program the same way: through apxs before mod_wsgi is installed, through the
installed mod_wsgi's apxs_config.py after (no apxs needed, as in a runtime image).
"""

from __future__ import annotations

import ast
import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from warpdrive import answers, proc

APXS_NAMES = ("apxs", "apxs2")
# What `apt-get install` needs on Debian for each missing part.
DEV_PACKAGES = "apache2-dev apache2"
SERVER_PACKAGE = "apache2"


@dataclass(frozen=True)
class Layout:
    """Where Apache's programs are, as apxs reports them."""

    sbindir: str
    bindir: str
    progname: str


@dataclass(frozen=True)
class Missing:
    """What keeps mod_wsgi from being installed or run, and the Debian packages for it."""

    reason: str
    packages: str


def find_apxs(environ: dict[str, str]) -> str | None:
    path = environ.get("PATH", os.defpath)
    return next(filter(None, (shutil.which(name, path=path) for name in APXS_NAMES)), None)


@cache
def query_apxs(apxs: str) -> Layout | None:
    """One apxs run (a Perl script) per process: it prints the values `;;`-separated."""
    question = [apxs, "-q", "SBINDIR", "BINDIR", "PROGNAME"]

    def ask() -> str | None:
        result = proc.capture(question)
        return result.stdout.strip() if result.ok else None

    # Asked once per apxs file (warpdrive.answers): a Perl script that runs four others.
    values = (answers.remembered(" ".join(question[1:]), apxs, ask) or "").split(";;")
    if len(values) != 3 or not values[2]:
        return None
    return Layout(*values)


def installed_layout(venv: Path) -> Layout | None:
    """What the environment's mod_wsgi was built against, read from its
    apxs_config.py without running it; None when there is no such file."""
    for config in venv.glob("lib/python*/site-packages/mod_wsgi/express/apxs_config.py"):
        try:
            tree = ast.parse(config.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            return None
        # Only the literal assignments: the branch for a bundled Apache (the
        # mod_wsgi-httpd package) computes its directories instead.
        values = {
            node.targets[0].id: node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
        }
        if values.get("WITH_HTTPD_PACKAGE"):
            bindir = str(config.parents[2] / "mod_wsgi_packages" / "httpd" / "bin")
            values.update(SBINDIR=bindir, BINDIR=bindir)
        parts = [values.get(name) for name in ("SBINDIR", "BINDIR", "PROGNAME")]
        texts = [part for part in parts if isinstance(part, str)]
        if len(texts) == len(parts) and texts[2]:
            return Layout(*texts)
    return None


def server_program(layout: Layout, environ: dict[str, str]) -> str | None:
    """The Apache program mod_wsgi-express will run, if it exists."""
    name = environ.get("HTTPD") or environ.get("MOD_WSGI_HTTPD_EXECUTABLE")
    if not name:
        built_in = [os.path.join(d, layout.progname) for d in (layout.sbindir, layout.bindir) if d]
        name = next((p for p in built_in if os.path.exists(p)), layout.progname)
    if os.path.isabs(name):
        return name if os.path.exists(name) else None
    search = [*environ.get("PATH", os.defpath).split(os.pathsep), "/usr/sbin"]
    return next((p for d in search if os.path.exists(p := os.path.join(d, name))), None)


def _program_missing(layout: Layout, environ: dict[str, str]) -> Missing | None:
    if server_program(layout, environ):
        return None
    explicit = [v for v in ("HTTPD", "MOD_WSGI_HTTPD_EXECUTABLE") if environ.get(v)]
    if explicit:
        where = f"{explicit[0]}={environ[explicit[0]]} does not exist"
    else:
        dirs = [d for d in dict.fromkeys((layout.sbindir, layout.bindir)) if d]
        where = f"not in {' or '.join(dirs) or '/usr/sbin'}, nor on PATH"
    return Missing(
        f"Apache's server program {layout.progname} is missing ({where})", SERVER_PACKAGE
    )


def missing_for_build(environ: dict[str, str]) -> Missing | None:
    """Why mod_wsgi cannot be installed here and then run; None when it can."""
    apxs = find_apxs(environ)
    layout = query_apxs(apxs) if apxs else None
    if layout is None:
        return Missing("Apache development files (apxs) are missing", DEV_PACKAGES)
    return _program_missing(layout, environ)


def missing_for_start(venv: Path, environ: dict[str, str]) -> Missing | None:
    """Why the environment's mod_wsgi cannot run Apache; None when it can (or when
    there is no telling: a mod_wsgi without apxs_config.py, and no apxs)."""
    layout = installed_layout(venv)
    if layout is None:
        apxs = find_apxs(environ)
        layout = query_apxs(apxs) if apxs else None
    return None if layout is None else _program_missing(layout, environ)
