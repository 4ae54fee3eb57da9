"""The app as `twist web --class warpdrive_twisted.Root` serves it.

`twist web --wsgi` would run the app in a thread pool of its own making, of a fixed
size, which it stops after the reactor without waiting for the requests in flight (and
then waits forever for a thread that still has a response to write). `Root` is the same
WSGI resource around the app from warpdrive_wsgi (static files by WhiteNoise, a Paste
Deploy ini, an app factory) with a pool warpdrive sizes, WARPDRIVE_TWISTED_THREADS
threads, and a graceful stop: on SIGTERM twist stops listening, and a "before shutdown"
trigger here holds the shutdown until the pool has no work and the responses are
written, at most WARPDRIVE_TWISTED_GRACEFUL_SECONDS (default 8); a process still there
2 s later exits at once.

This file runs in the app's environment and imports nothing from warpdrive.
"""

import os
import threading
import time
import weakref

from twisted.internet import reactor, task, tcp
from twisted.logger import Logger
from twisted.python import log as legacy_log
from twisted.python.threadpool import ThreadPool
from twisted.web.wsgi import WSGIResource
from warpdrive_wsgi import application

__all__ = ["Root", "application"]

log = Logger(namespace="warpdrive")
grace_seconds = float(os.environ.get("WARPDRIVE_TWISTED_GRACEFUL_SECONDS") or 8)
pool = ThreadPool(0, int(os.environ.get("WARPDRIVE_TWISTED_THREADS") or 10), "warpdrive-wsgi")
sites = weakref.WeakSet()  # the sites serving Root, for their access log


class Root(WSGIResource):
    """The app as the root resource of the site (`twist web --class`)."""

    def __init__(self):
        super().__init__(reactor, pool, application)

    def render(self, request):
        sites.add(request.site)
        return super().render(request)


def busy():
    """Whether a request is still being answered: the app runs in a pool thread, or a
    finished response is still being written to its connection."""
    stats = pool._team.statistics()
    if stats.busyWorkerCount or stats.backloggedWorkCount:
        return True
    return any(isinstance(w, tcp.Server) for w in reactor.getWriters())


def hard_exit():
    time.sleep(grace_seconds + 2)
    os._exit(0)


def wait_for_requests():
    log.info("graceful stop: waiting up to {seconds}s for requests", seconds=grace_seconds)
    # A pool thread that never returns keeps the reactor from ever stopping.
    threading.Thread(target=hard_exit, name="warpdrive-hard-exit", daemon=True).start()
    deadline = time.monotonic() + grace_seconds

    def check(loop):
        for site in sites:
            # The site closed its access log when it stopped listening; the requests
            # still answered get their line too.
            if site._logFile is None and not site.logPath:
                site._logFile = legacy_log.logfile
        if not busy():
            loop.stop()
        elif time.monotonic() > deadline:
            log.warn("graceful stop: timed out, dropping the requests still in flight")
            loop.stop()

    loop = task.LoopingCall(lambda: check(loop))
    return loop.start(0.05, now=False)


reactor.callWhenRunning(pool.start)
reactor.addSystemEventTrigger("before", "shutdown", wait_for_requests)
reactor.addSystemEventTrigger("after", "shutdown", pool.stop)
