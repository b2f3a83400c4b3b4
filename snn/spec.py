"""Declarative network description: populations, projections and the network, as frozen dataclasses with PyNN's
parameter names and units (ms, mV, nF, nA, uS). No simulation state lives here: lowered arrays, learned weights
and spikes are results of ``snn.engine``.
"""
from dataclasses import dataclass, field

import numpy as np

from .cells import CATALOGUE
from .errors import SpecError
from .validate import (MAX_MAGNITUDE, RECEPTORS, SCHEDULES, as_numbers, network_problems,  # noqa: F401 (re-exported)
                       signed_weights)


@dataclass(frozen=True)
class Population:
    """``size`` neurons of one cell type; ``params`` override the catalogue defaults (scalars or per-neuron
    sequences); ``initial_values`` set state variables (e.g. ``v``); ``positions`` (size x 3) serve
    distance-dependent connectors."""
    label: str
    size: int
    cell_type: str
    params: dict = field(default_factory=dict)
    initial_values: dict = field(default_factory=dict)
    positions: np.ndarray = field(default=None, compare=False, repr=False)

    def parameters(self):
        """Catalogue defaults updated with ``params``."""
        return {**CATALOGUE[self.cell_type].defaults, **self.params}


@dataclass(frozen=True)
class Projection:
    """Synapses from population ``pre`` to ``post`` (labels). ``weight`` in nA (current synapses) or uS
    (conductance synapses, IF_cond_exp), a magnitude: the receptor decides the sign. Onto cell types with one
    signed current (``CellType.signed_weights``, e.g. NALSM_LIF) weights may be negative and an 'inhibitory'
    receptor negates them. ``delay`` in ms, a whole number of time steps (None: one step)."""
    pre: str
    post: str
    connector: object
    weight: float = 0.0
    delay: float = None
    receptor_type: str = "excitatory"
    plasticity: object = None
    label: str = ""

    @property
    def name(self):
        return self.label or f"{self.pre}->{self.post}"


@dataclass(frozen=True)
class Network:
    """A whole model: populations (in global index order), projections, time step (ms), schedule, the seed
    of everything random in its construction, and ``modulators`` (an ``Astrocyte``, a ``CalciumGate``; at most
    one of each) that act on the plasticity of the whole network."""
    populations: tuple
    projections: tuple = ()
    dt: float = 1.0
    schedule: str = "exact"
    seed: int = 0
    modulators: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "populations", tuple(self.populations))
        object.__setattr__(self, "projections", tuple(self.projections))
        object.__setattr__(self, "modulators", tuple(self.modulators))

    def population(self, label):
        for p in self.populations:
            if p.label == label:
                return p
        raise SpecError(f"no population labelled {label!r}; have {[p.label for p in self.populations]}")

    def problems(self):
        """Every problem of the description, as clear messages (empty when valid): ``snn.validate``."""
        return network_problems(self)

    def validate(self):
        """Raise one SpecError that lists every problem; return self when the network is valid."""
        probs = self.problems()
        if probs:
            raise SpecError("invalid network:\n  - " + "\n  - ".join(probs))
        return self
