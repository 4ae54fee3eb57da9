# Procfile example for warpdrive: the WSGI app the Procfile's web: command serves.


def application(environ, start_response):
    body = b"Hello from Procfile"
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]
