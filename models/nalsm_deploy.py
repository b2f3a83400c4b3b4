"""The nearest deployable variant of a NALSM liquid: phase-1 weights frozen onto ``IF_curr_exp`` neurons.

NALSM_LIF, TraceSTDP and the astrocyte have no PyNN equivalent (``snn.hardware.capabilities``). What can be
deployed to NEST or SpiNNaker is the liquid *after* phase 1, with its learned weights frozen (phase 2 of the
paper keeps learning with decaying rates; the frozen variant does not):

* cells: NALSM_LIF (v <- v + I - v dt/tau_m, threshold 20, reset 0, 2 refractory steps, tau_m 64 ms) becomes
  IF_curr_exp with v_rest = v_reset = 0, v_thresh = 20, tau_m = 64 ms, tau_refrac = 2 ms, and exponential
  synapses of tau_syn = 1 ms: NALSM's synaptic kernel w e^(-age) (age in 1 ms steps) decays by e^-1 per step.
  cm = 1 - e^-1 nF makes the charge of one spike, w * tau_syn / cm, equal NALSM's summed kernel
  w / (1 - e^-1), so a weight keeps its size in mV (leak neglected).
* weights: signed NALSM weights split by sign into an excitatory (w > 0) and an inhibitory (|w|, w < 0)
  projection, same pairs; zero weights are dropped. Delay 1 ms (dt = 1 ms, 'exact' schedule).
* input: the ``events`` source drives one IF_curr_exp relay per input channel (NALSM's input neurons) with
  ``W_IN`` nA, enough to fire it in the step after an event; ``events`` is a ``SpikeSourceInput`` (per-sample
  rates or events in the engine), or a ``SpikeSourcePoisson`` with per-channel rates for a deployed network.

The variant is an approximation, not NALSM: V is integrated exactly (NALSM: Euler), an input arrives one step
later in V (NEST's order), V does not integrate while refractory, and the weights no longer learn.
"""
import math

import numpy as np

from snn.connectors import OneToOne
from snn.engine import Simulator
from snn.spec import Network, Population, Projection

from .deploy import signed_projections
from .nalsm import build_liquid

LIQUID_CELL = dict(cm=1.0 - math.exp(-1.0), tau_m=64.0, tau_refrac=2.0, tau_syn_E=1.0, tau_syn_I=1.0,
                   v_rest=0.0, v_reset=0.0, v_thresh=20.0, i_offset=0.0)
W_IN = 100.0          # nA onto the relays: V jumps by ~99 mV (> 20) in the step after an event
LIQUID_PROJECTIONS = ("input->exc", "input->inh", "exc->exc", "exc->inh", "inh->exc", "inh->inh")


def frozen_liquid(n_inputs, w_plastic=None, shape=(10, 10, 10), variant="nalsm", seed=0, rates_hz=None):
    """The deployable liquid of ``build_liquid(n_inputs, shape, variant, seed=seed)`` with the plastic weights
    ``w_plastic`` (the phase-1 result, in the engine's plastic order; None: the initial weights) frozen.
    ``rates_hz``: per-channel Poisson rates (Hz) for a ``SpikeSourcePoisson`` input; None: a
    ``SpikeSourceInput`` fed at run time. Returns a 'exact'-schedule ``Network`` (dt = 1 ms)."""
    nalsm = build_liquid(n_inputs, shape, variant=variant, phase="features", seed=seed)
    sim = Simulator(nalsm, record=())
    w_all = sim.initial_plastic_weights if w_plastic is None else np.asarray(w_plastic, float)
    if rates_hz is None:
        events = Population("events", n_inputs, "SpikeSourceInput")
    else:
        events = Population("events", n_inputs, "SpikeSourcePoisson", dict(rate=np.asarray(rates_hz, float)))
    pops = [events, Population("input", n_inputs, "IF_curr_exp", dict(LIQUID_CELL)),
            Population("exc", nalsm.population("exc").size, "IF_curr_exp", dict(LIQUID_CELL)),
            Population("inh", nalsm.population("inh").size, "IF_curr_exp", dict(LIQUID_CELL))]
    projs = [Projection("events", "input", OneToOne(), weight=W_IN, delay=1.0, label="events->input")]
    for name in LIQUID_PROJECTIONS:
        m = sim.synapses[name]
        w = w_all[m.index] if m.table == "plastic" else sim.lowered.s_w[m.index]
        src, dst = name.split("->")
        pre, post = m.pre - sim.offsets[src], m.post - sim.offsets[dst]
        projs += signed_projections(src, dst, pre, post, w, name=name)
    return Network(pops, projs, dt=1.0, schedule="exact", seed=seed)
