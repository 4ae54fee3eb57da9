"""uWSGI: HTTP on its own socket, its own static-file mapping, a graceful stop on
SIGTERM."""

from __future__ import annotations

from warpdrive import resources
from warpdrive.serve.servers.base import GRACEFUL_SECONDS, WRAPPER, Launch, Server


class Uwsgi(Server):
    name = "uwsgi"
    rank = 3
    requirements = ("uwsgi==2.0.31",)
    executable = "uwsgi"
    serves_static = True

    def arguments(self, launch: Launch) -> list[str]:
        spec, size = launch.spec, launch.sized
        args = [
            "--http-socket",
            f"0.0.0.0:{launch.port}",
            "--master",
            "--die-on-term",
            # --die-on-term alone drops requests in flight: make SIGTERM a graceful stop
            # of the workers, bounded by --worker-reload-mercy, after which uwsgi exits.
            "--hook-master-start",
            "unix_signal:15 grace_them_all",
            "--exit-on-reload",
            "--processes",
            str(size.processes),
            "--threads",
            str(size.threads),
            "--chdir",
            str(spec.app_home),
            "--need-app",
            "--enable-threads",
            "--worker-reload-mercy",
            str(GRACEFUL_SECONDS),
            "--log-x-forwarded-for",
            # uwsgi's --http-socket closes the connection after every response but answers
            # HTTP/1.1 without saying so: a client that reuses the connection gets a
            # closed socket. Saying it makes clients open a new one.
            "--add-header",
            "Connection: close",
        ]
        if self.wraps(spec):
            wrapper_dir = resources.data_dir("server-scripts") / "wsgi"
            args += ["--pythonpath", str(wrapper_dir), "--module", WRAPPER]
        elif spec.kind == "paste":
            args += ["--paste", f"config:{spec.entry_path}"]
        else:
            args += ["--module", f"{spec.module}:{spec.callable}"]
        for mount in spec.static:
            args += ["--static-map", f"{mount.url.rstrip('/')}={mount.directory}"]
        return args


SERVER = Uwsgi()
