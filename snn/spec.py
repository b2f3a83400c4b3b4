"""Declarative network description: populations, projections and the network, as frozen dataclasses with PyNN's
parameter names and units (ms, mV, nF, nA, uS). No simulation state lives here: lowered arrays, learned weights
and spikes are results of ``snn.engine``.
"""
from dataclasses import dataclass, field
import math

import numpy as np

from .cells import CATALOGUE
from .connectors import CONNECTORS
from .errors import SpecError
from .plasticity import MODULATORS, PLASTICITY_RULES

RECEPTORS = ("excitatory", "inhibitory")
# The per-step orders the engine knows (see snn/engine.py for each one written out).
SCHEDULES = ("exact", "spinnaker", "nalsm")
_TIME_CONSTANTS = ("tau_m", "tau_syn_E", "tau_syn_I", "cm")


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
    of everything random in its construction, and ``modulators`` (e.g. an ``Astrocyte``) that act on the
    plasticity of the whole network."""
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
        """Every problem of the description, as clear messages (empty when valid)."""
        out = []
        if self.schedule not in SCHEDULES:
            out.append(f"schedule={self.schedule!r} is not known; choose one of {SCHEDULES}")
        if not (isinstance(self.dt, (int, float)) and self.dt > 0 and math.isfinite(self.dt)):
            out.append(f"dt={self.dt!r} must be a finite time step > 0 (ms)")
            return out
        labels = [p.label for p in self.populations]
        for dup in sorted({x for x in labels if labels.count(x) > 1}):
            out.append(f"population label {dup!r} is used more than once")
        for pop in self.populations:
            out.extend(_population_problems(pop, self.schedule, self.dt))
        for proj in self.projections:
            out.extend(_projection_problems(proj, labels, self))
        for mod in self.modulators:
            if not isinstance(mod, MODULATORS):
                out.append(f"modulator {mod!r} is not one of {[m.__name__ for m in MODULATORS]}")
                continue
            out.extend(mod.problems(labels))
            if self.schedule != "nalsm":
                out.append(f"{type(mod).__name__} runs in the 'nalsm' schedule only (schedule={self.schedule!r})")
        if len(self.modulators) > 1:
            out.append(f"at most one modulator per network is supported, got {len(self.modulators)}")
        return out

    def validate(self):
        """Raise one SpecError that lists every problem; return self when the network is valid."""
        probs = self.problems()
        if probs:
            raise SpecError("invalid network:\n  - " + "\n  - ".join(probs))
        return self


def _population_problems(pop, schedule, dt=None):
    where = f"population {pop.label!r}"
    if pop.cell_type not in CATALOGUE:
        return [f"{where}: unknown cell type {pop.cell_type!r}; the catalogue has {sorted(CATALOGUE)}"]
    ct = CATALOGUE[pop.cell_type]
    out = []
    if not (isinstance(pop.size, (int, np.integer)) and pop.size > 0):
        out.append(f"{where}: size={pop.size!r} must be a positive integer")
    if schedule not in ct.schedules:
        out.append(f"{where}: {ct.name} does not run in schedule {schedule!r} (it runs in {ct.schedules})")
    unknown = set(pop.params) - set(ct.defaults)
    if unknown:
        out.append(f"{where}: unknown parameter(s) {sorted(unknown)} for {ct.name}; allowed: {sorted(ct.defaults)}")
    unknown = set(pop.initial_values) - set(ct.state)
    if unknown:
        out.append(f"{where}: unknown state variable(s) {sorted(unknown)}; {ct.name} has {sorted(ct.state)}")
    params = pop.parameters()
    for name in _TIME_CONSTANTS:
        if name in params and not np.all(np.asarray(params[name], float) > 0):
            out.append(f"{where}: {name}={params[name]!r} must be > 0")
    if "tau_refrac" in params and not np.all(np.asarray(params["tau_refrac"], float) >= 0):
        out.append(f"{where}: tau_refrac={params['tau_refrac']!r} must be >= 0")
    for name, value in {**params, **pop.initial_values}.items():
        if name == "spike_times":
            continue
        arr = np.asarray(value, float)
        if arr.ndim == 1 and arr.size != pop.size:
            out.append(f"{where}: {name} has {arr.size} values for {pop.size} neurons")
        elif not np.all(np.isfinite(arr)):
            out.append(f"{where}: {name}={value!r} must be finite")
    if "v_thresh" in params and "v_reset" in params and np.any(
            np.asarray(params["v_reset"], float) >= np.asarray(params["v_thresh"], float)):
        out.append(f"{where}: v_reset must lie below v_thresh")
    if ct.check is not None and not out:
        out.extend(f"{where}: {msg}" for msg in ct.check(params, 1.0 if dt is None else dt))
    if pop.positions is not None and np.shape(pop.positions) != (pop.size, 3):
        out.append(f"{where}: positions must have shape ({pop.size}, 3), got {np.shape(pop.positions)}")
    return out


def _projection_problems(proj, labels, net):
    where = f"projection {proj.name!r}"
    out = []
    for end in ("pre", "post"):
        if getattr(proj, end) not in labels:
            out.append(f"{where}: {end}={getattr(proj, end)!r} names no population; have {labels}")
    if proj.post in labels and CATALOGUE.get(net.population(proj.post).cell_type, None) and \
            CATALOGUE[net.population(proj.post).cell_type].is_source:
        out.append(f"{where}: post population {proj.post!r} is a spike source and cannot receive synapses")
    if proj.receptor_type not in RECEPTORS:
        out.append(f"{where}: receptor_type={proj.receptor_type!r}; allowed: {RECEPTORS}")
    if not isinstance(proj.connector, CONNECTORS):
        out.append(f"{where}: connector {proj.connector!r} is not one of {[c.__name__ for c in CONNECTORS]}")
    w = np.asarray(proj.weight, float)
    if not np.all(np.isfinite(w)):
        out.append(f"{where}: weight must be finite")
    elif np.any(w < 0) and not signed_weights(net, proj):
        out.append(f"{where}: weight must be >= 0 (a magnitude; use receptor_type='inhibitory' for inhibition); "
                   f"signed weights are allowed only onto cell types with one current "
                   f"({[c.name for c in CATALOGUE.values() if c.signed_weights]})")
    if proj.delay is not None:
        d = np.asarray(proj.delay, float)
        steps = d / net.dt
        if not np.all(np.isfinite(d)) or np.any(d < net.dt - 1e-9):
            out.append(f"{where}: delay={proj.delay!r} ms is shorter than the time step dt={net.dt} ms")
        elif np.any(np.abs(steps - np.round(steps)) > 1e-6):
            out.append(f"{where}: delay={proj.delay!r} ms is not a whole number of time steps (dt={net.dt} ms)")
    if proj.plasticity is not None:
        if not isinstance(proj.plasticity, PLASTICITY_RULES):
            out.append(f"{where}: plasticity {proj.plasticity!r} is not one of {[r.__name__ for r in PLASTICITY_RULES]}")
        else:
            out.extend(f"{where}: {p}" for p in proj.plasticity.problems())
            rule = type(proj.plasticity)
            if net.schedule not in rule.schedules:
                out.append(f"{where}: {rule.__name__} runs in the {' / '.join(map(repr, rule.schedules))} "
                           f"schedule only (schedule={net.schedule!r})")
    return out


def signed_weights(net, proj):
    """True when ``proj``'s post cell type has one signed current (negative weights allowed)."""
    labels = [p.label for p in net.populations]
    if proj.post not in labels:
        return False
    ct = CATALOGUE.get(net.population(proj.post).cell_type)
    return bool(ct is not None and ct.signed_weights)
