"""Every error class renders the same one-line message, hint, code and exit status
for the same arguments: the table below was written out from the hand-written classes
before they became templates, so the declarative form changes no word users see."""

# ruff: noqa: E501 (the rendered lines are compared whole)

from __future__ import annotations

import re
from pathlib import Path

import pytest

import warpdrive
from warpdrive import errors

# Constructor parameters, in order, of every class: `raise X(a, b)` and `X(name=...)`
# call sites depend on both.
PARAMETERS = {
    "NoAppFound": ("app_home", "looked_for"),
    "ExplicitAppMissing": ("setting", "value", "path"),
    "ModeNotMatched": ("mode", "source", "app_home", "needs"),
    "BadSetting": ("name", "value", "expected"),
    "BadConfigFile": ("path", "detail", "fix"),
    "SettingsImportFailed": ("module", "python", "exception", "output"),
    "SourceNotDirectory": ("path",),
    "WorkingDirectoryGone": ("pwd",),
    "InvalidEnvName": ("name",),
    "EnvNotFound": ("name", "home"),
    "NoActiveEnv": (),
    "EnvIsActive": ("name",),
    "PythonNotFound": ("python", "source"),
    "PythonUnavailable": ("wanted", "source", "found"),
    "CommandFailed": ("what", "argv", "returncode", "detail"),
    "CommandNotFound": ("command", "path"),
    "SeveralDependencyFormats": ("app_home", "files"),
    "DependencyFileMissing": ("setting", "value", "app_home"),
    "PipfileNotLocked": ("app_home",),
    "ConflictingSettings": ("first", "second"),
    "InstallFailed": ("installer", "source", "summary", "trouble"),
    "HookFailed": ("name", "path", "returncode"),
    "EntryPointError": ("target", "source", "problem"),
    "EntryModuleMissing": ("target", "source", "problem", "app_home"),
    "EntryAttributeMissing": ("target", "source", "problem"),
    "EntryNotCallable": ("target", "source", "problem"),
    "FactoryNotCalled": ("target", "source", "problem"),
    "InterfaceMismatch": ("target", "source", "problem", "server", "interface"),
    "BuildLocked": ("app_root",),
    "DependenciesChanged": ("app_root", "changed"),
    "ServerNotInstallable": ("server", "source", "reason", "fix"),
    "NotBuilt": ("app_root",),
    "PortInUse": ("port", "source"),
    "SocketPathTooLong": ("directory",),
    "UnreadableForRunUser": ("user", "path", "what"),
    "UnwritableForRunUser": ("user", "path", "what", "reason"),
    "NoRunUser": ("user", "source"),
    "EngineUnreachable": ("where", "detail"),
    "EngineFailed": ("step", "detail"),
    "BuilderImageMissing": ("image", "python", "role"),
    "RuntimeInputsMissing": ("image",),
    "NoBuilderForPython": ("wanted", "source", "builders", "versions"),
    "RuntimePythonMismatch": ("runtime", "runtime_python", "builder", "python"),
    "AssembleFailed": ("image", "status", "last_line", "script"),
    "ImageBuildFailed": ("tag", "detail"),
    "ServerNotInstalled": ("server", "missing", "built"),
    "ServerCannotStart": ("server", "source", "reason", "fix"),
    "ServerWrongInterface": ("server", "source", "interface", "able"),
    "PushNeedsRegistry": ("image",),
    "RegistryCredentialsHalf": ("given", "missing"),
    "RegistryCredentialsMissing": ("registry", "source"),
    "PushDenied": ("image", "registry", "detail", "source", "built"),
    "PushFailed": ("image", "registry", "detail", "built"),
    "SbomFailed": ("python", "detail"),
    "SbomImageMissing": ("image",),
    "SbomNotInImage": ("image", "reason"),
}

# (class, arguments, code, exit status, message, hint)
RENDERED = [
    (
        "NoAppFound",
        (
            Path("/srv/app"),
            ["wsgi.py", "app.py", "manage.py"],
        ),
        "detect.none-found",
        2,
        "no application found in /srv/app (looked for: wsgi.py, app.py, manage.py)",
        "add one of those files; or set APP_MODULE=module:callable (APP_MODULE=module means module:application), WARPDRIVE_PASTE_INI=FILE for a Paste Deploy file not named production.ini or paste.ini, or WARPDRIVE_DEPLOY_MODE=shell|python|django|paste|wsgi; or point WARPDRIVE_APP_HOME (APP_HOME) at the subdirectory that holds the app",
    ),
    (
        "ExplicitAppMissing",
        (
            "APP_MODULE",
            "web:app",
            Path("/srv/app/web.py"),
        ),
        "detect.explicit-missing",
        2,
        "APP_MODULE=web:app but /srv/app/web.py does not exist",
        "create web.py or correct APP_MODULE",
    ),
    (
        "ModeNotMatched",
        (
            "django",
            "WARPDRIVE_DEPLOY_MODE",
            Path("/srv/app"),
            "manage.py",
        ),
        "detect.mode-not-matched",
        2,
        "WARPDRIVE_DEPLOY_MODE is 'django' but /srv/app has no manage.py",
        "add manage.py, or set WARPDRIVE_DEPLOY_MODE to auto to let warpdrive detect the app",
    ),
    (
        "BadSetting",
        (
            "WEB_CONCURRENCY",
            "lots",
            "a whole number from 1 to 64",
        ),
        "config.bad-value",
        2,
        "WEB_CONCURRENCY='lots' is not valid",
        "use a whole number from 1 to 64",
    ),
    (
        "BadConfigFile",
        (
            Path("/srv/app/pyproject.toml"),
            "line 3: bad key",
            "fix the TOML",
        ),
        "config.bad-file",
        2,
        "cannot read /srv/app/pyproject.toml: line 3: bad key",
        "fix the TOML",
    ),
    (
        "SettingsImportFailed",
        (
            "mysite.settings",
            "/env/bin/python",
            "ImportError: no x",
            "Traceback...",
        ),
        "detect.django-settings",
        2,
        "Django settings module 'mysite.settings' failed to import: ImportError: no x",
        "fix the settings so `/env/bin/python -c 'import mysite.settings'` works in the app home",
    ),
    (
        "SourceNotDirectory",
        (Path("/srv/app/file.txt"),),
        "source.not-a-directory",
        2,
        "source path /srv/app/file.txt is not a directory",
        "pass the directory that holds the application's code",
    ),
    (
        "WorkingDirectoryGone",
        ("/srv/gone",),
        "source.cwd-gone",
        2,
        "the current directory /srv/gone no longer exists (it was deleted or moved)",
        "cd to an existing directory (the app's source directory) and run the command again",
    ),
    (
        "WorkingDirectoryGone",
        (None,),
        "source.cwd-gone",
        2,
        "the current directory no longer exists (it was deleted or moved)",
        "cd to an existing directory (the app's source directory) and run the command again",
    ),
    (
        "InvalidEnvName",
        ("-bad name",),
        "env.invalid-name",
        2,
        "invalid environment name '-bad name'",
        "use only letters, digits, '.', '_' and '-' (not starting with '.' or '-')",
    ),
    (
        "EnvNotFound",
        (
            "myapp",
            Path("/root/.warpdrive"),
        ),
        "env.not-found",
        2,
        "no environment named 'myapp' under /root/.warpdrive",
        "`warpdrive list` shows the environments; `warpdrive activate NAME` creates one",
    ),
    (
        "NoActiveEnv",
        (),
        "env.none-active",
        2,
        "no warpdrive environment is active and none was named",
        'run `eval "$(warpdrive activate NAME)"` first, or pass --env NAME',
    ),
    (
        "EnvIsActive",
        ("myapp",),
        "env.is-active",
        2,
        "refusing to destroy 'myapp': it is the active environment",
        "run `deactivate` first, then `warpdrive destroy myapp`",
    ),
    (
        "PythonNotFound",
        (
            "python3.99",
            "--python",
        ),
        "env.python-not-found",
        2,
        "Python 'python3.99' (from --python) was not found",
        "install that Python or pass --python with a path or a name on PATH",
    ),
    (
        "PythonUnavailable",
        (">=3.99", "pyproject.toml's requires-python", "3.11, 3.12"),
        "env.python-unavailable",
        2,
        "pyproject.toml's requires-python asks for Python >=3.99 but none is available "
        "(found: 3.11, 3.12)",
        "install it as pythonX.Y on PATH, or pass --python with a path or a name",
    ),
    (
        "CommandFailed",
        (
            "collectstatic",
            ["python", "manage.py", "collectstatic"],
            3,
            "no STATIC_ROOT",
        ),
        "step.failed",
        1,
        "collectstatic failed with exit code 3: no STATIC_ROOT",
        "the command's output is above; the command was: python manage.py collectstatic",
    ),
    (
        "CommandFailed",
        (
            "creating the virtualenv",
            ["uv", "venv", "/x"],
            1,
        ),
        "step.failed",
        1,
        "creating the virtualenv failed with exit code 1",
        "the command's output is above; the command was: uv venv /x",
    ),
    (
        "CommandNotFound",
        (
            "flask",
            "/env/bin:/usr/bin",
        ),
        "exec.not-found",
        127,
        "command not found in the environment or on PATH: 'flask'",
        "install it into the environment (pip install …) or give its full path",
    ),
    (
        "SeveralDependencyFormats",
        (
            Path("/srv/app"),
            ["requirements.txt", "Pipfile.lock"],
        ),
        "deps.several-formats",
        2,
        "requirements.txt and Pipfile.lock are both in /srv/app: warpdrive cannot tell which to install",
        'set WARPDRIVE_DEPENDENCIES=requirements.txt (or dependencies = "requirements.txt" in [tool.warpdrive]) to choose one, or delete the stale file',
    ),
    (
        "DependencyFileMissing",
        (
            "WARPDRIVE_DEPENDENCIES",
            "reqs.txt",
            Path("/srv/app"),
        ),
        "deps.file-missing",
        2,
        "WARPDRIVE_DEPENDENCIES=reqs.txt but /srv/app/reqs.txt does not exist",
        "correct the setting, or use one of requirements.txt, Pipfile.lock, poetry.lock, uv.lock, pyproject.toml, setup.py, none",
    ),
    (
        "PipfileNotLocked",
        (Path("/srv/app"),),
        "deps.pipfile-not-locked",
        2,
        "/srv/app/Pipfile has no Pipfile.lock beside it",
        "run `pipenv lock` and commit Pipfile.lock (warpdrive installs exactly what it pins)",
    ),
    (
        "ConflictingSettings",
        (
            "APP_MODULE",
            "WARPDRIVE_DEPLOY_MODE=django",
        ),
        "config.conflict",
        2,
        "APP_MODULE and WARPDRIVE_DEPLOY_MODE=django are both set, and they cannot be combined",
        "unset one of them (in .s2i/environment, .warpdrive/environment or the environment)",
    ),
    (
        "InstallFailed",
        (
            "pip",
            "requirements.txt",
            "No matching distribution for x",
        ),
        "deps.install-failed",
        1,
        "installing requirements.txt with pip failed: No matching distribution for x",
        "the installer's output is above; the previous environment is unchanged and usable",
    ),
    (
        "InstallFailed",
        (
            "uv",
            "requirements.txt",
            "certificate verify failed",
            "tls",
        ),
        "deps.install-failed",
        1,
        "installing requirements.txt with uv failed: certificate verify failed",
        "the package index's certificate is not trusted: set SSL_CERT_FILE or PIP_CERT to the CA bundle of your proxy or index, or add that CA to the system's store (WARPDRIVE_UV=none installs with pip instead); the previous environment is unchanged and usable",
    ),
    (
        "InstallFailed",
        (
            "pip",
            "requirements.txt",
            "certificate verify failed",
            "tls",
        ),
        "deps.install-failed",
        1,
        "installing requirements.txt with pip failed: certificate verify failed",
        "the package index's certificate is not trusted: set SSL_CERT_FILE or PIP_CERT to the CA bundle of your proxy or index, or add that CA to the system's store; the previous environment is unchanged and usable",
    ),
    (
        "InstallFailed",
        (
            "pip wheel",
            "x y",
            "connection refused",
            "connection",
        ),
        "deps.install-failed",
        1,
        "installing x y with pip wheel failed: connection refused",
        "the package index could not be reached: check PIP_INDEX_URL and the network (behind a proxy, set HTTPS_PROXY); the previous environment is unchanged and usable",
    ),
    (
        "HookFailed",
        (
            "pre-build",
            Path("/srv/app/.warpdrive/action_hooks/pre-build"),
            4,
        ),
        "hook.failed",
        1,
        "hook pre-build (/srv/app/.warpdrive/action_hooks/pre-build) failed with exit code 4",
        "its output is above; nothing after the hook ran (a failed build leaves the previous environment as it was)",
    ),
    (
        "BuildLocked",
        (Path("/root/.warpdrive/myapp"),),
        "build.locked",
        2,
        "another warpdrive build is running in /root/.warpdrive/myapp",
        "wait for it to finish, then build again",
    ),
    (
        "DependenciesChanged",
        (Path("/opt/app-root"), "dependencies changed"),
        "build.dependencies-changed",
        3,
        "--no-install: the environment in /opt/app-root cannot be reused (dependencies changed)",
        "build without --no-install to install into a new environment",
    ),
    (
        "ServerNotInstallable",
        (
            "mod_wsgi",
            "WARPDRIVE_SERVER_TYPE",
            "no apxs",
            "apt-get install apache2-dev",
        ),
        "server.not-installable",
        2,
        "server mod_wsgi (from WARPDRIVE_SERVER_TYPE) cannot be installed: no apxs",
        "apt-get install apache2-dev",
    ),
    (
        "NotBuilt",
        (Path("/root/.warpdrive/myapp"),),
        "start.not-built",
        2,
        "the app has not been built yet: no build record in /root/.warpdrive/myapp",
        "run `warpdrive build` first",
    ),
    (
        "PortInUse",
        (
            8080,
            "--port",
        ),
        "start.port-in-use",
        2,
        "port 8080 (from --port) is already in use",
        "stop what listens there, or choose another port with --port or PORT",
    ),
    (
        "SocketPathTooLong",
        (Path("/very/long/path"),),
        "start.socket-path-too-long",
        2,
        "mod_wsgi's daemon sockets would go in /very/long/path, whose path is too long for a Unix socket (108 bytes); Apache would answer every request with 503",
        "set MOD_WSGI_SOCKET_PREFIX to a short path (say /tmp/myapp-wsgi), or use a shorter WARPDRIVE_HOME",
    ),
    (
        "UnreadableForRunUser",
        (
            "www-data",
            Path("/root/app"),
            "the app's source",
        ),
        "start.unreadable",
        2,
        "user www-data, whom mod_wsgi runs the app as, cannot read the app's source /root/app",
        "make /root/app and its parent directories readable by www-data, set WARPDRIVE_RUN_USER to a user who can read them, or recreate the environment on a system Python (warpdrive destroy NAME, then warpdrive activate NAME --python /usr/bin/python3)",
    ),
    (
        "UnwritableForRunUser",
        (
            "www-data",
            Path("/srv/app/db.sqlite3"),
            "the SQLite database",
            "read-only file system",
        ),
        "start.unwritable",
        2,
        "user www-data, whom mod_wsgi runs the app as, cannot write the SQLite database /srv/app/db.sqlite3: read-only file system",
        "make /srv/app/db.sqlite3 writable by www-data (chown www-data /srv/app/db.sqlite3) and its parent directories searchable by www-data, move it where www-data can write, or set WARPDRIVE_RUN_USER to a user who can write it",
    ),
    (
        "NoRunUser",
        (
            "nobody2",
            "WARPDRIVE_RUN_USER",
        ),
        "start.no-run-user",
        2,
        "user 'nobody2' (from WARPDRIVE_RUN_USER) does not exist",
        "set WARPDRIVE_RUN_USER to an existing unprivileged user for mod_wsgi to run as",
    ),
    (
        "EngineUnreachable",
        (
            "unix:///var/run/docker.sock",
            "connection refused",
        ),
        "images.engine-unreachable",
        2,
        "cannot reach the Docker engine at unix:///var/run/docker.sock: connection refused",
        "start the engine (dockerd), or point DOCKER_HOST at a running one",
    ),
    (
        "EngineFailed",
        (
            "running assemble",
            "connection reset",
        ),
        "images.engine-failed",
        1,
        "the Docker engine failed while running assemble: connection reset",
        "no image was tagged; once the engine runs (`docker info`), run the same command again (`docker container prune` removes a build container left behind)",
    ),
    (
        "BuilderImageMissing",
        (
            "warpdrive-python:latest",
            "3.11",
        ),
        "images.builder-missing",
        2,
        "builder image warpdrive-python:latest is not in the Docker engine",
        "build it with `warpdrive builder build --python 3.11 --tag warpdrive-python`",
    ),
    (
        "BuilderImageMissing",
        (
            "warpdrive-python-runtime:latest",
            "3.12",
            "runtime",
        ),
        "images.builder-missing",
        2,
        "runtime image warpdrive-python-runtime:latest is not in the Docker engine",
        "build it with `warpdrive builder build --python 3.12 --tag warpdrive-python` (builds both the builder and its -runtime image)",
    ),
    (
        "RuntimeInputsMissing",
        ("myruntime:latest",),
        "images.runtime-inputs-missing",
        2,
        "runtime image myruntime:latest does not say what to copy from the builder (label io.openshift.s2i.assemble-input-files)",
        "use a runtime image made by `warpdrive builder build` (NAME-runtime)",
    ),
    (
        "NoBuilderForPython",
        ("3.9", ".python-version", "warpdrive-python-3.11, warpdrive-python-3.13", "3.11 or 3.13"),
        "images.no-builder-for-python",
        2,
        ".python-version asks for Python 3.9, which no builder image has (builders: warpdrive-python-3.11, warpdrive-python-3.13)",
        "ask for Python 3.11 or 3.13, or pass --builder with an image of your own",
    ),
    (
        "RuntimePythonMismatch",
        ("warpdrive-python-3.11-runtime", "3.11", "warpdrive-python-3.13", "3.13"),
        "images.runtime-python-mismatch",
        2,
        "runtime image warpdrive-python-3.11-runtime has Python 3.11, builder warpdrive-python-3.13 has 3.13",
        "use the builder's own runtime image, warpdrive-python-3.13-runtime, or --runtime-image auto",
    ),
    (
        "AssembleFailed",
        (
            "warpdrive-python:latest",
            2,
            "pip failed",
        ),
        "images.assemble-failed",
        1,
        "assemble in builder warpdrive-python:latest failed with exit code 2: pip failed",
        "its output is above; no image was tagged and the build container was removed",
    ),
    (
        "AssembleFailed",
        (
            "warpdrive-python-runtime:latest",
            1,
            "",
            "assemble-runtime",
        ),
        "images.assemble-failed",
        1,
        "assemble-runtime in runtime image warpdrive-python-runtime:latest failed with exit code 1",
        "its output is above; no image was tagged and the build container was removed",
    ),
    (
        "ImageBuildFailed",
        (
            "warpdrive-python:latest",
            "step 3 failed",
        ),
        "images.build-failed",
        1,
        "building image warpdrive-python:latest failed: step 3 failed",
        "the build output is above",
    ),
    (
        "ServerNotInstalled",
        (
            "uvicorn",
            "it is not in the app's environment (no uvicorn)",
        ),
        "start.server-not-installed",
        2,
        "server uvicorn cannot start: it is not in the app's environment (no uvicorn)",
        "run `warpdrive build --server uvicorn` first",
    ),
    (
        "ServerNotInstalled",
        (
            "gunicorn",
            "whitenoise is missing",
            "gunicorn",
        ),
        "start.server-not-installed",
        2,
        "server gunicorn cannot start: whitenoise is missing",
        "run `warpdrive build --server gunicorn` first",
    ),
    (
        "ServerNotInstalled",
        (
            "mod_wsgi",
            "it is not installed",
            "gunicorn",
        ),
        "start.server-not-installed",
        2,
        "server mod_wsgi cannot start: it is not installed",
        "run `warpdrive build --server mod_wsgi` first, or start gunicorn, the server the last build installed",
    ),
    (
        "EntryPointError",
        ("app:make()", "env APP_MODULE", "it returned NoneType, not an application"),
        "build.entry-point",
        2,
        "entry point app:make() (env APP_MODULE): it returned NoneType, not an application",
        "the factory must return the application",
    ),
    (
        "EntryModuleMissing",
        ("web:app", "env APP_MODULE", "No module named 'web'", Path("/srv/app")),
        "build.entry-module-missing",
        2,
        "entry point web:app (env APP_MODULE): its module cannot be imported "
        "(No module named 'web')",
        "correct the module's name, or add it under /srv/app",
    ),
    (
        "EntryAttributeMissing",
        ("web:app", "env APP_MODULE", "web has no 'app'"),
        "build.entry-attribute-missing",
        2,
        "entry point web:app (env APP_MODULE): web has no 'app'",
        "name the app object the module defines, as module:callable",
    ),
    (
        "EntryNotCallable",
        ("web:settings", "env APP_MODULE", "it is dict"),
        "build.entry-not-callable",
        2,
        "entry point web:settings (env APP_MODULE) is not callable: it is dict",
        "name the application object, or an app factory with its call: module:create_app()",
    ),
    (
        "FactoryNotCalled",
        ("flaskr:create_app", "env APP_MODULE", "flaskr:create_app()"),
        "build.factory-not-called",
        2,
        "entry point flaskr:create_app (env APP_MODULE) is an app factory, not an app: "
        "every request would fail",
        "name it with its call, as flaskr:create_app()",
    ),
    (
        "InterfaceMismatch",
        ("main:app", "env APP_MODULE", "ASGI", "gunicorn", "wsgi"),
        "build.interface-mismatch",
        2,
        "entry point main:app (env APP_MODULE) is an ASGI application, but gunicorn would "
        "serve it as WSGI",
        "set WARPDRIVE_INTERFACE=asgi so that warpdrive serves it as ASGI, with a server "
        "that runs ASGI applications",
    ),
    (
        "ServerCannotStart",
        (
            "mod_wsgi",
            "auto",
            "Apache is missing",
            "apt-get install apache2",
        ),
        "start.server-cannot-start",
        2,
        "server mod_wsgi (from auto) cannot start: Apache is missing",
        "apt-get install apache2",
    ),
    (
        "ServerWrongInterface",
        ("waitress", "--server", "ASGI", "gunicorn, uvicorn"),
        "server.wrong-interface",
        2,
        "server waitress (from --server) cannot run ASGI apps; gunicorn, uvicorn can",
        "choose one of them with --server or WARPDRIVE_SERVER_TYPE, or leave the server to auto",
    ),
    (
        "PushNeedsRegistry",
        ("myapp:1.0",),
        "images.push-needs-registry",
        2,
        "--push: image name 'myapp:1.0' does not start with a registry",
        "name the image with its registry first, as 127.0.0.1:5000/app:1.0 or registry.example.com/team/app (docker.io/USER/app for Docker Hub)",
    ),
    (
        "RegistryCredentialsHalf",
        ("WARPDRIVE_REGISTRY_USER", "WARPDRIVE_REGISTRY_PASSWORD"),
        "images.registry-credentials-half",
        2,
        "WARPDRIVE_REGISTRY_USER is set but WARPDRIVE_REGISTRY_PASSWORD is not",
        "set both (export the password from a secret store, never type it on a command line), or neither to use the Docker config (docker login)",
    ),
    (
        "RegistryCredentialsMissing",
        ("127.0.0.1:5000", "--registry-auth ci.json"),
        "images.registry-credentials-missing",
        2,
        "--registry-auth ci.json has no credentials for registry 127.0.0.1:5000",
        "add an `auths` entry for 127.0.0.1:5000 (`DOCKER_CONFIG=DIR docker login 127.0.0.1:5000` writes one in DIR/config.json), or name another file",
    ),
    (
        "PushDenied",
        (
            "127.0.0.1:5000/app:1",
            "127.0.0.1:5000",
            "no basic auth credentials",
            "none (/root/.docker/config.json has no entry for 127.0.0.1:5000)",
            False,
        ),
        "images.push-denied",
        2,
        "registry 127.0.0.1:5000 refused 127.0.0.1:5000/app:1: no basic auth credentials",
        "no credentials for 127.0.0.1:5000 were found: run `docker login 127.0.0.1:5000`, set WARPDRIVE_REGISTRY_USER and WARPDRIVE_REGISTRY_PASSWORD, or pass --registry-auth FILE; nothing was built",
    ),
    (
        "PushDenied",
        (
            "127.0.0.1:5000/app:1",
            "127.0.0.1:5000",
            "unauthorized: authentication required",
            "/root/.docker/config.json",
            True,
        ),
        "images.push-denied",
        2,
        "registry 127.0.0.1:5000 refused 127.0.0.1:5000/app:1: unauthorized: authentication required",
        "the credentials from /root/.docker/config.json were refused: correct them; the image is built: `docker push 127.0.0.1:5000/app:1` pushes it",
    ),
    (
        "PushFailed",
        ("127.0.0.1:5000/app:1", "127.0.0.1:5000", "connection refused", False),
        "images.push-failed",
        1,
        "pushing 127.0.0.1:5000/app:1 to 127.0.0.1:5000 failed: connection refused",
        "check that a registry runs at 127.0.0.1:5000 and that the Docker engine reaches it (a registry served over plain HTTP, off the loopback addresses, must be in the engine's insecure-registries); nothing was built",
    ),
    (
        "SbomFailed",
        ("/opt/app-root/bin/python", "No module named 'importlib.metadata'"),
        "sbom.python-failed",
        1,
        "could not list the packages installed for /opt/app-root/bin/python: No module named 'importlib.metadata'",
        "check that `/opt/app-root/bin/python -c 'import importlib.metadata'` runs",
    ),
    (
        "SbomImageMissing",
        ("myapp:1.0",),
        "sbom.image-missing",
        2,
        "image myapp:1.0 is not in the Docker engine",
        "name an image that `docker images` lists (build one with `warpdrive s2i`), or a directory of an app built with `warpdrive build`",
    ),
    (
        "SbomNotInImage",
        ("debian:bookworm-slim", "it has no label io.warpdrive.sbom"),
        "sbom.none-in-image",
        2,
        "image debian:bookworm-slim has no SBOM: it has no label io.warpdrive.sbom",
        "app images built with warpdrive's builder images carry one; build the image again with `warpdrive s2i` or `s2i build` and such a builder",
    ),
]


def error_classes() -> dict[str, type[errors.WarpdriveError]]:
    return {
        name: value
        for name, value in vars(errors).items()
        if isinstance(value, type)
        and issubclass(value, errors.WarpdriveError)
        and value is not errors.WarpdriveError
    }


def test_the_table_covers_every_class():
    assert set(error_classes()) == set(PARAMETERS) == {row[0] for row in RENDERED}


@pytest.mark.parametrize(("name", "args", "code", "status", "message", "hint"), RENDERED)
def test_renders_as_before(name, args, code, status, message, hint):
    exc = error_classes()[name](*args)
    assert (exc.code, exc.exit_status, exc.message, exc.hint) == (code, status, message, hint)
    assert str(exc) == message
    # The same arguments by keyword, and every argument kept under its own name.
    by_name = dict(zip(PARAMETERS[name][: len(args)], args, strict=True))
    again = error_classes()[name](**by_name)
    assert (again.message, again.hint) == (message, hint)
    for key, value in by_name.items():
        assert getattr(exc, key) == value


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_wrong_arguments_are_a_type_error(name):
    cls = error_classes()[name]
    with pytest.raises(TypeError):
        cls(*range(len(PARAMETERS[name]) + 1))
    if PARAMETERS[name]:
        with pytest.raises(TypeError):
            cls(no_such_argument=1)


def test_codes_are_unique():
    codes = [cls.code for cls in error_classes().values()]
    assert len(codes) == len(set(codes))


def test_every_class_is_raised_somewhere():
    """A class nothing raises is dead prose: remove it rather than keep it in step."""
    package = Path(warpdrive.__file__).parent
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in package.rglob("*.py")
        if path.name != "errors.py"
    )
    for name in error_classes():
        assert re.search(rf"raise {name}\(", source), name
