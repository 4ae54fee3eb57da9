"""Serving a built app: which server, its launch plan, and the steps before the exec."""
