"""Building an app: the pipeline of steps, its record, hooks and dependency formats."""
