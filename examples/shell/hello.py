# WSGI app served by app.sh in the warpdrive shell example.


def application(environ, start_response):
    body = b"Hello from shell"
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]
