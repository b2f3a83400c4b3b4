"""Declarative network description: populations, projections and the network, as frozen dataclasses with PyNN's
parameter names and units (ms, mV, nF, nA, uS). No simulation state lives here: lowered arrays, learned weights
and spikes are results of ``snn.engine``.
"""
from dataclasses import dataclass, field
import math

import numpy as np

from .cells import CATALOGUE
from .connectors import CONNECTORS, FromList
from .errors import SpecError
from .plasticity import MODULATORS, PLASTICITY_RULES
from .validate import MAX_MAGNITUDE, as_numbers, is_int

RECEPTORS = ("excitatory", "inhibitory")
# The per-step orders the engine knows (snn/kernels/schedules.py, snn/kernels/nalsm_schedule.py).
SCHEDULES = ("exact", "spinnaker", "nalsm")


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
        """Every problem of the description, as clear messages (empty when valid)."""
        return network_problems(self)

    def validate(self):
        """Raise one SpecError that lists every problem; return self when the network is valid."""
        probs = self.problems()
        if probs:
            raise SpecError("invalid network:\n  - " + "\n  - ".join(probs))
        return self


def network_problems(net):
    """Every problem of network ``net`` (a ``spec.Network``), as clear messages (empty when valid)."""
    out = []
    if not isinstance(net.schedule, str) or net.schedule not in SCHEDULES:
        out.append(f"schedule={net.schedule!r} is not known; choose one of {SCHEDULES}")
    if not (isinstance(net.dt, (int, float, np.integer, np.floating)) and not isinstance(net.dt, bool)
            and math.isfinite(net.dt) and 0 < net.dt <= MAX_MAGNITUDE):
        out.append(f"dt={net.dt!r} must be a finite time step > 0 (ms)")
        return out
    if not (is_int(net.seed) and 0 <= net.seed < 2 ** 63):
        out.append(f"seed={net.seed!r} must be an integer in [0, 2**63)")
    bad = [p for p in net.populations if not isinstance(p, Population)]
    bad += [p for p in net.projections if not isinstance(p, Projection)]
    if bad:
        out.append(f"populations must be Population and projections Projection objects, got {bad[0]!r}")
        return out
    labels = [p.label for p in net.populations]
    for dup in sorted({x for x in labels if labels.count(x) > 1}):
        out.append(f"population label {dup!r} is used more than once")
    for pop in net.populations:
        out.extend(population_problems(pop, net.schedule, net.dt))
    for proj in net.projections:
        out.extend(projection_problems(proj, labels, net))
    for mod in net.modulators:
        if not isinstance(mod, MODULATORS):
            out.append(f"modulator {mod!r} is not one of {[m.__name__ for m in MODULATORS]}")
            continue
        out.extend(mod.problems(labels))
        if net.schedule != "nalsm":
            out.append(f"{type(mod).__name__} runs in the 'nalsm' schedule only (schedule={net.schedule!r})")
    kinds = [type(m).__name__ for m in net.modulators]
    for dup in sorted({k for k in kinds if kinds.count(k) > 1}):
        out.append(f"at most one {dup} per network is supported, got {kinds.count(dup)}")
    return out


def population_problems(pop, schedule, dt=None):
    """Problems of one population: cell type known and runnable in ``schedule``, parameters and initial values
    numbers (scalar or one per neuron), finite, bounded, in the registry's domains."""
    where = f"population {pop.label!r}"
    if not isinstance(pop.cell_type, str) or pop.cell_type not in CATALOGUE:
        return [f"{where}: unknown cell type {pop.cell_type!r}; the catalogue has {sorted(CATALOGUE)}"]
    ct = CATALOGUE[pop.cell_type]
    out = []
    if not isinstance(pop.label, str) or not pop.label:
        out.append(f"{where}: label must be a non-empty string")
    if not (is_int(pop.size) and 0 < pop.size < 2 ** 31):
        return out + [f"{where}: size={pop.size!r} must be a positive integer below 2**31"]
    for name in ("params", "initial_values"):
        if not isinstance(getattr(pop, name), dict):
            return out + [f"{where}: {name} must be a dict of name -> value, got {getattr(pop, name)!r}"]
    if schedule not in ct.schedules:
        out.append(f"{where}: {ct.name} does not run in schedule {schedule!r} (it runs in {ct.schedules})")
    unknown_p = set(pop.params) - set(ct.defaults)
    if unknown_p:
        out.append(f"{where}: unknown parameter(s) {sorted(unknown_p, key=str)} for {ct.name}; "
                   f"allowed: {sorted(ct.defaults)}")
    unknown_s = set(pop.initial_values) - set(ct.state)
    if unknown_s:
        out.append(f"{where}: unknown state variable(s) {sorted(unknown_s, key=str)}; {ct.name} has {sorted(ct.state)}")
    unknown = unknown_p | unknown_s
    params = pop.parameters()
    if "spike_times" in params:
        out.extend(_spike_times_problems(where, params["spike_times"], pop.size))
    numbers, all_numbers = {}, True
    for name, value in {**params, **pop.initial_values}.items():
        if name == "spike_times" or name in unknown:
            continue
        arr = as_numbers(value)
        all_numbers = False
        if arr is None or arr.ndim > 1:
            out.append(f"{where}: {name}={value!r} must be a number or one number per neuron")
        elif arr.ndim == 1 and arr.size != pop.size:
            out.append(f"{where}: {name} has {arr.size} values for {pop.size} neurons")
        elif not np.all(np.isfinite(arr)) or np.any(np.abs(arr) > MAX_MAGNITUDE):
            out.append(f"{where}: {name}={value!r} must be finite, with magnitude <= {MAX_MAGNITUDE:g}")
        else:
            numbers[name], all_numbers = arr, True
        if not all_numbers:
            break
    if not all_numbers:
        return out   # the checks below need numbers
    for name, param in ct.parameters.items():      # the registry's domains ('>0': time constants, cm)
        if name in numbers and param.domain == ">0" and not np.all(numbers[name] > 0):
            out.append(f"{where}: {name}={params[name]!r} must be > 0")
        elif name in numbers and param.domain == ">=0" and not np.all(numbers[name] >= 0):
            out.append(f"{where}: {name}={params[name]!r} must be >= 0")
    if "v_thresh" in numbers and "v_reset" in numbers and np.any(numbers["v_reset"] >= numbers["v_thresh"]):
        out.append(f"{where}: v_reset must lie below v_thresh")
    if ct.check is not None and not out:
        out.extend(f"{where}: {msg}" for msg in ct.check(params, 1.0 if dt is None else dt))
    if pop.positions is not None:
        pos = as_numbers(pop.positions)
        if pos is None or pos.shape != (pop.size, 3):
            out.append(f"{where}: positions must have shape ({pop.size}, 3), got {np.shape(pop.positions)}")
        elif not np.all(np.isfinite(pos)) or np.any(np.abs(pos) > MAX_MAGNITUDE):
            out.append(f"{where}: positions must be finite, with magnitude <= {MAX_MAGNITUDE:g}")
    return out


def _spike_times_problems(where, st, size):
    """spike_times: one list of times shared by all neurons, or one list per neuron; finite numbers (ms)."""
    if isinstance(st, (str, bytes, dict)) or not hasattr(st, "__len__"):
        return [f"{where}: spike_times={st!r} must be a list of times (ms) or one list per neuron"]
    lists = [st] if len(st) == 0 or np.ndim(st[0]) == 0 else list(st)
    if len(lists) > 1 and len(lists) != size:
        return [f"{where}: spike_times has {len(lists)} lists for {size} neurons"]
    for times in lists:
        arr = as_numbers(times)
        if arr is None or arr.ndim != 1 and arr.size:
            return [f"{where}: spike_times must hold lists of numbers (ms), got {times!r}"]
        if not np.all(np.isfinite(arr)) or np.any(np.abs(arr) > MAX_MAGNITUDE):
            return [f"{where}: spike_times must be finite times (ms) with magnitude <= {MAX_MAGNITUDE:g}"]
    return []


def projection_problems(proj, labels, net):
    """Problems of one projection: ends, receptor, connector (and a FromList's rows), weight, delay, rule."""
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
    elif isinstance(proj.connector, FromList) and proj.pre in labels and proj.post in labels:
        out.extend(f"{where}: {p}" for p in _from_list_problems(proj, net))
    w = as_numbers(proj.weight)
    if w is None or w.ndim > 1:
        out.append(f"{where}: weight={proj.weight!r} must be a number")
    elif not np.all(np.isfinite(w)) or np.any(np.abs(w) > MAX_MAGNITUDE):
        out.append(f"{where}: weight={proj.weight!r} must be finite, with magnitude <= {MAX_MAGNITUDE:g}")
    elif np.any(w < 0) and not signed_weights(net, proj):
        out.append(f"{where}: weight must be >= 0 (a magnitude; use receptor_type='inhibitory' for inhibition); "
                   f"signed weights are allowed only onto cell types with one current "
                   f"({[c.name for c in CATALOGUE.values() if c.signed_weights]})")
    d = None if proj.delay is None else as_numbers(proj.delay)
    if proj.delay is not None and (d is None or d.ndim > 1):
        out.append(f"{where}: delay={proj.delay!r} must be a number of ms")
    elif proj.delay is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            steps = d / net.dt
        if not np.all(np.isfinite(d)) or np.any(steps > 2 ** 30):
            out.append(f"{where}: delay={proj.delay!r} ms must be finite and at most 2**30 steps")
        elif np.any(d < net.dt - 1e-9):
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


def _from_list_problems(proj, net):
    """A FromList's rows: (pre, post[, weight[, delay]]) numbers, finite, indices in range, weights bounded and
    signed only onto signed cell types, delays whole steps of at least one step."""
    try:
        arr = np.asarray(proj.connector.conn_list, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return ["FromList rows must be (pre, post[, weight[, delay]]) of numbers"]
    if arr.size == 0:
        return []
    if arr.ndim != 2 or arr.shape[1] not in (2, 3, 4):
        return [f"FromList rows must be (pre, post[, weight[, delay]]), got shape {arr.shape}"]
    if not np.all(np.isfinite(arr)):
        return ["FromList holds NaN or infinite values"]
    n_pre, n_post = net.population(proj.pre).size, net.population(proj.post).size
    if np.any(arr[:, :2] != np.round(arr[:, :2])):
        return ["FromList pre and post indices must be whole numbers"]
    if arr[:, :2].min() < 0 or arr[:, 0].max() >= n_pre or arr[:, 1].max() >= n_post:
        return [f"FromList index out of range: pre must be in [0, {n_pre}), post in [0, {n_post})"]
    out = []
    if arr.shape[1] >= 3:
        w = arr[:, 2]
        if np.abs(w).max() > MAX_MAGNITUDE:
            out.append(f"weights must be finite with magnitude <= {MAX_MAGNITUDE:g}")
        elif np.any(w < 0) and not signed_weights(net, proj):
            out.append("weights must be >= 0 (magnitudes; the receptor sets the sign)")
    if arr.shape[1] == 4:
        d = arr[:, 3] / net.dt
        if d.max() > 2 ** 30:
            out.append("delays must be finite and at most 2**30 time steps")
        elif np.rint(d).min() < 1:
            out.append(f"delays must be at least one time step ({net.dt} ms)")
    return out
