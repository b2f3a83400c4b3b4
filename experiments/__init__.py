"""Experiments: one module per experiment, each with ``run(config) -> results``; ``cli`` is the `snn` command."""
