"""`warpdrive alive` and `warpdrive ready`: the health checks a platform runs every few
seconds (Kubernetes exec probes), so they read no build record and detect nothing.

- The app's `.warpdrive/action_hooks/alive` (or `ready`), when executable, is the check:
  its exit status is the answer.
- Otherwise an HTTP GET to 127.0.0.1 on the port `warpdrive start` listens on (`PORT`,
  `WARPDRIVE_HTTP_PORT`, 8080). `alive`: the server accepted the connection and answered
  at all, whatever the status (a 500 is a live server with a broken page; restarting it
  helps nothing). `ready`: the answer's status is below 500 (a 4xx counts: Django answers
  400 to a Host it does not allow, and `/` may need a login). The paths are
  `WARPDRIVE_ALIVE_PATH` and `WARPDRIVE_READY_PATH`, `/` by default.
"""

from __future__ import annotations

import http.client
import os
from dataclasses import dataclass
from pathlib import Path

from warpdrive import context, output, proc
from warpdrive.build import hooks
from warpdrive.context import Context
from warpdrive.errors import BadSetting

PROBES = ("alive", "ready")
DEFAULT_TIMEOUT = 3.0
PATH_SETTINGS = {"alive": "WARPDRIVE_ALIVE_PATH", "ready": "WARPDRIVE_READY_PATH"}


@dataclass(frozen=True)
class Result:
    healthy: bool
    detail: str  # one line: what was checked and what it answered


def probe_path(ctx: Context, probe: str) -> str:
    setting = ctx.setting(PATH_SETTINGS[probe])
    if setting is None:
        return "/"
    if not setting.value.startswith("/") or any(c.isspace() for c in setting.value):
        raise BadSetting(setting.name, setting.value, "a URL path starting with /, such as /health")
    return setting.value


def http_check(probe: str, port: int, path: str, timeout: float) -> Result:
    url = f"http://127.0.0.1:{port}{path}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": f"warpdrive-{probe}"})
        status = conn.getresponse().status
    except TimeoutError:
        return Result(False, f"GET {url}: no answer within {timeout:g}s")
    except http.client.HTTPException as exc:
        return Result(False, f"GET {url}: not an HTTP answer ({type(exc).__name__})")
    except OSError as exc:
        return Result(False, f"GET {url}: {exc.strerror or exc}")
    finally:
        conn.close()
    healthy = probe == "alive" or status < 500
    return Result(healthy, f"GET {url} answered {status}")


def hook_check(ctx: Context, probe: str, path: Path) -> Result:
    """The app's own check; its output goes to stderr, which the platform shows when
    the probe fails."""
    env = hooks.hook_environ(ctx, ctx.app_root, probe)
    returncode = proc.run_passthrough([str(path)], env, ctx.app_home)
    return Result(returncode == 0, f"hook {path} exited with {returncode}")


def check(probe: str, src: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT) -> Result:
    ctx = context.resolve(src)
    path = hooks.hook_path(ctx, probe)
    if path.is_file():
        if os.access(path, os.X_OK):
            return hook_check(ctx, probe, path)
        output.warn(
            f"hook {probe} ({path}) is not executable, so the HTTP check ran instead;"
            f" run: chmod +x {path}"
        )
    return http_check(probe, probe_port(ctx), probe_path(ctx, probe), timeout)


def probe_port(ctx: Context) -> int:
    """The port `start` listens on: PORT and the rest of its rules; with none set, the
    literal `bind` of the gunicorn config the app names (APP_CONFIG, else its
    gunicorn.conf.py), which `start` then leaves the server to use."""
    # Here, not at the top: only the HTTP check needs the port rules.
    from warpdrive.serve.launch import resolve_port
    from warpdrive.serve.servers.gunicorn import sets_bind

    port, source = resolve_port(ctx)
    if source != "the default":
        return port
    for name in (ctx.environ.get("APP_CONFIG"), "gunicorn.conf.py"):
        config = ctx.app_home / name if name else None
        if config is not None and config.is_file():
            _, bound = sets_bind(config)
            return bound or port
    return port
