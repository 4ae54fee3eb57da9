"""Error classes that carry their data; the CLI edge renders them once.

Each class declares its fields as annotations (filled from the constructor's arguments
in that order, or by name, as a dataclass's would be), a stable `code` (printed by the
`--json` commands), an exit status (2 for usage or configuration mistakes, 1 for a failed
step of the app's own), and its one-line `message` and `hint` as `str.format` templates
over its fields. The few whose wording needs a decision keep a small property instead.
Domain code raises these and never formats user-facing prose itself.
"""

from __future__ import annotations

from pathlib import Path

# Neither `typing` nor `dataclasses` is imported at run time: `activate` imports this
# module in every new shell, and importing them would add milliseconds to each.
# mypy takes this name as true, and so checks every constructor call against the fields.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar, dataclass_transform
else:

    def dataclass_transform():
        return lambda cls: cls


@dataclass_transform()
class WarpdriveError(Exception):
    """Base of every error a user can cause or fix."""

    code: ClassVar[str] = "error"
    exit_status: ClassVar[int] = 2
    template: ClassVar[str] = ""  # the message, over the fields
    hint_template: ClassVar[str] = ""
    field_names: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        own = [n for n, kind in cls.__annotations__.items() if not kind.startswith("ClassVar")]
        cls.field_names = (*cls.field_names, *own)

    def __init__(self, *args: object, **kwargs: object) -> None:
        name, fields = type(self).__name__, self.field_names
        if len(args) > len(fields):
            raise TypeError(f"{name} takes {len(fields)} arguments but {len(args)} were given")
        values = dict(zip(fields, args, strict=False))
        for field in fields[len(args) :]:
            if field in kwargs:
                values[field] = kwargs.pop(field)
            elif hasattr(type(self), field):  # declared with a default
                values[field] = getattr(type(self), field)
            else:
                raise TypeError(f"{name} is missing the argument {field!r}")
        if kwargs:
            raise TypeError(f"{name} got unexpected arguments: {', '.join(kwargs)}")
        super().__init__(*values.values())
        self.__dict__.update(values)

    @property
    def message(self) -> str:
        if self.template:
            return self.template.format_map(self.__dict__)
        return str(self.args[0]) if self.args else self.code

    @property
    def hint(self) -> str | None:
        return self.hint_template.format_map(self.__dict__) if self.hint_template else None

    def to_json(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "hint": self.hint}

    def __str__(self) -> str:
        return self.message


# --- Settings and the source directory ------------------------------------------------


class BadSetting(WarpdriveError):
    """A setting has a value warpdrive cannot use."""

    code = "config.bad-value"
    template = "{name}={value!r} is not valid"
    hint_template = "use {expected}"
    name: str
    value: str
    expected: str


class BadConfigFile(WarpdriveError):
    code = "config.bad-file"
    template = "cannot read {path}: {detail}"
    hint_template = "{fix}"
    path: Path
    detail: str
    fix: str


class ConflictingSettings(WarpdriveError):
    code = "config.conflict"
    template = "{first} and {second} are both set, and they cannot be combined"
    hint_template = (
        "unset one of them (in .s2i/environment, .warpdrive/environment or the environment)"
    )
    first: str
    second: str


class SourceNotDirectory(WarpdriveError):
    code = "source.not-a-directory"
    template = "source path {path} is not a directory"
    hint_template = "pass the directory that holds the application's code"
    path: Path


class WorkingDirectoryGone(WarpdriveError):
    """The process's current directory was deleted (or moved) after the shell entered it."""

    code = "source.cwd-gone"
    hint_template = (
        "cd to an existing directory (the app's source directory) and run the command again"
    )
    pwd: str | None

    @property
    def message(self) -> str:
        where = f" {self.pwd}" if self.pwd else ""
        return f"the current directory{where} no longer exists (it was deleted or moved)"


# --- Environments ---------------------------------------------------------------------


class InvalidEnvName(WarpdriveError):
    code = "env.invalid-name"
    template = "invalid environment name {name!r}"
    hint_template = "use only letters, digits, '.', '_' and '-' (not starting with '.' or '-')"
    name: str


class EnvNotFound(WarpdriveError):
    code = "env.not-found"
    template = "no environment named {name!r} under {home}"
    hint_template = "`warpdrive list` shows the environments; `warpdrive activate NAME` creates one"
    name: str
    home: Path


class NoActiveEnv(WarpdriveError):
    code = "env.none-active"
    template = "no warpdrive environment is active and none was named"
    hint_template = 'run `eval "$(warpdrive activate NAME)"` first, or pass --env NAME'


class EnvIsActive(WarpdriveError):
    code = "env.is-active"
    template = "refusing to destroy {name!r}: it is the active environment"
    hint_template = "run `deactivate` first, then `warpdrive destroy {name}`"
    name: str


class PythonNotFound(WarpdriveError):
    code = "env.python-not-found"
    template = "Python {python!r} (from {source}) was not found"
    hint_template = "install that Python or pass --python with a path or a name on PATH"
    python: str
    source: str


class PythonUnavailable(WarpdriveError):
    """The app asks for a Python version that no interpreter warpdrive looks at has."""

    code = "env.python-unavailable"
    template = "{source} asks for Python {wanted} but none is available (found: {found})"
    hint_template = "install it as pythonX.Y on PATH, or pass --python with a path or a name"
    wanted: str
    source: str
    found: str


class CommandNotFound(WarpdriveError):
    """`warpdrive exec` was given a command the environment does not have."""

    code = "exec.not-found"
    exit_status = 127
    template = "command not found in the environment or on PATH: {command!r}"
    hint_template = "install it into the environment (pip install …) or give its full path"
    command: str
    path: str


# --- Detection ------------------------------------------------------------------------


class NoAppFound(WarpdriveError):
    code = "detect.none-found"
    hint_template = (
        "add one of those files; or set APP_MODULE=module:callable (APP_MODULE=module "
        "means module:application), WARPDRIVE_PASTE_INI=FILE for a Paste Deploy file "
        "not named production.ini or paste.ini, or "
        "WARPDRIVE_DEPLOY_MODE=shell|python|django|paste|wsgi; "
        "or point WARPDRIVE_APP_HOME (APP_HOME) at the subdirectory that holds the app"
    )
    app_home: Path
    looked_for: list[str]

    @property
    def message(self) -> str:
        looked_for = ", ".join(self.looked_for)
        return f"no application found in {self.app_home} (looked for: {looked_for})"


class ExplicitAppMissing(WarpdriveError):
    """An explicit setting names an entry point that is not there."""

    code = "detect.explicit-missing"
    template = "{setting}={value} but {path} does not exist"
    hint_template = "create {path.name} or correct {setting}"
    setting: str
    value: str
    path: Path


class ModeNotMatched(WarpdriveError):
    """WARPDRIVE_DEPLOY_MODE asks for a kind whose files are not there."""

    code = "detect.mode-not-matched"
    template = "{source} is {mode!r} but {app_home} has no {needs}"
    hint_template = "add {needs}, or set {source} to auto to let warpdrive detect the app"
    mode: str
    source: str
    app_home: Path
    needs: str


class SettingsImportFailed(WarpdriveError):
    """The Django settings module raised when imported."""

    code = "detect.django-settings"
    template = "Django settings module {module!r} failed to import: {exception}"
    hint_template = "fix the settings so `{python} -c 'import {module}'` works in the app home"
    module: str
    python: str
    exception: str
    output: str


# --- Dependencies and the build -------------------------------------------------------


class SeveralDependencyFormats(WarpdriveError):
    code = "deps.several-formats"
    hint_template = (
        'set WARPDRIVE_DEPENDENCIES={files[0]} (or dependencies = "{files[0]}" '
        "in [tool.warpdrive]) to choose one, or delete the stale file"
    )
    app_home: Path
    files: list[str]

    @property
    def message(self) -> str:
        both = " and ".join(self.files)
        return f"{both} are both in {self.app_home}: warpdrive cannot tell which to install"


class DependencyFileMissing(WarpdriveError):
    code = "deps.file-missing"
    hint_template = (
        "correct the setting, or use one of requirements.txt, Pipfile.lock, poetry.lock, "
        "uv.lock, pyproject.toml, setup.py, none"
    )
    setting: str
    value: str
    app_home: Path

    @property
    def message(self) -> str:
        return f"{self.setting}={self.value} but {self.app_home / self.value} does not exist"


class PipfileNotLocked(WarpdriveError):
    code = "deps.pipfile-not-locked"
    hint_template = (
        "run `pipenv lock` and commit Pipfile.lock (warpdrive installs exactly what it pins)"
    )
    app_home: Path

    @property
    def message(self) -> str:
        return f"{self.app_home / 'Pipfile'} has no Pipfile.lock beside it"


class InstallFailed(WarpdriveError):
    """The installer failed; the previous environment is untouched."""

    code = "deps.install-failed"
    exit_status = 1
    template = "installing {source} with {installer} failed: {summary}"
    installer: str
    source: str
    summary: str
    trouble: str | None = None  # "tls" or "connection": the package index was out of reach

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


class CommandFailed(WarpdriveError):
    """A child process of an app step failed; its output has already streamed."""

    code = "step.failed"
    exit_status = 1
    what: str
    argv: list[str]
    returncode: int
    detail: str = ""

    @property
    def message(self) -> str:
        tail = f": {self.detail}" if self.detail else ""
        return f"{self.what} failed with exit code {self.returncode}{tail}"

    @property
    def hint(self) -> str:
        return "the command's output is above; the command was: " + " ".join(self.argv)


class HookFailed(WarpdriveError):
    code = "hook.failed"
    exit_status = 1
    template = "hook {name} ({path}) failed with exit code {returncode}"
    hint_template = (
        "its output is above; nothing after the hook ran "
        "(a failed build leaves the previous environment as it was)"
    )
    name: str
    path: Path
    returncode: int


class BuildLocked(WarpdriveError):
    code = "build.locked"
    template = "another warpdrive build is running in {app_root}"
    hint_template = "wait for it to finish, then build again"
    app_root: Path


class DependenciesChanged(WarpdriveError):
    """`warpdrive build --no-install` when the environment cannot be reused as it is."""

    code = "build.dependencies-changed"
    exit_status = 3  # apart from the others: `warpdrive s2i` then builds the environment anew
    template = "--no-install: the environment in {app_root} cannot be reused ({changed})"
    hint_template = "build without --no-install to install into a new environment"
    app_root: Path
    changed: str


class EntryPointError(WarpdriveError):
    """The entry point, imported once in the app's Python after installing, is not an
    app a server can load; the build fails before the environment is swapped in."""

    code = "build.entry-point"
    template = "entry point {target} ({source}): {problem}"
    hint_template = "the factory must return the application"
    target: str
    source: str
    problem: str


class EntryModuleMissing(EntryPointError):
    code = "build.entry-module-missing"
    template = "entry point {target} ({source}): its module cannot be imported ({problem})"
    hint_template = "correct the module's name, or add it under {app_home}"
    app_home: Path


class EntryAttributeMissing(EntryPointError):
    code = "build.entry-attribute-missing"
    template = "entry point {target} ({source}): {problem}"
    hint_template = "name the app object the module defines, as module:callable"


class EntryNotCallable(EntryPointError):
    code = "build.entry-not-callable"
    template = "entry point {target} ({source}) is not callable: {problem}"
    hint_template = (
        "name the application object, or an app factory with its call: module:create_app()"
    )


class FactoryNotCalled(EntryPointError):
    code = "build.factory-not-called"
    template = (
        "entry point {target} ({source}) is an app factory, not an app: every request would fail"
    )
    hint_template = "name it with its call, as {problem}"


class InterfaceMismatch(EntryPointError):
    """`problem` is the interface the app object has: "ASGI" or "WSGI"."""

    code = "build.interface-mismatch"
    server: str
    interface: str

    @property
    def hint(self) -> str:
        # The source did not show what the app is: the setting says it, and then the
        # server choice follows (auto picks one that runs it; a server that cannot says so).
        return (
            f"set WARPDRIVE_INTERFACE={self.problem.lower()} so that warpdrive serves it as "
            f"{self.problem}, with a server that runs {self.problem} applications"
        )

    @property
    def message(self) -> str:
        article = "an" if self.problem == "ASGI" else "a"
        return (
            f"entry point {self.target} ({self.source}) is {article} {self.problem} "
            f"application, but {self.server} would serve it as {self.interface.upper()}"
        )


class ServerNotInstallable(WarpdriveError):
    code = "server.not-installable"
    template = "server {server} (from {source}) cannot be installed: {reason}"
    hint_template = "{fix}"
    server: str
    source: str
    reason: str
    fix: str


# --- Serving --------------------------------------------------------------------------


class NotBuilt(WarpdriveError):
    code = "start.not-built"
    template = "the app has not been built yet: no build record in {app_root}"
    hint_template = "run `warpdrive build` first"
    app_root: Path


class ServerNotInstalled(WarpdriveError):
    """The server, or a package it needs for this app, is not in the app's environment."""

    code = "start.server-not-installed"
    template = "server {server} cannot start: {missing}"
    server: str
    missing: str
    built: str | None = None

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
    template = "server {server} (from {source}) cannot start: {reason}"
    hint_template = "{fix}"
    server: str
    source: str
    reason: str
    fix: str


class ServerWrongInterface(WarpdriveError):
    """The server chosen cannot run the app's interface (WSGI or ASGI)."""

    code = "server.wrong-interface"
    template = "server {server} (from {source}) cannot run {interface} apps; {able} can"
    hint_template = (
        "choose one of them with --server or WARPDRIVE_SERVER_TYPE, or leave the server to auto"
    )
    server: str
    source: str
    interface: str
    able: str


class PortInUse(WarpdriveError):
    code = "start.port-in-use"
    template = "port {port} (from {source}) is already in use"
    hint_template = "stop what listens there, or choose another port with --port or PORT"
    port: int
    source: str


class SocketPathTooLong(WarpdriveError):
    code = "start.socket-path-too-long"
    template = (
        "mod_wsgi's daemon sockets would go in {directory}, whose path is too long "
        "for a Unix socket (108 bytes); Apache would answer every request with 503"
    )
    hint_template = (
        "set MOD_WSGI_SOCKET_PREFIX to a short path (say /tmp/myapp-wsgi), "
        "or use a shorter WARPDRIVE_HOME"
    )
    directory: Path


class NoRunUser(WarpdriveError):
    code = "start.no-run-user"
    template = "user {user!r} (from {source}) does not exist"
    hint_template = "set WARPDRIVE_RUN_USER to an existing unprivileged user for mod_wsgi to run as"
    user: str
    source: str


class UnreadableForRunUser(WarpdriveError):
    code = "start.unreadable"
    template = "user {user}, whom mod_wsgi runs the app as, cannot read {what} {path}"
    hint_template = (
        "make {path} and its parent directories readable by {user}, set "
        "WARPDRIVE_RUN_USER to a user who can read them, or recreate the environment on a "
        "system Python (warpdrive destroy NAME, then warpdrive activate NAME "
        "--python /usr/bin/python3)"
    )
    user: str
    path: Path
    what: str


class UnwritableForRunUser(WarpdriveError):
    """State the app writes (a SQLite database, MEDIA_ROOT) that warpdrive could not
    hand to the user mod_wsgi runs the app as."""

    code = "start.unwritable"
    template = "user {user}, whom mod_wsgi runs the app as, cannot write {what} {path}: {reason}"
    hint_template = (
        "make {path} writable by {user} (chown {user} {path}) and its "
        "parent directories searchable by {user}, move it where {user} can "
        "write, or set WARPDRIVE_RUN_USER to a user who can write it"
    )
    user: str
    path: Path
    what: str
    reason: str


# --- Images ---------------------------------------------------------------------------


class EngineUnreachable(WarpdriveError):
    code = "images.engine-unreachable"
    template = "cannot reach the Docker engine at {where}: {detail}"
    hint_template = "start the engine (dockerd), or point DOCKER_HOST at a running one"
    where: str
    detail: str


class EngineFailed(WarpdriveError):
    """The engine went away or failed in the middle of a build."""

    code = "images.engine-failed"
    exit_status = 1
    template = "the Docker engine failed while {step}: {detail}"
    hint_template = (
        "no image was tagged; once the engine runs (`docker info`), run the same command "
        "again (`docker container prune` removes a build container left behind)"
    )
    step: str
    detail: str


class BuilderImageMissing(WarpdriveError):
    code = "images.builder-missing"
    template = "{role} image {image} is not in the Docker engine"
    image: str
    python: str
    role: str = "builder"

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
    template = (
        "runtime image {image} does not say what to copy from the builder "
        "(label io.openshift.s2i.assemble-input-files)"
    )
    hint_template = "use a runtime image made by `warpdrive builder build` (NAME-runtime)"
    image: str


class NoBuilderForPython(WarpdriveError):
    """`warpdrive s2i` without --builder, for an app asking for a Python that no
    supported builder image has."""

    code = "images.no-builder-for-python"
    template = (
        "{source} asks for Python {wanted}, which no builder image has (builders: {builders})"
    )
    hint_template = "ask for Python {versions}, or pass --builder with an image of your own"
    wanted: str
    source: str
    builders: str
    versions: str


class RuntimePythonMismatch(WarpdriveError):
    code = "images.runtime-python-mismatch"
    template = "runtime image {runtime} has Python {runtime_python}, builder {builder} has {python}"
    hint_template = (
        "use the builder's own runtime image, {builder}-runtime, or --runtime-image auto"
    )
    runtime: str
    runtime_python: str
    builder: str
    python: str


class AssembleFailed(WarpdriveError):
    code = "images.assemble-failed"
    exit_status = 1
    hint_template = "its output is above; no image was tagged and the build container was removed"
    image: str
    status: int
    last_line: str
    script: str = "assemble"

    @property
    def message(self) -> str:
        tail = f": {self.last_line}" if self.last_line else ""
        where = "runtime image" if self.script == "assemble-runtime" else "builder"
        return f"{self.script} in {where} {self.image} failed with exit code {self.status}{tail}"


class ImageBuildFailed(WarpdriveError):
    code = "images.build-failed"
    exit_status = 1
    template = "building image {tag} failed: {detail}"
    hint_template = "the build output is above"
    tag: str
    detail: str


# --- Pushing to a registry ------------------------------------------------------------


class PushNeedsRegistry(WarpdriveError):
    code = "images.push-needs-registry"
    template = "--push: image name {image!r} does not start with a registry"
    hint_template = (
        "name the image with its registry first, as 127.0.0.1:5000/app:1.0 or "
        "registry.example.com/team/app (docker.io/USER/app for Docker Hub)"
    )
    image: str


class RegistryCredentialsHalf(WarpdriveError):
    code = "images.registry-credentials-half"
    template = "{given} is set but {missing} is not"
    hint_template = (
        "set both (export the password from a secret store, never type it on a command "
        "line), or neither to use the Docker config (docker login)"
    )
    given: str
    missing: str


class RegistryCredentialsMissing(WarpdriveError):
    code = "images.registry-credentials-missing"
    template = "{source} has no credentials for registry {registry}"
    hint_template = (
        "add an `auths` entry for {registry} (`DOCKER_CONFIG=DIR docker login {registry}` "
        "writes one in DIR/config.json), or name another file"
    )
    registry: str
    source: str


class PushDenied(WarpdriveError):
    """The registry refused the credentials, or wants some and was given none."""

    code = "images.push-denied"
    template = "registry {registry} refused {image}: {detail}"
    image: str
    registry: str
    detail: str
    source: str  # where the credentials came from, or "none: ..."
    built: bool

    @property
    def hint(self) -> str:
        if self.source.startswith("none"):
            way = (
                f"no credentials for {self.registry} were found: run `docker login "
                f"{self.registry}`, set WARPDRIVE_REGISTRY_USER and "
                "WARPDRIVE_REGISTRY_PASSWORD, or pass --registry-auth FILE"
            )
        else:
            way = f"the credentials from {self.source} were refused: correct them"
        done = (
            f"; the image is built: `docker push {self.image}` pushes it"
            if self.built
            else "; nothing was built"
        )
        return way + done


class PushFailed(WarpdriveError):
    """The registry is out of reach, or the push failed on its way."""

    code = "images.push-failed"
    exit_status = 1
    template = "pushing {image} to {registry} failed: {detail}"
    image: str
    registry: str
    detail: str
    built: bool

    @property
    def hint(self) -> str:
        way = (
            f"check that a registry runs at {self.registry} and that the Docker engine "
            "reaches it (a registry served over plain HTTP, off the loopback addresses, "
            "must be in the engine's insecure-registries)"
        )
        done = (
            f"; the image is built: `docker push {self.image}` pushes it"
            if self.built
            else "; nothing was built"
        )
        return way + done


# --- SBOM -----------------------------------------------------------------------------


class SbomFailed(WarpdriveError):
    code = "sbom.python-failed"
    exit_status = 1
    template = "could not list the packages installed for {python}: {detail}"
    hint_template = "check that `{python} -c 'import importlib.metadata'` runs"
    python: str
    detail: str


class SbomImageMissing(WarpdriveError):
    code = "sbom.image-missing"
    template = "image {image} is not in the Docker engine"
    hint_template = (
        "name an image that `docker images` lists (build one with `warpdrive s2i`), "
        "or a directory of an app built with `warpdrive build`"
    )
    image: str


class SbomNotInImage(WarpdriveError):
    code = "sbom.none-in-image"
    template = "image {image} has no SBOM: {reason}"
    hint_template = (
        "app images built with warpdrive's builder images carry one; build the image "
        "again with `warpdrive s2i` or `s2i build` and such a builder"
    )
    image: str
    reason: str
