"""`make bench`: warpdrive's performance figures (benchmarks/README.md), measured against the
alternatives in one run. `python -m benchmarks.run --help` lists the options."""
