"""`warpdrive build`: the build pipeline (docs/build.md), a straight list of steps.

Dependencies go into a fresh virtualenv generation (see warpdrive.env.generations) that is linked in
only after every step succeeded; when the dependency inputs are unchanged since the
last successful build, the current generation is reused and installation skipped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from warpdrive import __version__, answers, context, detect, forking, output, proc
from warpdrive.build import bytecode, deps, entry, hooks, record
from warpdrive.build.deps import DependencySource
from warpdrive.build.deps import installer as installers
from warpdrive.build.deps.installer import Installer
from warpdrive.build.record import (
    BuildInputs,
    BuildRecord,
    DependencyInputs,
    Extras,
    StepTime,
    Tools,
)
from warpdrive.context import Context
from warpdrive.detect import django as django_detector
from warpdrive.detect.spec import AppSpec
from warpdrive.env import generations, lifecycle
from warpdrive.env.registry import EnvRecord
from warpdrive.errors import (
    BuildLocked,
    CommandFailed,
    DependenciesChanged,
    SettingsImportFailed,
)
from warpdrive.serve import choice, servers
from warpdrive.serve.servers import SERVERS

COLLECTSTATIC = Path(detect.__file__).parent / "django_collectstatic.py"


class Timings:
    """Wall time of each step, for the build record."""

    def __init__(self) -> None:
        self.steps: list[StepTime] = []
        self.start = time.monotonic()

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        began = time.monotonic()
        try:
            yield
        finally:
            self.steps.append(StepTime(name, round(time.monotonic() - began, 3)))

    @property
    def total(self) -> float:
        return round(time.monotonic() - self.start, 3)


@contextlib.contextmanager
def build_lock(app_root: Path) -> Iterator[None]:
    """One build at a time per app root; the lock goes with the process, even on kill -9."""
    with open(app_root / ".build.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(app_root) from None
        yield


def python_identity(python: str) -> str:
    """Path and full version of an interpreter: a change of either re-installs. The
    version is asked once per interpreter file (warpdrive.answers)."""
    argv = [python, "-I", "-S", "-c", "import sys; print(sys.version.split()[0])"]

    def ask() -> str | None:
        result = proc.capture(argv)
        return result.stdout.strip() if result.ok else None

    return f"{os.path.realpath(python)} {answers.remembered('python version', python, ask) or ''}"


def detect_kind(ctx: Context) -> AppSpec:
    """Detection before the dependencies are installed: the settings of a Django app
    may not import yet, but its kind is known."""
    try:
        return detect.detect(ctx)
    except SettingsImportFailed as exc:
        return AppSpec("django", ctx.app_home, "", notes=[str(exc)])


def build(
    src: str | Path | None = None, server_flag: str | None = None, no_install: bool = False
) -> BuildRecord:
    """`no_install`: reuse the environment or fail (DependenciesChanged), never install."""
    ctx = context.resolve(src)
    new = not ctx.has_env
    env_record = lifecycle.ensure(ctx.app_root, ctx.src)
    with build_lock(ctx.app_root):
        try:
            return _build(ctx, env_record, server_flag, no_install)
        except BaseException:
            # A failed first build (no app found, say) leaves no empty environment behind.
            if new:
                output.step(f"Removing the environment this build created, {ctx.app_root}")
                shutil.rmtree(ctx.app_root, ignore_errors=True)
            raise


def _build(
    ctx: Context, env_record: EnvRecord, server_flag: str | None, no_install: bool
) -> BuildRecord:
    timings = Timings()
    app_root = ctx.app_root
    generations.prune(app_root)  # generations left by an interrupted build
    # None only for a damaged environment (its links gone): the hooks then get the app root.
    current = generations.current_generation(app_root) or app_root
    if ctx.file_keys:
        output.step(f"Loaded .warpdrive/environment ({len(ctx.file_keys)} settings)")

    with timings.step("pre-build hook"):
        hooks.run(ctx, "pre-build", current)

    previous = record.load(app_root)
    recorded = record.recorded_spec(ctx, previous)
    spec = recorded or detect_kind(ctx)
    server, notes = choice.build_server(ctx, spec, server_flag)
    for note in notes:
        output.notice(note)
    source = deps.choose(ctx)
    python = lifecycle.build_python(env_record, ctx.src)
    installer = installers.choose(app_root, current)
    inputs = BuildInputs(
        dependency_inputs(ctx, source),
        python_identity(python),
        installer.version,
        SERVERS[server].packages() if server else None,
        servers.requirements_digest(),
        extra_packages(ctx),
    )
    reuse = previous is not None and previous.inputs == inputs
    if no_install and not reuse:
        why = f"{', '.join(inputs.changed_since(previous.inputs))} changed" if previous else ""
        raise DependenciesChanged(app_root, why or "no previous build")
    if reuse:
        output.step("Dependencies unchanged since the last build: skipping installation")
        venv = current
    else:
        with timings.step("install"):
            venv = new_environment(ctx, python, installer, source, server, previous, inputs)
            bytecode.restore(venv, generations.cache_root(app_root))
        # pip's version is the new environment's own, so the next build compares alike.
        installer = installers.choose(app_root, venv)
        inputs.installer = installer.version

    try:
        with timings.step("build hook"):
            hooks.run(ctx, "build", venv)
        with app_scripts(ctx, spec, venv):
            # The recorded spec holds only while the environment it was read in is kept.
            if not (reuse and recorded):
                spec = detect.detect(dataclasses.replace(ctx, python=venv / "bin" / "python"))
            # Before the entry point is imported, which may write into the source.
            fingerprint = record.source_fingerprint(ctx.app_home, skip=collect_root(ctx, spec))
            unchanged = previous is not None and reuse and previous.source == fingerprint
            checked = entry.check_key(spec, venv, server)
            checked_before = previous is not None and previous.entry_checked == checked
            with timings.step("entry point"):
                if unchanged and recorded and checked and checked_before:
                    output.step(
                        "Source unchanged since the last build: skipping the entry point check"
                    )
                elif not entry.check(ctx, spec, venv, server):
                    checked = None
            with timings.step("collectstatic"):
                collectstatic(ctx, spec, venv, unchanged)
    except BaseException:
        if not reuse:
            shutil.rmtree(venv, ignore_errors=True)
        raise

    if not reuse:
        bytecode.keep(venv, generations.cache_root(app_root))
        generations.link_generation(app_root, venv)
        if previous is None:
            generations.drop_previous(app_root)
    built = BuildRecord(
        warpdrive_version=__version__,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        src=str(ctx.src),
        app_root=str(app_root),
        generation=venv.name,
        spec=spec,
        server=server,
        server_notes=notes,
        detection=record.detection_fingerprint(ctx, spec),
        source=fingerprint,
        inputs=inputs,
        installed=not reuse,
        tools=Tools(installer.version, inputs.python, inputs.server_package),
        steps=timings.steps,
        seconds=timings.total,
        entry_checked=checked,
    )
    record.write(app_root, built)
    output.step(f"Build finished in {timings.total:.2f}s ({spec.kind} app, environment {app_root})")
    return built


# Imported once by the process that runs a Django app's build scripts: what the
# settings probe, the entry point probe and collectstatic all import.
DJANGO_PRELOAD = [
    "django.core.handlers.wsgi",
    "django.core.handlers.asgi",
    "django.core.management",
]


def app_scripts(ctx: Context, spec: AppSpec, venv: Path) -> contextlib.AbstractContextManager[None]:
    """For a Django app, the settings probe, the entry point check and collectstatic
    run from one process of the environment's Python (warpdrive/forking.py), which
    imports Django once for the three."""
    if spec.kind != "django":
        return contextlib.nullcontext()
    scripts = [django_detector.PROBE, entry.PROBE, COLLECTSTATIC]
    env = proc.with_venv(ctx.environ, venv)
    python = venv / "bin" / "python"
    return forking.forking_python(python, scripts, DJANGO_PRELOAD, env, ctx.app_home)


def dependency_inputs(ctx: Context, source: DependencySource | None) -> DependencyInputs | None:
    """The dependency format and a digest of each of its files (includes too)."""
    if source is None:
        return None
    files = {
        str(p.relative_to(ctx.app_home)) if p.is_relative_to(ctx.app_home) else str(p): (
            record.file_digest(p)
        )
        for p in source.input_files()
    }
    return DependencyInputs(source.format.name, files)


def new_environment(
    ctx: Context,
    python: str,
    installer: Installer,
    source: DependencySource | None,
    server: str | None,
    previous: BuildRecord | None,
    inputs: BuildInputs,
) -> Path:
    """A new generation with the dependencies and the server installed; removed
    again if anything fails, so the current one is never touched."""
    if previous is not None:
        changed = inputs.changed_since(previous.inputs)
        output.step(
            f"Dependency inputs changed ({', '.join(changed)}): installing into a new environment"
        )
    path, _, version = inputs.python.partition(" ")
    output.step(f"Creating a new virtualenv with Python {version} ({path})")
    # Named after what it holds: two builds of the same inputs make the same paths
    # (scripts and bytecode name them), which reproducible image layers need.
    name = f"env-{record.digest_of(inputs.to_json())[:16]}"
    venv = generations.new_generation(ctx.app_root, python, ctx.environ, name)
    try:
        if ctx.flag("UPGRADE_PIP_TO_LATEST"):
            output.step("Upgrading pip to the latest version (UPGRADE_PIP_TO_LATEST)")
            installer.install(venv, ["--upgrade", "pip"], "pip", ctx.environ, ctx.app_home)
        if source is None and ctx.setting("WARPDRIVE_DEPENDENCIES", key="dependencies"):
            output.step("Dependencies are switched off (WARPDRIVE_DEPENDENCIES=none)")
        elif source is None and deps.switched_off_projects(ctx):
            names = " and ".join(deps.switched_off_projects(ctx))
            output.step(f"The app's own project is not installed: {names} is set")
        elif source is None:
            output.step(
                "No dependency file found (requirements.txt, Pipfile.lock, poetry.lock, "
                "uv.lock, pyproject.toml, setup.py): nothing to install"
            )
        else:
            output.step(
                f"Installing dependencies from {source.format.name} with {installer.version}"
            )
            args = deps.install_arguments(source, venv, installer.program)
            args, environ, index = deps.own_indexes(source, args, ctx.environ)
            if index is not None:
                output.detail(f"From the package index the lock names: {index}")
            installer.install(
                venv,
                args,
                source.format.name,
                environ,
                ctx.app_home,
                pinned=deps.is_pinned(source),
            )
            if source.project is not None:
                name = source.project.name
                output.step(
                    f"Installing the app's own project from {name}, as OpenShift's builder "
                    f"does ({deps.PROJECT_SWITCHES[name]}=1 switches it off)"
                )
                # After a lockfile, which pinned its dependencies: the project alone,
                # its build dependencies from the indexes the lock installed from.
                alone = ["--no-deps"] if source.format.name in deps.LOCKFILES else []
                installer.install(
                    venv, [*alone, "-e", str(source.app_home)], name, environ, ctx.app_home
                )
        if ctx.flag("ENABLE_MICROPIPENV"):
            output.step(
                "ENABLE_MICROPIPENV: warpdrive reads Pipfile.lock, poetry.lock and "
                "requirements.txt itself"
            )
        for requirement in extra_packages(ctx).tools:
            output.step(f"Installing {requirement} (ENABLE_PIPENV)")
            pinned = "==" in requirement
            installer.install(
                venv, [requirement], requirement, ctx.environ, ctx.app_home, pinned=pinned
            )
        if server:
            install_server(ctx, installer, venv, server)
    except BaseException:
        shutil.rmtree(venv, ignore_errors=True)
        raise
    return venv


def extra_packages(ctx: Context) -> Extras:
    """What OpenShift builder settings add to the environment: a pip upgrade, and
    pipenv (PIN_PIPENV_VERSION picks its version) on PATH for the app's own use."""
    tools = []
    if ctx.flag("ENABLE_PIPENV"):
        pin = ctx.environ.get("PIN_PIPENV_VERSION", "").strip()
        tools.append(f"pipenv=={pin}" if pin else "pipenv")
    return Extras(ctx.flag("UPGRADE_PIP_TO_LATEST"), tools)


def collect_root(ctx: Context, spec: AppSpec) -> Path | None:
    """Where Django's collectstatic writes: its STATIC_ROOT, or the one warpdrive
    supplies; None when STATIC_URL is not served from here (a CDN URL)."""
    facts = spec.django
    if spec.kind != "django" or facts is None or not (facts.static_url or "").startswith("/"):
        return None
    return Path(facts.static_root) if facts.static_root else ctx.app_root / "static"


def install_server(ctx: Context, installer: Installer, venv: Path, server: str) -> None:
    """The server's pinned packages that the app's dependencies lack."""
    wanted = SERVERS[server].packages()
    missing = [r for r in wanted if not generations.has_distribution(venv, r.partition("==")[0])]
    if not missing:
        output.step(f"Server {server} is installed by the app's own dependencies")
        return
    listed = "" if wanted[0] in missing else f" ({server} itself comes with the app)"
    output.step(f"Installing server packages {' '.join(missing)}{listed}")
    installer.install_pinned(venv, missing, ctx.environ, ctx.app_home)


def collectstatic(ctx: Context, spec: AppSpec, venv: Path, unchanged: bool) -> None:
    facts = spec.django
    if spec.kind != "django" or not facts:
        return
    if ctx.flag("DISABLE_COLLECTSTATIC"):
        output.step("Skipping collectstatic: DISABLE_COLLECTSTATIC is set")
        return
    if not facts.staticfiles:
        output.step("Skipping collectstatic: django.contrib.staticfiles is not in INSTALLED_APPS")
        return
    root = collect_root(ctx, spec)
    if root is None:
        output.step("Skipping collectstatic: STATIC_URL is not a local path, nothing to serve")
        return
    if unchanged and root.is_dir():
        output.step("Source unchanged since the last build: skipping collectstatic")
        return
    supplied = "" if facts.static_root else str(root)
    output.step(f"Collecting static files into {root}")
    argv = [
        str(venv / "bin" / "python"),
        "-I",
        str(COLLECTSTATIC),
        str(ctx.app_home),
        facts.settings_module,
        supplied,
    ]
    returncode, tail = proc.run_streamed(argv, proc.with_venv(ctx.environ, venv), ctx.app_home)
    if returncode != 0:
        raise CommandFailed("collectstatic", argv, returncode, proc.summarise(tail, returncode))
