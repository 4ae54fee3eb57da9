# Plain WSGI example for warpdrive: a module-level callable named `application`.


def application(environ, start_response):
    body = b"Hello from WSGI"
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]
