"""Container images: the S2I protocol over the Docker Engine API, and builder images."""
