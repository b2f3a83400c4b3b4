"""`python -m snn` is the `snn` command; the dispatcher lives at the top of the import tree."""
from snn.experiments.cli import main

raise SystemExit(main())
