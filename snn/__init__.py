"""snn: a numba-accelerated spiking neural network simulator.

The core (this package) knows nothing of particular models, backends or experiments; those live in
``snn.models``, ``snn.hardware`` and ``snn.experiments`` and import downward only.
"""
from ._version import __version__
from .errors import SnnError, SpecError, DataError

__all__ = ["__version__", "SnnError", "SpecError", "DataError"]
