"""What each backend supports, and ``check(net, backend)``: every problem, before anything is built.

Models are named by strings (cell type, plasticity rule class, modulator class, schedule), so this module needs
none of their code: a model this backend cannot run is refused with the reason and the nearest deployable variant.

SpiNNaker figures (sPyNNaker 1!7.4.1, SpiNN-5):
* time step: designed for 1 ms; 0.1 ms runs only slowed down 10x (sPyNNaker#1488), so it is refused here.
* delays: 16 steps on the neuron core (the classic figure; 7.4.1 derives the core's ring buffer from
  2**(14 - atom bits - synapse-type bits), 32 slots for a full 256-neuron core), up to 144 steps with delay
  extension cores (which add 8 x the core's slots). Beyond 144 the mapping fails.
* 256 neurons per core (``DEFAULT_MAX_ATOMS_PER_CORE``); 48 chips of 18 cores per SpiNN-5 board (one monitor and
  some system cores per chip).
* weights: 16-bit unsigned fixed point per (post population, receptor), scale 2**(15 - shift) with
  shift = ceil(log2(largest expected summed input)); so the resolution is at best 2**(shift - 15) nA, and a
  weight below half of that is stored as 0.
* STDP: ``SpikePairRule`` + ``AdditiveWeightDependence`` with A absolute, post-spike history of 16 entries;
  one presynaptic neuron may have at most 254 plastic synapses onto one core (a synaptic row is 256 words; the
  mapping raises SynapseRowTooBigException beyond, e.g. a plastic AllToAll onto a full 256-neuron core).
"""
from dataclasses import dataclass, field

import numpy as np

from snn.cells import CATALOGUE
from snn.connectors import FromList
from snn.errors import SpecError
from snn.plasticity import MODULATORS, PLASTICITY_RULES
from snn.models.deploy import weight_resolution  # noqa: F401 (sPyNNaker's weight step; used below)


@dataclass(frozen=True)
class Capabilities:
    name: str
    cell_types: dict                  # spec cell type -> PyNN cell class
    plasticity: tuple                 # rule class names
    timesteps: tuple = None           # allowed dt (ms); None: any
    max_delay_native: int = None      # steps on the neuron core
    max_delay_steps: int = None       # steps at all (None: no limit)
    neurons_per_core: int = None
    weight_bits: int = None
    stdp_history: int = None          # post-spike history of SpikePairSTDP, fixed on the target
    max_plastic_row: int = None       # plastic synapses of one pre neuron onto one core
    refused: dict = field(default_factory=dict)   # name -> (reason, nearest deployable variant)
    notes: tuple = ()




def _pynn_cells(backend):
    """Spec cell type -> PyNN class, for the cell types whose registry entry names ``backend``."""
    return {name: ct.pynn_name for name, ct in CATALOGUE.items() if backend in ct.pynn_backends}


_NALSM = ("the NALSM liquid (NALSM_LIF cells, TraceSTDP with astrocyte-modulated depression, the 'nalsm' "
          "schedule)")
_REFUSED_COMMON = {
    # cell types, rules and modulators: each registry entry / class says why PyNN has no equivalent
    **{name: ct.refusal for name, ct in CATALOGUE.items() if ct.refusal is not None},
    **{cls.__name__: cls.refusal for cls in PLASTICITY_RULES + MODULATORS if cls.refusal is not None},
    "nalsm": (f"the 'nalsm' schedule (the step order of {_NALSM}) runs only in the engine",
              "the 'exact' schedule with IF_curr_exp"),
}


def _pynn_rules(backend):
    """Plasticity rules whose class names ``backend`` among its PyNN backends."""
    return tuple(cls.__name__ for cls in PLASTICITY_RULES if backend in cls.pynn_backends)


BACKENDS = {
    "spinnaker": Capabilities(
        "spinnaker", _pynn_cells("spinnaker"), _pynn_rules("spinnaker"), timesteps=(1.0,), max_delay_native=16,
        max_delay_steps=144, neurons_per_core=256, weight_bits=16, stdp_history=16, max_plastic_row=254,
        refused=dict(_REFUSED_COMMON),
        notes=("delays over 16 steps use delay-extension cores",
               "an 'exact'-schedule network runs with sPyNNaker's own arithmetic (closed-form LIF, 'init' input "
               "scaling): spike times may differ from the engine's 'exact' schedule")),
    "nest": Capabilities(
        "nest", _pynn_cells("nest"), _pynn_rules("nest"), refused=dict(_REFUSED_COMMON),
        notes=("SpikePairSTDP becomes NEST's stdp_synapse (online all-to-all, A scaled by 1/w_max): not the "
               "deferred sPyNNaker rule of the 'spinnaker' schedule",)),
    "mock": Capabilities("mock", _pynn_cells("mock"), _pynn_rules("mock"), refused=dict(_REFUSED_COMMON)),
}


def capabilities(backend):
    try:
        return BACKENDS[backend]
    except KeyError:
        raise SpecError(f"backend {backend!r} is not known; choose one of {sorted(BACKENDS)}") from None


def _refuse(caps, name, where):
    reason, nearest = caps.refused[name]
    return f"{where}: cannot run on {caps.name}: {reason}. Nearest deployable variant: {nearest}"


def _delay_steps(proj, dt):
    """Largest delay of a projection in steps, without expanding random connectors."""
    conn = proj.connector
    if isinstance(conn, FromList) and len(conn.conn_list) and np.shape(conn.conn_list)[1] == 4:
        d = np.asarray(conn.conn_list, float)[:, 3]
    else:
        d = np.asarray(dt if proj.delay is None else proj.delay, float)
    return float(np.max(d)) / dt


def _weights(proj):
    conn = proj.connector
    if isinstance(conn, FromList) and len(conn.conn_list) and np.shape(conn.conn_list)[1] >= 3:
        return np.abs(np.asarray(conn.conn_list, float)[:, 2])
    return np.abs(np.atleast_1d(np.asarray(proj.weight, float)))


def check(net, backend):
    """Every problem that stops ``net`` from running on ``backend`` ('spinnaker', 'nest', 'mock'), as clear
    messages; empty when it can be deployed."""
    caps = capabilities(backend)
    out = []
    schedule = getattr(net, "schedule", None)
    if schedule in caps.refused:
        out.append(_refuse(caps, schedule, f"schedule {schedule!r}"))
    dt = net.dt
    if caps.timesteps is not None and not any(abs(dt - t) < 1e-9 for t in caps.timesteps):
        out.append(f"time step dt={dt} ms: {caps.name} runs dt in {list(caps.timesteps)} ms only "
                   f"(sPyNNaker is designed for 1 ms ticks; 0.1 ms needs a 10x slow-down)")
    for pop in net.populations:
        where = f"population {pop.label!r}"
        if pop.cell_type in caps.refused:
            out.append(_refuse(caps, pop.cell_type, where))
        elif pop.cell_type not in caps.cell_types:
            out.append(f"{where}: cell type {pop.cell_type!r} is not deployable to {caps.name}; "
                       f"supported: {sorted(caps.cell_types)}")
    for mod in getattr(net, "modulators", ()):
        name = type(mod).__name__
        if name in caps.refused:
            out.append(_refuse(caps, name, f"modulator {name}"))
        else:
            out.append(f"modulator {name}: {caps.name} supports no network modulators")
    labels = {p.label for p in net.populations}
    max_in = {}
    for proj in net.projections:
        where = f"projection {proj.name!r}"
        if proj.pre not in labels or proj.post not in labels:
            out.append(f"{where}: {proj.pre!r} -> {proj.post!r} names a population that does not exist")
            continue
        steps = _delay_steps(proj, dt)
        if caps.max_delay_steps is not None and steps > caps.max_delay_steps + 1e-9:
            out.append(f"{where}: delay of {steps:g} steps ({steps * dt:g} ms) exceeds the {caps.max_delay_steps} "
                       f"steps {caps.name} supports ({caps.max_delay_native} on the core, the rest through "
                       f"delay-extension cores)")
        rule = proj.plasticity
        if rule is not None:
            name = type(rule).__name__
            if name in caps.refused:
                out.append(_refuse(caps, name, where))
            elif name not in caps.plasticity:
                out.append(f"{where}: plasticity {name} is not supported on {caps.name}; "
                           f"supported: {list(caps.plasticity)}")
            else:
                if not getattr(rule, "float_kernel", True):     # nearest / multiplicative: not exported yet
                    out.append(f"{where}: {rule} is emulated in the 'spinnaker' schedule but not exported yet; "
                               f"the emitter writes SpikePairSTDP with timing='pair', weight_dependence='additive'")
                hist = getattr(rule, "history", None)
                if caps.stdp_history is not None and hist is not None and int(hist) != caps.stdp_history:
                    out.append(f"{where}: SpikePairSTDP history={hist}; {caps.name} keeps exactly "
                               f"{caps.stdp_history} post-spike entries")
                if proj.receptor_type == "inhibitory" and caps.name == "nest":
                    out.append(f"{where}: plastic inhibitory current synapses need negative NEST weights; "
                               f"not supported by this emitter")
        else:
            key = (proj.post, proj.receptor_type)
            max_in[key] = max(max_in.get(key, 0.0), float(_weights(proj).max(initial=0.0)))
    if caps.max_plastic_row and any(p.plasticity is not None for p in net.projections) and not out \
            and not net.problems():
        out.extend(_plastic_row_problems(net, caps))
    if caps.weight_bits:
        for proj in net.projections:
            key = (proj.post, proj.receptor_type)
            if proj.plasticity is not None or key not in max_in or proj.pre not in labels:
                continue
            res = weight_resolution(max_in[key], caps.weight_bits)
            w = _weights(proj)
            tiny = w[(w > 0) & (w < res / 2)]
            if tiny.size:
                out.append(f"projection {proj.name!r}: weight {tiny.min():g} nA is below half the "
                           f"{caps.weight_bits}-bit resolution {res:g} nA set by the largest weight "
                           f"{max_in[key]:g} nA into {key[0]!r} ({key[1]}); it would be stored as 0")
    return out


def _plastic_row_problems(net, caps):
    from snn.lowering import expand_projections
    out = []
    for proj, pre, post, _, _ in expand_projections(net):
        if proj.plasticity is None or pre.size == 0:
            continue
        core = post // caps.neurons_per_core
        rows = np.bincount(pre * (int(core.max()) + 1) + core)
        if rows.max() > caps.max_plastic_row:
            out.append(f"projection {proj.name!r}: a presynaptic neuron has {int(rows.max())} plastic synapses onto "
                       f"one core of {caps.neurons_per_core} neurons; {caps.name} allows {caps.max_plastic_row} per "
                       f"row. Split {proj.post!r} or use fewer neurons per core")
    return out


def notes(net, backend):
    """Things worth knowing that do not stop the deployment (delay extensions, semantics that differ)."""
    caps = capabilities(backend)
    out = list(caps.notes)
    if caps.max_delay_native is not None:
        long = [p.name for p in net.projections
                if p.pre in {q.label for q in net.populations} and _delay_steps(p, net.dt) > caps.max_delay_native]
        if long:
            out.append(f"projections {long} have delays over {caps.max_delay_native} steps: delay extensions")
    return out
