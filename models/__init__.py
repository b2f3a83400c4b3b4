"""Model builders: functions that return an ``snn.spec.Network`` (plus small non-synaptic learners)."""
