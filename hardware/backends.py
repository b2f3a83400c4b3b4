"""Backends behind one interface: ``run(net, duration, backend, **options) -> PeerResult`` (spikes per population
in the engine's stamp convention, counts, timings), for every simulator that takes a ``spec.Network``:

    from snn.hardware.backends import run
    res = run(net, 100.0, "nest")                  # hardware/nest_ref.py: PyNEST directly
    res = run(net, 100.0, "brian2")                # hardware/brian2_ref.py (mode='runtime' | 'cpp_standalone')
    res = run(net, 100.0, "pynn", sim="nest")      # hardware/pynn.py: the PyNN emitter on pyNN.nest / .mock / ...
    res.spike_trains("cells", size)

Each backend reads its cell types' translations from the registry (``CellType.nest``, ``CellType.brian2``,
``CellType.pynn_name``) and its parameters from the spec; the engine itself is ``snn.engine.Simulator``.
"""
import importlib

import numpy as np

from snn.errors import SpecError
from snn.hardware.peer_result import PeerResult


def _nest(net, duration, **options):
    from . import nest_ref
    return nest_ref.run(net, duration, **options)


def _brian2(net, duration, **options):
    from . import brian2_ref
    return brian2_ref.run(net, duration, **options)


def _pynn(net, duration, sim="nest", record=None, inputs=None):
    """The PyNN emitter on ``sim`` (a PyNN module or a backend name: 'nest', 'mock', 'spinnaker')."""
    from . import pynn
    module = importlib.import_module(pynn.SIM_MODULES[pynn.backend_name(sim)]) if isinstance(sim, str) else sim
    spikes = pynn.run(net, module, duration, record=record, inputs=inputs)
    out = PeerResult(spikes=spikes)
    for label, (_, idx) in spikes.items():
        out.counts[label] = np.bincount(np.asarray(idx, np.int64), minlength=net.population(label).size)
    return out


BACKENDS = {"nest": _nest, "brian2": _brian2, "pynn": _pynn}


def run(net, duration, backend, **options):
    """Simulate ``net`` for ``duration`` ms on ``backend`` ('nest', 'brian2', 'pynn'); ``options`` go to that
    backend (nest: record, repeats, threads; brian2: mode, record, repeats, build_dir, codegen_target; pynn:
    sim, record, inputs). Returns a PeerResult."""
    if backend not in BACKENDS:
        raise SpecError(f"backend={backend!r} is not known; choose one of {sorted(BACKENDS)}")
    return BACKENDS[backend](net, duration, **options)
