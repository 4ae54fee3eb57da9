#!/bin/sh
# Shell-script example for warpdrive: execs gunicorn serving hello.py on $PORT (default 8080).
set -eu
cd "$(dirname "$0")"
exec gunicorn --bind "0.0.0.0:${PORT:-8080}" --access-logfile - hello:application
