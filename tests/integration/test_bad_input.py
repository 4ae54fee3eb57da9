"""Every bad input gives one clear error and loses nothing (README.md, "Errors and exit
codes").

One table holds the local cases (the Docker ones are in
tests/images/test_bad_input_images.py). Each case breaks the source of one Django app
built once for the module, or the command line or environment around it, runs the real
`warpdrive`, and goes through the same checks (tests/clean_error.py):

1. the documented exit status (docs/build.md, docs/start.md, README "Errors");
2. exactly one `error:` line, naming the offending value, with the fix in it or in the
   `hint:` line after it, and nothing on stdout (so `eval "$(warpdrive activate ...)"`
   runs nothing);
3. no traceback through warpdrive's own code (the app's own traceback may show);
4. the environment built before is untouched (same generation, same build record) and,
   with the mistake undone, `warpdrive start` still serves GET / with 200.

"Hook present but not executable" is documented as a warning, not an error
(docs/build.md, "Hooks"): its row expects exit 0 and one `warning:` line, with the same
checks.

More detailed tests of some of these cases live beside the code they exercise:
test_detect.py (every file the no-app error lists; settings errors with the app's
traceback), test_build.py (the two-formats choice, a failing hook after a new
generation), test_activate.py (many invalid names, eval'd in bash and zsh),
test_start.py (a run user, a MOD_WSGI_* value), tests/images/test_images.py (a failing
assemble leaves no container and no image).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import warpdrive
from tests.clean_error import assert_clean_error, warpdrive_frames
from tests.support import EXAMPLES, FIXTURES
from tests.support.cli import Result, base_env, run_warpdrive
from tests.support.http import serving

NO_SUCH_PACKAGE = "warpdrive-no-such-package-xyz"


@dataclass
class Built:
    """The module's one built app: a copy of examples/django, built with gunicorn."""

    src: Path
    home: Path
    env: dict[str, str]
    pristine: Path
    mark: Path

    @property
    def root(self) -> Path:
        return self.home / f"warpdrive+{self.src.name}"

    def run(self, *args: str, extra: dict[str, str] | None = None) -> Result:
        return run_warpdrive(*args, env=self.env, cwd=self.src, extra=extra)

    def state(self) -> tuple[str, bytes, list[str], list[str]]:
        """What a failed command must not change: the live generation, the build
        record, the environments, and the generations kept (a failed build removes
        the one it made)."""
        return (
            os.readlink(self.root / "bin"),
            (self.root / "warpdrive-build.json").read_bytes(),
            sorted(p.name for p in self.home.iterdir()),
            sorted(p.name for p in (self.root / ".generations").iterdir()),
        )

    def restore(self) -> None:
        shutil.rmtree(self.src)
        shutil.copytree(self.pristine, self.src, symlinks=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory, shared_cache) -> Built:
    base = tmp_path_factory.mktemp("bad-input")
    src = shutil.copytree(EXAMPLES / "django", base / "src" / "django")
    home = base / "home"
    home.mkdir()
    env = {
        **base_env(home),
        "WARPDRIVE_CACHE_DIR": str(shared_cache),
        # GET / needs no database; skipping migrations keeps each start quick.
        "DISABLE_MIGRATE": "1",
    }
    app = Built(src, home, env, base / "pristine", base / "injected")
    result = app.run("build", "--server", "gunicorn")
    assert result.returncode == 0, result.stderr
    shutil.copytree(src, app.pristine, symlinks=True)
    return app


# Each arrangement breaks something, yields the variables the failing command gets, and
# may clean up after it; the source itself is restored from the pristine copy.
Arrange = Callable[[Built], contextlib.AbstractContextManager[dict[str, str]]]


@contextlib.contextmanager
def nothing(app: Built) -> Iterator[dict[str, str]]:
    yield {}


@contextlib.contextmanager
def no_app(app: Built) -> Iterator[dict[str, str]]:
    (app.src / "manage.py").unlink()
    yield {}


@contextlib.contextmanager
def two_formats(app: Built) -> Iterator[dict[str, str]]:
    shutil.copy(FIXTURES / "deps_two_formats/poetry.lock", app.src / "poetry.lock")
    yield {}


@contextlib.contextmanager
def requirement_typo(app: Built) -> Iterator[dict[str, str]]:
    with (app.src / "requirements.txt").open("a") as fh:
        fh.write("six=>=1.16\n")
    yield {}


@contextlib.contextmanager
def requirement_missing(app: Built) -> Iterator[dict[str, str]]:
    with (app.src / "requirements.txt").open("a") as fh:
        fh.write(f"{NO_SUCH_PACKAGE}==1.0\n")
    yield {}


@contextlib.contextmanager
def settings_raise(app: Built) -> Iterator[dict[str, str]]:
    with (app.src / "mysite/settings.py").open("a") as fh:
        fh.write('\nraise RuntimeError("DATABASE_URL is not set")\n')
    yield {}


def write_hook(app: Built, body: str, mode: int) -> None:
    hook = app.src / ".warpdrive/action_hooks/build"
    hook.parent.mkdir(parents=True)
    hook.write_text(body)
    hook.chmod(mode)


@contextlib.contextmanager
def hook_not_executable(app: Built) -> Iterator[dict[str, str]]:
    write_hook(app, f"#!/bin/sh\ntouch {app.mark}\n", 0o644)
    yield {}
    assert not app.mark.exists()


@contextlib.contextmanager
def hook_failing(app: Built) -> Iterator[dict[str, str]]:
    write_hook(app, "#!/bin/sh\necho about to fail\nexit 7\n", 0o755)
    yield {}


@contextlib.contextmanager
def no_apache_dev_files(app: Built) -> Iterator[dict[str, str]]:
    # A PATH without apxs, as on a machine without apache2-dev.
    yield {"PATH": str(Path(sys.executable).parent)}


@contextlib.contextmanager
def server_type(app: Built) -> Iterator[dict[str, str]]:
    yield {"WARPDRIVE_SERVER_TYPE": "bogus"}


@contextlib.contextmanager
def port_taken(app: Built) -> Iterator[dict[str, str]]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield {"PORT": str(taken.getsockname()[1])}


@contextlib.contextmanager
def active_env(app: Built) -> Iterator[dict[str, str]]:
    yield {"WARPDRIVE_ENV_NAME": app.src.name}


@contextlib.contextmanager
def active_by_virtual_env(app: Built) -> Iterator[dict[str, str]]:
    yield {"VIRTUAL_ENV": str(app.root)}


@contextlib.contextmanager
def injection_mark(app: Built) -> Iterator[dict[str, str]]:
    yield {}
    assert not app.mark.exists()


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]  # {src}, {mark}, {name} and {port} are filled in
    status: int
    value: str  # in the error line
    fix: str  # in the error line or the hint line
    arrange: Arrange = nothing
    level: str = "error"


CASES = [
    Case(
        "no-app-found",
        ("build", "--server", "gunicorn"),
        2,
        "no application found in {src} (looked for: ",
        "APP_MODULE=module:callable",
        no_app,
    ),
    Case(
        "two-lockfile-formats",
        ("build", "--server", "gunicorn"),
        2,
        "requirements.txt and poetry.lock are both in {src}",
        "set WARPDRIVE_DEPENDENCIES=requirements.txt",
        two_formats,
    ),
    Case(
        "requirements-txt-typo",
        ("build", "--server", "gunicorn"),
        1,
        "installing requirements.txt with uv failed: Couldn't parse requirement",
        "the previous environment is unchanged and usable",
        requirement_typo,
    ),
    Case(
        "requirements-txt-unknown-package",
        ("build", "--server", "gunicorn"),
        1,
        NO_SUCH_PACKAGE,
        "the previous environment is unchanged and usable",
        requirement_missing,
    ),
    Case(
        "settings-fail-to-import",
        ("build", "--server", "gunicorn"),
        2,
        "Django settings module 'mysite.settings' failed to import: "
        "RuntimeError: DATABASE_URL is not set",
        "fix the settings so",
        settings_raise,
    ),
    Case(
        "hook-not-executable",
        ("build", "--server", "gunicorn"),
        0,
        "hook build ({src}/.warpdrive/action_hooks/build) is not executable",
        "run: chmod +x {src}/.warpdrive/action_hooks/build",
        hook_not_executable,
        level="warning",
    ),
    Case(
        "hook-failing",
        ("build", "--server", "gunicorn"),
        1,
        "hook build ({src}/.warpdrive/action_hooks/build) failed with exit code 7",
        "nothing after the hook ran",
        hook_failing,
    ),
    Case(
        "unknown-server-flag",
        ("start", "--server", "bogus"),
        2,
        "Invalid value for '--server': 'bogus'",
        "is not one of 'auto', 'mod_wsgi', 'gunicorn', 'waitress', 'uwsgi'",
    ),
    Case(
        "unknown-server-variable",
        ("build",),
        2,
        "WARPDRIVE_SERVER_TYPE='bogus' is not valid",
        "use one of auto, mod_wsgi, gunicorn, waitress, uwsgi",
        server_type,
    ),
    Case(
        "server-not-installable",
        ("build", "--server", "mod_wsgi"),
        2,
        "server mod_wsgi (from --server) cannot be installed: "
        "Apache development files (apxs) are missing",
        "apt-get install apache2-dev apache2",
        no_apache_dev_files,
    ),
    Case(
        "port-in-use",
        ("start", "--server", "gunicorn"),
        2,
        "port {port} (from env PORT) is already in use",
        "choose another port with --port or PORT",
        port_taken,
    ),
    Case(
        "env-name-shell-metacharacters",
        ("activate", "--", "x;touch {mark}"),
        2,
        "invalid environment name 'x;touch {mark}'",
        "use only letters, digits, '.', '_' and '-'",
        injection_mark,
    ),
    Case(
        "env-name-command-substitution-and-newline",
        ("activate", "--", "$(touch {mark})\n`touch {mark}`"),
        2,
        "invalid environment name '$(touch {mark})\\n`touch {mark}`'",
        "use only letters, digits",
        injection_mark,
    ),
    Case(
        "destroy-the-active-env",
        ("destroy", "{name}"),
        2,
        "refusing to destroy '{name}': it is the active environment",
        "run `deactivate` first",
        active_env,
    ),
    Case(
        "destroy-the-env-active-by-virtual-env",
        ("destroy", "{name}"),
        2,
        "refusing to destroy '{name}': it is the active environment",
        "run `deactivate` first",
        active_by_virtual_env,
    ),
    Case(
        "source-not-a-directory",
        ("build", "{src}/manage.py"),
        2,
        "source path {src}/manage.py is not a directory",
        "pass the directory that holds the application's code",
    ),
    Case(
        "source-missing",
        ("info", "{src}/no-such-dir"),
        2,
        "source path {src}/no-such-dir is not a directory",
        "pass the directory that holds the application's code",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(built, case):
    before = built.state()
    try:
        with case.arrange(built) as extra:
            fill = {
                "src": built.src,
                "mark": built.mark,
                "name": built.src.name,
                "port": extra.get("PORT", ""),
            }
            argv = [arg.format(**fill) for arg in case.argv]
            result = built.run(*argv, extra=extra)
        assert_clean_error(
            result.returncode,
            result.stdout,
            result.stderr,
            case.status,
            case.value.format(**fill),
            case.fix.format(**fill),
            case.level,
        )
    finally:
        built.restore()
    # 4. Nothing lost: the same environment, and it still serves. (A build that
    # succeeded with a warning rewrote its record, but kept the environment.)
    after = built.state()
    if case.status:
        assert after == before
    else:
        assert after[0] == before[0]
    with serving(built.env, built.src, "gunicorn") as server:
        assert server.get("/") == (200, b"Hello from Django")


def test_helper_catches_a_traceback_through_warpdrive(built):
    """The traceback check can fail: warpdrive's own frames are found, the app's are not."""
    own = Path(warpdrive.__file__).parent / "build" / "pipeline.py"
    app = built.src / "mysite/settings.py"
    stderr = f'Traceback (most recent call last):\n  File "{own}", line 1, in build\n'
    assert warpdrive_frames(stderr) == [str(own)]
    assert warpdrive_frames(f'  File "{app}", line 3, in <module>\n') == []
