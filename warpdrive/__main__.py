"""`python -m warpdrive` runs the CLI."""

from warpdrive.cli.main import main

main()
