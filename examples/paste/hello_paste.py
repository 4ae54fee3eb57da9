# PasteDeploy example for warpdrive: an app factory that paste.ini points at.


def make_app(global_config, **settings):
    # `greeting` comes from the [app:main] section of paste.ini.
    greeting = settings.get("greeting", "Hello")
    body = f"{greeting} from Paste".encode()

    def application(environ, start_response):
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]

    return application
