"""warpdrive: detect a Python web app, build its environment, serve it in production."""

__version__ = "0.1.0"
