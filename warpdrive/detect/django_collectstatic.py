"""Run by the app's own Python: `collectstatic --noinput`, into STATIC_ROOT, or into
the root warpdrive supplies when the settings set none.

Usage: python -I django_collectstatic.py APP_HOME SETTINGS_MODULE [STATIC_ROOT]
This file must import nothing from warpdrive: it runs in the app's environment.
"""

import os
import sys


def main():
    app_home, module = sys.argv[1:3]
    supplied_root = sys.argv[3] if len(sys.argv) > 3 else ""
    sys.path.insert(0, app_home)
    os.chdir(app_home)
    os.environ["DJANGO_SETTINGS_MODULE"] = module
    import django  # type: ignore[import-not-found]
    from django.conf import settings  # type: ignore[import-not-found]

    if supplied_root:
        # Set before setup, so the user's settings file needs no edit.
        settings.STATIC_ROOT = supplied_root
    django.setup()
    from django.core.management import call_command  # type: ignore[import-not-found]

    call_command("collectstatic", "--noinput", verbosity=1)


main()
