"""`waitress-serve` with a graceful stop: run by start-waitress in place of it.

waitress handles no signals itself: on SIGTERM its process dies and drops the
requests in flight. This runs waitress's own command line (same arguments) with
a serve loop that, on SIGTERM or SIGINT, stops listening, lets the requests in
flight and queued finish (at most --graceful-timeout seconds, default 8), then
exits 0. It runs in the server's own process: nothing stays in between.

It also sums up waitress's queue warnings: waitress logs "Task queue depth is N" for
every request that arrives while all its threads are busy, which under load is a line
for nearly every request. Here the first such warning is logged as it comes, and the
later ones as one line every --queue-warning-seconds (default 10; 0 logs each one).

It uses waitress internals (the runner's `_serve` hook, the socket map, the task
dispatcher), so warpdrive pins the waitress version it installs.
"""

import contextlib
import logging
import signal
import socket
import sys
import time

from waitress import create_server, runner, wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer

log = logging.getLogger("waitress")
grace_seconds = 8.0
queue_warning_seconds = 10.0


class Wakeup(wasyncore.dispatcher):
    """The read end of the signal wakeup socket: a signal ends select() at once."""

    def readable(self):
        return True

    def writable(self):
        return False

    def handle_read(self):
        with contextlib.suppress(OSError):
            self.recv(4096)


class QueueWarnings:
    """Stands in for the task dispatcher's queue logger, the one waitress calls with
    ("Task queue depth is %d", depth) from its main thread each time a request waits
    for a thread. Logs the first warning, then at most one line every `every` seconds
    with the deepest queue and how many requests waited since the line before."""

    def __init__(self, logger, threads, every, clock=time.monotonic):
        self.logger, self.threads, self.every, self.clock = logger, threads, every, clock
        self.last = None
        self.waited = 0
        self.deepest = 0

    def warning(self, message, depth=0, *args):
        self.waited += 1
        self.deepest = max(self.deepest, depth)
        now = self.clock()
        if self.last is not None and now - self.last < self.every:
            return
        if self.last is None:
            self.logger.warning(
                "Task queue depth is %d: all %d threads are busy (more: WARPDRIVE_THREADS); "
                "further queue warnings are summed up every %gs",
                depth,
                self.threads,
                self.every,
            )
        else:
            waited = f"{self.waited} request{'s' if self.waited != 1 else ''}"
            self.logger.warning(
                "Task queue depth was up to %d in the last %.0fs: %s waited for one of "
                "the %d threads",
                self.deepest,
                now - self.last,
                waited,
                self.threads,
            )
        self.last, self.waited, self.deepest = now, 0, 0

    def __getattr__(self, name):
        return getattr(self.logger, name)


def busy(socket_map, dispatcher):
    return bool(dispatcher.queue) or any(
        isinstance(c, HTTPChannel) and (c.requests or c.total_outbufs_len)
        for c in list(socket_map.values())
    )


def graceful_serve(app, **kw):
    logging.basicConfig()
    server = create_server(app, **kw)
    server.print_listen("Serving on http://{}:{}")
    socket_map = server.map if isinstance(server, MultiSocketServer) else server._map
    dispatcher = server.task_dispatcher
    if queue_warning_seconds > 0:
        dispatcher.queue_logger = QueueWarnings(
            dispatcher.queue_logger, server.adj.threads, queue_warning_seconds
        )

    read_end, write_end = socket.socketpair()
    read_end.setblocking(False)
    write_end.setblocking(False)
    Wakeup(read_end, map=socket_map)
    signal.set_wakeup_fd(write_end.fileno(), warn_on_full_buffer=False)
    stopping = []

    def on_signal(signum, frame):
        if not stopping:
            stopping.append(time.monotonic())

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    listening = True
    while True:
        timeout = 0.1 if stopping else server.adj.asyncore_loop_timeout
        wasyncore.loop(
            timeout=timeout, map=socket_map, use_poll=server.adj.asyncore_use_poll, count=1
        )
        if not stopping:
            continue
        if listening:
            log.info(
                "graceful stop: no new connections; waiting up to %ss for requests", grace_seconds
            )
            for obj in list(socket_map.values()):
                if isinstance(obj, BaseWSGIServer):
                    # The dispatcher's close, not the server's: the server's would
                    # also close the trigger the worker threads still use.
                    wasyncore.dispatcher.close(obj)
            listening = False
        if not busy(socket_map, dispatcher):
            break
        if time.monotonic() - stopping[0] > grace_seconds:
            log.warning("graceful stop: timed out, dropping the requests still in flight")
            break
    dispatcher.shutdown(cancel_pending=True, timeout=0.5)
    wasyncore.close_all(socket_map)


def seconds(arg):
    """The number of seconds of an option of this script; a clear exit otherwise."""
    name, _, value = arg.partition("=")
    try:
        return float(value)
    except ValueError:
        sys.exit(f"error: {name} takes a number of seconds, not {value!r}")


def main(argv):
    global grace_seconds, queue_warning_seconds
    rest = []
    for arg in argv[1:]:
        if arg.startswith("--graceful-timeout="):
            grace_seconds = seconds(arg)
        elif arg.startswith("--queue-warning-seconds="):
            queue_warning_seconds = seconds(arg)
        else:
            rest.append(arg)
    return runner.run([argv[0], *rest], _serve=graceful_serve)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
