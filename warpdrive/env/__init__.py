"""Per-app environments: the registry, their lifecycle, virtualenv generations and
activation shell code."""
