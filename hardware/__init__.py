"""Backends that take the same ``snn.spec.Network`` elsewhere: PyNN (NEST, SpiNNaker) and brian2."""
