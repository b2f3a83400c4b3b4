"""NIR (the Neuromorphic Intermediate Representation, the ``nir`` package) in and out of snn.

    from snn.nir import from_nir, to_nir
    net = from_nir(graph_or_path, dt=1.0)       # NIR -> snn.spec.Network ('exact' schedule)
    graph = to_nir(net)                          # snn.spec.Network -> nir.NIRGraph (nir.write(path, graph))

How each node maps and the error of each mapping: ``snn/nir/neurons.py`` and docs/interoperability.md.
Needs the optional ``nir`` package (``pip install snn[nir]``).
"""
from .exporter import to_nir
from .importer import from_nir

__all__ = ["from_nir", "to_nir"]
