#!/usr/bin/env python
# Django command-line entry point for the warpdrive Django example project.
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError("Django is not importable; install requirements.txt first.") from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
