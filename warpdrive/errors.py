"""Error classes that carry their data; the CLI edge renders them once.

Each class has a stable `code` (used by tests and `--json`), an exit status (2 for
usage or configuration mistakes, 1 for a failed step of the app's own), and builds
its one-line `message` and `hint` from the data it holds. Domain code raises these
and never formats user-facing prose itself.
"""

from __future__ import annotations

from pathlib import Path


class WarpdriveError(Exception):
    """Base of every error a user can cause or fix."""

    code = "error"
    exit_status = 2

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code

    @property
    def hint(self) -> str | None:
        return None

    def __str__(self) -> str:
        return self.message


class NoAppFound(WarpdriveError):
    code = "detect.none-found"

    def __init__(self, app_home: Path, looked_for: list[str]):
        super().__init__(app_home, looked_for)
        self.app_home = app_home
        self.looked_for = looked_for

    @property
    def message(self) -> str:
        return f"no application found in {self.app_home} (looked for: {', '.join(self.looked_for)})"

    @property
    def hint(self) -> str:
        return (
            "add one of those files; or set APP_MODULE=module:callable (APP_MODULE=module "
            "means module:application), WARPDRIVE_PASTE_INI=FILE for a Paste Deploy file "
            "not named paste.ini, or WARPDRIVE_DEPLOY_MODE=shell|python|django|paste|wsgi; "
            "or point WARPDRIVE_APP_HOME (APP_HOME) at the subdirectory that holds the app"
        )


class ExplicitAppMissing(WarpdriveError):
    """An explicit setting names an entry point that is not there."""

    code = "detect.explicit-missing"

    def __init__(self, setting: str, value: str, path: Path):
        super().__init__(setting, value, path)
        self.setting, self.value, self.path = setting, value, path

    @property
    def message(self) -> str:
        return f"{self.setting}={self.value} but {self.path} does not exist"

    @property
    def hint(self) -> str:
        return f"create {self.path.name} or correct {self.setting}"


class ModeNotMatched(WarpdriveError):
    """WARPDRIVE_DEPLOY_MODE asks for a kind whose files are not there."""

    code = "detect.mode-not-matched"

    def __init__(self, mode: str, source: str, app_home: Path, needs: str):
        super().__init__(mode, source, app_home, needs)
        self.mode, self.source, self.app_home, self.needs = mode, source, app_home, needs

    @property
    def message(self) -> str:
        return f"{self.source} is {self.mode!r} but {self.app_home} has no {self.needs}"

    @property
    def hint(self) -> str:
        return f"add {self.needs}, or set {self.source} to auto to let warpdrive detect the app"


class BadSetting(WarpdriveError):
    """A setting has a value warpdrive cannot use."""

    code = "config.bad-value"

    def __init__(self, name: str, value: str, expected: str):
        super().__init__(name, value, expected)
        self.name, self.value, self.expected = name, value, expected

    @property
    def message(self) -> str:
        return f"{self.name}={self.value!r} is not valid"

    @property
    def hint(self) -> str:
        return f"use {self.expected}"


class BadConfigFile(WarpdriveError):
    code = "config.bad-file"

    def __init__(self, path: Path, detail: str, fix: str):
        super().__init__(path, detail, fix)
        self.path, self.detail, self.fix = path, detail, fix

    @property
    def message(self) -> str:
        return f"cannot read {self.path}: {self.detail}"

    @property
    def hint(self) -> str:
        return self.fix


class SettingsImportFailed(WarpdriveError):
    """The Django settings module raised when imported."""

    code = "detect.django-settings"

    def __init__(self, module: str, python: str, exception: str, output: str):
        super().__init__(module, python, exception, output)
        self.module, self.python, self.exception, self.output = module, python, exception, output

    @property
    def message(self) -> str:
        return f"Django settings module {self.module!r} failed to import: {self.exception}"

    @property
    def hint(self) -> str:
        return (
            f"fix the settings so `{self.python} -c 'import {self.module}'` works in the app home"
        )


class SourceNotDirectory(WarpdriveError):
    code = "source.not-a-directory"

    def __init__(self, path: Path):
        super().__init__(path)
        self.path = path

    @property
    def message(self) -> str:
        return f"source path {self.path} is not a directory"

    @property
    def hint(self) -> str:
        return "pass the directory that holds the application's code"


class WorkingDirectoryGone(WarpdriveError):
    """The process's current directory was deleted (or moved) after the shell entered it."""

    code = "source.cwd-gone"

    def __init__(self, pwd: str | None):
        super().__init__(pwd)
        self.pwd = pwd

    @property
    def message(self) -> str:
        where = f" {self.pwd}" if self.pwd else ""
        return f"the current directory{where} no longer exists (it was deleted or moved)"

    @property
    def hint(self) -> str:
        return "cd to an existing directory (the app's source directory) and run the command again"


class InvalidEnvName(WarpdriveError):
    code = "env.invalid-name"

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name

    @property
    def message(self) -> str:
        return f"invalid environment name {self.name!r}"

    @property
    def hint(self) -> str:
        return "use only letters, digits, '.', '_' and '-' (not starting with '.' or '-')"


class EnvNotFound(WarpdriveError):
    code = "env.not-found"

    def __init__(self, name: str, home: Path):
        super().__init__(name, home)
        self.name, self.home = name, home

    @property
    def message(self) -> str:
        return f"no environment named {self.name!r} under {self.home}"

    @property
    def hint(self) -> str:
        return "`warpdrive list` shows the environments; `warpdrive activate NAME` creates one"


class NoActiveEnv(WarpdriveError):
    code = "env.none-active"

    @property
    def message(self) -> str:
        return "no warpdrive environment is active and none was named"

    @property
    def hint(self) -> str:
        return 'run `eval "$(warpdrive activate NAME)"` first, or pass --env NAME'


class EnvIsActive(WarpdriveError):
    code = "env.is-active"

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name

    @property
    def message(self) -> str:
        return f"refusing to destroy {self.name!r}: it is the active environment"

    @property
    def hint(self) -> str:
        return "run `deactivate` first, then `warpdrive destroy " + self.name + "`"


class PythonNotFound(WarpdriveError):
    code = "env.python-not-found"

    def __init__(self, python: str, source: str):
        super().__init__(python, source)
        self.python, self.source = python, source

    @property
    def message(self) -> str:
        return f"Python {self.python!r} (from {self.source}) was not found"

    @property
    def hint(self) -> str:
        return "install that Python or pass --python with a path or a name on PATH"


class CommandFailed(WarpdriveError):
    """A child process of an app step failed; its output has already streamed."""

    code = "step.failed"
    exit_status = 1

    def __init__(self, what: str, argv: list[str], returncode: int, detail: str = ""):
        super().__init__(what, argv, returncode, detail)
        self.what, self.argv, self.returncode, self.detail = what, argv, returncode, detail

    @property
    def message(self) -> str:
        tail = f": {self.detail}" if self.detail else ""
        return f"{self.what} failed with exit code {self.returncode}{tail}"

    @property
    def hint(self) -> str:
        return "the command's output is above; the command was: " + " ".join(self.argv)


class CommandNotFound(WarpdriveError):
    code = "exec.not-found"
    exit_status = 127

    def __init__(self, command: str, path: str):
        super().__init__(command, path)
        self.command, self.path = command, path

    @property
    def message(self) -> str:
        return f"command not found in the environment or on PATH: {self.command!r}"

    @property
    def hint(self) -> str:
        return "install it into the environment (pip install …) or give its full path"


class SeveralDependencyFormats(WarpdriveError):
    code = "deps.several-formats"

    def __init__(self, app_home: Path, files: list[str]):
        super().__init__(app_home, files)
        self.app_home, self.files = app_home, files

    @property
    def message(self) -> str:
        both = " and ".join(self.files)
        return f"{both} are both in {self.app_home}: warpdrive cannot tell which to install"

    @property
    def hint(self) -> str:
        return (
            f'set WARPDRIVE_DEPENDENCIES={self.files[0]} (or dependencies = "{self.files[0]}" '
            "in [tool.warpdrive]) to choose one, or delete the stale file"
        )


class DependencyFileMissing(WarpdriveError):
    code = "deps.file-missing"

    def __init__(self, setting: str, value: str, app_home: Path):
        super().__init__(setting, value, app_home)
        self.setting, self.value, self.app_home = setting, value, app_home

    @property
    def message(self) -> str:
        return f"{self.setting}={self.value} but {self.app_home / self.value} does not exist"

    @property
    def hint(self) -> str:
        return (
            "correct the setting, or use one of requirements.txt, Pipfile.lock, poetry.lock, "
            "uv.lock, pyproject.toml, setup.py, none"
        )


class PipfileNotLocked(WarpdriveError):
    code = "deps.pipfile-not-locked"

    def __init__(self, app_home: Path):
        super().__init__(app_home)
        self.app_home = app_home

    @property
    def message(self) -> str:
        return f"{self.app_home / 'Pipfile'} has no Pipfile.lock beside it"

    @property
    def hint(self) -> str:
        return "run `pipenv lock` and commit Pipfile.lock (warpdrive installs exactly what it pins)"


class ConflictingSettings(WarpdriveError):
    code = "config.conflict"

    def __init__(self, first: str, second: str):
        super().__init__(first, second)
        self.first, self.second = first, second

    @property
    def message(self) -> str:
        return f"{self.first} and {self.second} are both set, and they cannot be combined"

    @property
    def hint(self) -> str:
        return "unset one of them (in .s2i/environment, .warpdrive/environment or the environment)"


class InstallFailed(WarpdriveError):
    """The installer failed; the previous environment is untouched."""

    code = "deps.install-failed"
    exit_status = 1

    def __init__(self, installer: str, source: str, summary: str, trouble: str | None = None):
        super().__init__(installer, source, summary, trouble)
        self.installer, self.source, self.summary = installer, source, summary
        self.trouble = trouble  # "tls" or "connection": the package index was out of reach

    @property
    def message(self) -> str:
        return f"installing {self.source} with {self.installer} failed: {self.summary}"

    @property
    def hint(self) -> str:
        unchanged = "the previous environment is unchanged and usable"
        if self.trouble == "tls":
            way = (
                "the package index's certificate is not trusted: set SSL_CERT_FILE or PIP_CERT "
                "to the CA bundle of your proxy or index, or add that CA to the system's store"
            )
            if self.installer == "uv":
                way += " (WARPDRIVE_UV=none installs with pip instead)"
            return f"{way}; {unchanged}"
        if self.trouble == "connection":
            return (
                "the package index could not be reached: check PIP_INDEX_URL and the network "
                f"(behind a proxy, set HTTPS_PROXY); {unchanged}"
            )
        return f"the installer's output is above; {unchanged}"


class HookFailed(WarpdriveError):
    code = "hook.failed"
    exit_status = 1

    def __init__(self, name: str, path: Path, returncode: int):
        super().__init__(name, path, returncode)
        self.name, self.path, self.returncode = name, path, returncode

    @property
    def message(self) -> str:
        return f"hook {self.name} ({self.path}) failed with exit code {self.returncode}"

    @property
    def hint(self) -> str:
        return (
            "its output is above; nothing after the hook ran "
            "(a failed build leaves the previous environment as it was)"
        )


class BuildLocked(WarpdriveError):
    code = "build.locked"

    def __init__(self, app_root: Path):
        super().__init__(app_root)
        self.app_root = app_root

    @property
    def message(self) -> str:
        return f"another warpdrive build is running in {self.app_root}"

    @property
    def hint(self) -> str:
        return "wait for it to finish, then build again"


class ServerNotInstallable(WarpdriveError):
    code = "server.not-installable"

    def __init__(self, server: str, source: str, reason: str, fix: str):
        super().__init__(server, source, reason, fix)
        self.server, self.source, self.reason, self.fix = server, source, reason, fix

    @property
    def message(self) -> str:
        return f"server {self.server} (from {self.source}) cannot be installed: {self.reason}"

    @property
    def hint(self) -> str:
        return self.fix


class NotBuilt(WarpdriveError):
    code = "start.not-built"

    def __init__(self, app_root: Path):
        super().__init__(app_root)
        self.app_root = app_root

    @property
    def message(self) -> str:
        return f"the app has not been built yet: no build record in {self.app_root}"

    @property
    def hint(self) -> str:
        return "run `warpdrive build` first"


class PortInUse(WarpdriveError):
    code = "start.port-in-use"

    def __init__(self, port: int, source: str):
        super().__init__(port, source)
        self.port, self.source = port, source

    @property
    def message(self) -> str:
        return f"port {self.port} (from {self.source}) is already in use"

    @property
    def hint(self) -> str:
        return "stop what listens there, or choose another port with --port or PORT"


class SocketPathTooLong(WarpdriveError):
    code = "start.socket-path-too-long"

    def __init__(self, directory: Path):
        super().__init__(directory)
        self.directory = directory

    @property
    def message(self) -> str:
        return (
            f"mod_wsgi's daemon sockets would go in {self.directory}, whose path is too long "
            "for a Unix socket (108 bytes); Apache would answer every request with 503"
        )

    @property
    def hint(self) -> str:
        return (
            "set MOD_WSGI_SOCKET_PREFIX to a short path (say /tmp/myapp-wsgi), "
            "or use a shorter WARPDRIVE_HOME"
        )


class UnreadableForRunUser(WarpdriveError):
    code = "start.unreadable"

    def __init__(self, user: str, path: Path, what: str):
        super().__init__(user, path, what)
        self.user, self.path, self.what = user, path, what

    @property
    def message(self) -> str:
        return (
            f"user {self.user}, whom mod_wsgi runs the app as, cannot read {self.what} {self.path}"
        )

    @property
    def hint(self) -> str:
        return (
            f"make {self.path} and its parent directories readable by {self.user}, set "
            "WARPDRIVE_RUN_USER to a user who can read them, or recreate the environment on a "
            "system Python (warpdrive destroy NAME, then warpdrive activate NAME "
            "--python /usr/bin/python3)"
        )


class UnwritableForRunUser(WarpdriveError):
    """State the app writes (a SQLite database, MEDIA_ROOT) that warpdrive could not
    hand to the user mod_wsgi runs the app as."""

    code = "start.unwritable"

    def __init__(self, user: str, path: Path, what: str, reason: str):
        super().__init__(user, path, what, reason)
        self.user, self.path, self.what, self.reason = user, path, what, reason

    @property
    def message(self) -> str:
        return (
            f"user {self.user}, whom mod_wsgi runs the app as, cannot write {self.what} "
            f"{self.path}: {self.reason}"
        )

    @property
    def hint(self) -> str:
        return (
            f"make {self.path} writable by {self.user} (chown {self.user} {self.path}) and its "
            f"parent directories searchable by {self.user}, move it where {self.user} can "
            "write, or set WARPDRIVE_RUN_USER to a user who can write it"
        )


class NoRunUser(WarpdriveError):
    code = "start.no-run-user"

    def __init__(self, user: str, source: str):
        super().__init__(user, source)
        self.user, self.source = user, source

    @property
    def message(self) -> str:
        return f"user {self.user!r} (from {self.source}) does not exist"

    @property
    def hint(self) -> str:
        return "set WARPDRIVE_RUN_USER to an existing unprivileged user for mod_wsgi to run as"


class EngineUnreachable(WarpdriveError):
    code = "images.engine-unreachable"

    def __init__(self, where: str, detail: str):
        super().__init__(where, detail)
        self.where, self.detail = where, detail

    @property
    def message(self) -> str:
        return f"cannot reach the Docker engine at {self.where}: {self.detail}"

    @property
    def hint(self) -> str:
        return "start the engine (dockerd), or point DOCKER_HOST at a running one"


class EngineFailed(WarpdriveError):
    """The engine went away or failed in the middle of a build."""

    code = "images.engine-failed"
    exit_status = 1

    def __init__(self, step: str, detail: str):
        super().__init__(step, detail)
        self.step, self.detail = step, detail

    @property
    def message(self) -> str:
        return f"the Docker engine failed while {self.step}: {self.detail}"

    @property
    def hint(self) -> str:
        return (
            "no image was tagged; once the engine runs (`docker info`), run the same command "
            "again (`docker container prune` removes a build container left behind)"
        )


class BuilderImageMissing(WarpdriveError):
    code = "images.builder-missing"

    def __init__(self, image: str, python: str, role: str = "builder"):
        super().__init__(image, python, role)
        self.image, self.python, self.role = image, python, role

    @property
    def message(self) -> str:
        return f"{self.role} image {self.image} is not in the Docker engine"

    @property
    def hint(self) -> str:
        # One command makes both: the builder, and the runtime with `-runtime` added.
        tag = self.image.removesuffix(":latest").removesuffix("-runtime")
        made = "builds both the builder and its -runtime image" if self.role == "runtime" else ""
        return f"build it with `warpdrive builder build --python {self.python} --tag {tag}`" + (
            f" ({made})" if made else ""
        )


class RuntimeInputsMissing(WarpdriveError):
    code = "images.runtime-inputs-missing"

    def __init__(self, image: str):
        super().__init__(image)
        self.image = image

    @property
    def message(self) -> str:
        return (
            f"runtime image {self.image} does not say what to copy from the builder "
            "(label io.openshift.s2i.assemble-input-files)"
        )

    @property
    def hint(self) -> str:
        return "use a runtime image made by `warpdrive builder build` (NAME-runtime)"


class AssembleFailed(WarpdriveError):
    code = "images.assemble-failed"
    exit_status = 1

    def __init__(self, image: str, status: int, last_line: str, script: str = "assemble"):
        super().__init__(image, status, last_line, script)
        self.image, self.status, self.last_line, self.script = image, status, last_line, script

    @property
    def message(self) -> str:
        tail = f": {self.last_line}" if self.last_line else ""
        where = "runtime image" if self.script == "assemble-runtime" else "builder"
        return f"{self.script} in {where} {self.image} failed with exit code {self.status}{tail}"

    @property
    def hint(self) -> str:
        return "its output is above; no image was tagged and the build container was removed"


class ImageBuildFailed(WarpdriveError):
    code = "images.build-failed"
    exit_status = 1

    def __init__(self, tag: str, detail: str):
        super().__init__(tag, detail)
        self.tag, self.detail = tag, detail

    @property
    def message(self) -> str:
        return f"building image {self.tag} failed: {self.detail}"

    @property
    def hint(self) -> str:
        return "the build output is above"


class ServerNotInstalled(WarpdriveError):
    """The server, or a package it needs for this app, is not in the app's environment."""

    code = "start.server-not-installed"

    def __init__(self, server: str, missing: str, built: str | None = None):
        super().__init__(server, missing, built)
        self.server, self.missing, self.built = server, missing, built

    @property
    def message(self) -> str:
        return f"server {self.server} cannot start: {self.missing}"

    @property
    def hint(self) -> str:
        other = (
            f", or start {self.built}, the server the last build installed"
            if self.built and self.built != self.server
            else ""
        )
        return f"run `warpdrive build --server {self.server}` first{other}"


class ServerCannotStart(WarpdriveError):
    """Something outside the app's environment that the server needs is missing."""

    code = "start.server-cannot-start"

    def __init__(self, server: str, source: str, reason: str, fix: str):
        super().__init__(server, source, reason, fix)
        self.server, self.source, self.reason, self.fix = server, source, reason, fix

    @property
    def message(self) -> str:
        return f"server {self.server} (from {self.source}) cannot start: {self.reason}"

    @property
    def hint(self) -> str:
        return self.fix
