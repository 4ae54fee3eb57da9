"""`make bench`: warpdrive's performance figures (SPEC §12), measured against the
alternatives in one run. `python -m benchmarks.run --help` lists the options."""
