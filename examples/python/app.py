# Standalone Python example for warpdrive: a stdlib HTTP server on $PORT (default 8080).
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HelloHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.split("?", 1)[0] != "/":
            self.send_error(404)
            return
        body = b"Hello from Python"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        # Same line as the default handler, written straight to stderr and flushed.
        sys.stderr.write(
            f"{self.address_string()} - - [{self.log_date_time_string()}] {format % args}\n"
        )
        sys.stderr.flush()


def main():
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("0.0.0.0", port), HelloHandler)
    server.daemon_threads = True

    def on_sigterm(signum, frame):
        # shutdown() waits for serve_forever() to return, so call it from
        # another thread rather than from the signal handler's own thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_sigterm)
    print(f"Serving on 0.0.0.0:{port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("Server stopped", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
