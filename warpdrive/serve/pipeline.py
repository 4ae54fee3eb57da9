"""`warpdrive start`: hooks, migrations, checks, then exec the server (docs/start.md)."""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import shutil
import socket
import sys
from pathlib import Path

from warpdrive import context, detect, output, proc
from warpdrive.build import hooks, record
from warpdrive.build.record import BuildRecord
from warpdrive.context import Context
from warpdrive.detect.spec import AppSpec
from warpdrive.errors import BadSetting, CommandFailed, NotBuilt, PortInUse
from warpdrive.serve import launch, migrated, runuser, writable
from warpdrive.serve.launch import LaunchPlan
from warpdrive.serve.servers import SERVERS

MIGRATE_CHOICES = ("auto", "on", "off")
RELEASE_CHOICES = ("start", "separate")


def load(src: str | Path | None) -> tuple[Context, AppSpec]:
    ctx, spec, _ = load_built(src)
    return ctx, spec


def load_built(src: str | Path | None) -> tuple[Context, AppSpec, BuildRecord | None]:
    """The context, the app's spec, and the build record when the spec is the record's
    (nothing detection reads changed since the build); None when it was detected again."""
    ctx = context.resolve(src)
    if not ctx.built:
        raise NotBuilt(ctx.app_root)
    built = record.load(ctx.app_root)
    spec = record.recorded_spec(ctx, built) if built is not None else None
    if spec is None:
        return ctx, detect.detect(ctx), None
    return ctx, spec, built


def migrate_choice(ctx: Context) -> tuple[str, str] | None:
    """WARPDRIVE_MIGRATE (or [tool.warpdrive] migrate) and its source, when set."""
    setting = ctx.setting("WARPDRIVE_MIGRATE", key="migrate")
    if setting is None:
        return None
    choice = {"True": "on", "False": "off"}.get(setting.value, setting.value)  # TOML
    if choice not in MIGRATE_CHOICES:
        raise BadSetting(setting.name, choice, "one of " + ", ".join(MIGRATE_CHOICES))
    return choice, f"{setting.source}={choice}"


def release_separate(ctx: Context) -> bool:
    """WARPDRIVE_RELEASE=separate: a release step of the platform's runs the Procfile's
    release: line once per deployment (`warpdrive release`), not every start."""
    setting = ctx.setting("WARPDRIVE_RELEASE")
    if setting is None:
        return False
    if setting.value not in RELEASE_CHOICES:
        raise BadSetting(setting.name, setting.value, "one of " + ", ".join(RELEASE_CHOICES))
    return setting.value == "separate"


def migrate_policy(ctx: Context, spec: AppSpec) -> tuple[bool, str]:
    """Whether start migrates, and why. `auto` migrates only SQLite, which no other
    instance can share; a shared database is migrated once, by `warpdrive migrate`.
    A Procfile's release: line is the app's own migration step: `auto` runs it, unless
    WARPDRIVE_RELEASE=separate leaves it to `warpdrive release`."""
    release = "release" in spec.procfile
    if spec.kind != "django" and not release:
        return False, "not a Django app and no Procfile release: line"
    if ctx.flag("DISABLE_MIGRATE"):
        return False, "DISABLE_MIGRATE is set"
    chosen = migrate_choice(ctx)
    if chosen is not None and chosen[0] != "auto":
        return chosen[0] == "on", chosen[1]
    if release:
        if release_separate(ctx):
            return False, "WARPDRIVE_RELEASE=separate: `warpdrive release` runs the release: line"
        return True, "the Procfile has a release: line"
    engine = (spec.django.database_engine if spec.django else None) or ""
    if engine.endswith("sqlite3"):
        return True, "WARPDRIVE_MIGRATE=auto and the database is SQLite"
    return False, f"WARPDRIVE_MIGRATE=auto and the database is {engine or 'unknown'}, not SQLite"


def django_migrates(ctx: Context, spec: AppSpec) -> bool:
    """Whether `migrate` runs Django's own migrate: a Django app with no migrate hook
    and no Procfile release: line."""
    no_hook = not hooks.hook_path(ctx, "migrate").is_file()
    return spec.kind == "django" and "release" not in spec.procfile and no_hook


def migrate(ctx: Context, spec: AppSpec, built: BuildRecord | None = None) -> None:
    """The migrate hook if the app has one, else the Procfile's release: command, else
    `manage.py migrate --noinput`. `built`: the build record the spec is from, if it
    is; then what the migrate left is remembered for the next start."""
    if hooks.run(ctx, "migrate", ctx.app_root):
        return
    if "release" in spec.procfile:
        release(ctx, spec.procfile["release"])
        return
    if spec.kind != "django":
        output.step("Nothing to migrate: not a Django app, no Procfile release: and no hook")
        return
    output.step("Running Django migrations")
    argv = [str(ctx.app_root / "bin" / "python"), "manage.py", "migrate", "--noinput"]
    returncode, tail = proc.run_streamed(
        argv, proc.with_venv(ctx.environ, ctx.app_root), ctx.app_home
    )
    if returncode != 0:
        raise CommandFailed("manage.py migrate", argv, returncode, tail[-1] if tail else "")
    migrated.remember(ctx, spec, built)


def needless_migrate(ctx: Context, spec: AppSpec, built: BuildRecord | None) -> bool:
    """Under `auto`, Django's migrate is skipped when it would do nothing: the SQLite
    databases hold what the last migrate left, and nothing it depends on has changed
    (serve/migrated.py). `on` migrates at every start."""
    chosen = migrate_choice(ctx)
    auto = chosen is None or chosen[0] == "auto"
    return auto and django_migrates(ctx, spec) and migrated.up_to_date(ctx, spec, built)


def shell_argv(ctx: Context, command: str) -> list[str]:
    """A Procfile command as Heroku runs it: `bash -c`, or POSIX sh without bash."""
    bash = shutil.which("bash", path=ctx.environ.get("PATH"))
    return [bash or "/bin/sh", "-c", command]


def release(ctx: Context, command: str) -> None:
    """The Procfile's release: command, in the app home with the environment's bin/
    first on PATH; a failure stops the start."""
    output.step(f"Running the Procfile's release: command: {command}")
    argv = shell_argv(ctx, command)
    returncode, tail = proc.run_streamed(
        argv, proc.with_venv(ctx.environ, ctx.app_root), ctx.app_home
    )
    if returncode != 0:
        raise CommandFailed("Procfile release:", argv, returncode, tail[-1] if tail else "")


def check_port(port: int, source: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))  # noqa: S104 - servers listen on all interfaces
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(port, source) from None
            raise


def standard_library(venv: Path) -> str:
    """The os.py of the Python the environment was made from: where that Python looks
    first, from the `home` of pyvenv.cfg (HOME/../lib/pythonX.Y), when it is there;
    else asked of Python."""
    config: dict[str, str] = {}
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for line in (venv / "pyvenv.cfg").read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            config[key.strip()] = value.strip()
    version = ".".join((config.get("version_info") or config.get("version", "")).split(".")[:2])
    if config.get("home") and version:
        candidate = Path(config["home"]).parent / "lib" / f"python{version}" / "os.py"
        if candidate.is_file():
            return str(candidate)
    python = str(venv / "bin" / "python")
    return proc.capture([python, "-I", "-c", "import os; print(os.__file__)"]).stdout.strip()


def readable_paths(ctx: Context, spec: AppSpec) -> list[tuple[str, Path]]:
    """What a server's processes read once it dropped to its run user (mod_wsgi's
    daemon processes): the app, its environment, its Python."""
    python = ctx.app_root / "bin" / "python"
    stdlib = standard_library(ctx.app_root)
    paths = [
        ("the app home", spec.app_home),
        ("the app's environment", (ctx.app_root / "lib").resolve()),
        ("the environment's Python", python.resolve()),
    ]
    if stdlib:
        paths.append(("the Python standard library", Path(stdlib)))
    paths += [("the static files", m.directory) for m in spec.static if m.directory.exists()]
    return paths


def prepare(
    src: str | Path | None, server: str | None, port: int | None, run_steps: bool = True
) -> tuple[LaunchPlan, dict[str, str]]:
    ctx, spec, built = load_built(src)
    plan = launch.plan(ctx, spec, server, port)
    # Here, not in plan(): `info` must still show the plan.
    launch.check_installed(ctx, spec, plan)
    if run_steps:
        hooks.run(ctx, "deploy", ctx.app_root)
        wanted, why = migrate_policy(ctx, spec)
        if wanted and needless_migrate(ctx, spec, built):
            output.step("Not migrating: nothing changed since the last migrate")
        elif wanted:
            output.step(f"Migrating: {why}")
            migrate(ctx, spec, built)
        if plan.port_known:
            check_port(plan.port, plan.port_source)
        SERVERS[plan.server].prepare(ctx, plan)
        if plan.run_user:
            readable = readable_paths(ctx, spec)
            asked = [("-r", path) for _, path in readable] + writable.checks(spec)
            # Usually one process of the run user says that all is well; else the
            # checks one by one, which name what is wrong or put it right.
            if not all(runuser.allowed(plan.run_user, asked)):
                runuser.check_readable(plan.run_user, readable)
                writable.hand_over(plan.run_user, spec)
    env = proc.with_venv(ctx.environ, ctx.app_root)
    env.update(plan.env)
    return plan, env


def start(
    src: str | Path | None = None,
    server: str | None = None,
    port: int | None = None,
    dry_run: bool = False,
) -> None:
    plan, env = prepare(src, server, port, run_steps=not dry_run)
    if dry_run:
        sys.stdout.write(shlex.join(plan.argv) + "\n")
        return
    for note in plan.notes:
        output.notice(note)
    where = f"port {plan.port}" if plan.port_known else plan.port_source
    output.step(f"Starting {plan.server} on {where}")
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(plan.env["WARPDRIVE_APP_HOME"])
    os.execve(plan.argv[0], plan.argv, env)  # noqa: S606 - an argv list, no shell
