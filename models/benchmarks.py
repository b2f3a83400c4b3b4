"""Standard benchmark networks (Brette et al. 2007), as ``snn.spec.Network`` builders.

One convention for every implementation (snn, ``hardware/brian2_ref.py``, ``hardware/nest_ref.py``):

CUBA (Vogels & Abbott, Benchmark 2; brian2's ``examples/CUBA.py`` converted to PyNN units)
    4000 IF_curr_exp neurons, 3200 E ("exc") then 800 I ("inh"); cm 0.2 nF, tau_m 20 ms, v_rest -49 mV,
    v_thresh -50 mV, v_reset -60 mV, tau_refrac 5 ms, tau_syn_E 5 ms, tau_syn_I 10 ms.
    Four FixedProbability(0.02) projections (self-connections allowed, as brian2's ``connect(p=0.02)``);
    w_exc = 0.0162 nA (= brian2's 1.62 mV * cm / tau_m), w_inh = 0.090 nA on the inhibitory receptor (-9 mV).
    delay = dt = 0.1 ms for every synapse (brian2's example has none, i.e. delivery in the same step; one step is
    the shortest delay NEST and snn have, so every implementation uses 0.1 ms). v(0) ~ U(-60, -50) mV per neuron.

COBA (Benchmark 1; Brian1 / NEST ``coba.py`` parameters)
    4000 IF_cond_exp neurons, 3200 E / 800 I; cm 0.2 nF, tau_m 20 ms (g_L 10 nS), v_rest -60 mV,
    v_thresh -50 mV, v_reset -60 mV, tau_refrac 5 ms, tau_syn_E 5 ms, tau_syn_I 10 ms, e_rev_E 0 mV,
    e_rev_I -80 mV; w_exc 0.006 uS (6 nS), w_inh 0.067 uS (67 nS); p = 0.02, delay = dt = 0.1 ms.
    Initial state: v ~ N(-60, 5) mV (Brian1's COBA), clipped below threshold; g_e = g_i = 0. Brian1 also drew
    random initial conductances; snn lowers only initial v, so instead a 20-neuron SpikeSourceArray (~40 Hz for
    the first 50 ms, p = 0.05 onto the E cells, 0.02 uS) kick-starts the self-sustained activity (about 19 Hz),
    identically in every implementation.

STDP (plastic synapse stream; reference.md 3.1 "Pair STDP")
    1000 SpikeSourcePoisson sources at 10 Hz -> 1000 IF_curr_exp (cm 0.25 nF, tau_m 10 ms, tau_syn_E 5 ms,
    tau_refrac 2 ms, v_rest -65, v_thresh -50, v_reset -65 mV), FixedProbability(0.1) (~1e5 plastic
    synapses), delay = dt = 0.1 ms, initial weight 0.08 nA, SpikePairSTDP(tau 20 / 20 ms, A+ 0.0008 nA,
    A- 0.00084 nA absolute, w in [0, 0.16] nA). Runs in snn's 'spinnaker' schedule (sPyNNaker's deferred
    rule, the only one that schedule has); brian2 runs the same synapses with its classic online traces.
"""
from snn.connectors import FixedProbability
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection

import numpy as np

N_EXC, N_INH = 3200, 800

CUBA_CELL = dict(cm=0.2, tau_m=20.0, v_rest=-49.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0,
                 tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.0)
CUBA_W_EXC, CUBA_W_INH = 0.0162, 0.090          # nA

COBA_CELL = dict(cm=0.2, tau_m=20.0, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0,
                 tau_syn_E=5.0, tau_syn_I=10.0, e_rev_E=0.0, e_rev_I=-80.0, i_offset=0.0)
COBA_W_EXC, COBA_W_INH = 0.006, 0.067           # uS
COBA_KICK = dict(n=20, rate_hz=40.0, until_ms=50.0, p=0.05, w=0.02)


def _ei_network(cell_type, cell, v0_exc, v0_inh, w_exc, w_inh, p, dt, seed, extra_pops=(), extra_projs=()):
    pops = (Population("exc", N_EXC, cell_type, dict(cell), initial_values={"v": v0_exc}),
            Population("inh", N_INH, cell_type, dict(cell), initial_values={"v": v0_inh}), *extra_pops)
    projs = []
    for pre, w, rec in (("exc", w_exc, "excitatory"), ("inh", w_inh, "inhibitory")):
        for post in ("exc", "inh"):
            projs.append(Projection(pre, post, FixedProbability(p), weight=w, delay=dt, receptor_type=rec,
                                    label=f"{pre}->{post}"))
    return Network(pops, (*projs, *extra_projs), dt=dt, schedule="exact", seed=seed)


def cuba(seed=0, dt=0.1, p=0.02):
    """Vogels-Abbott CUBA (see module docstring). ``seed`` draws v(0) and, through ``Network.seed``, the
    connectivity."""
    rng = np.random.default_rng([seed, 1])
    v0 = rng.uniform(CUBA_CELL["v_reset"], CUBA_CELL["v_thresh"], N_EXC + N_INH)
    return _ei_network("IF_curr_exp", CUBA_CELL, v0[:N_EXC], v0[N_EXC:], CUBA_W_EXC, CUBA_W_INH, p, dt, seed)


def coba(seed=0, dt=0.1, p=0.02):
    """COBA (see module docstring): IF_cond_exp with a short SpikeSourceArray kick to start the activity."""
    rng = np.random.default_rng([seed, 2])
    v0 = np.minimum(rng.normal(-60.0, 5.0, N_EXC + N_INH), COBA_CELL["v_thresh"] - 0.1)
    k = COBA_KICK
    n_spikes = rng.poisson(k["rate_hz"] * k["until_ms"] / 1000.0, k["n"])
    times = [np.unique(np.round(rng.uniform(dt, k["until_ms"], m) / dt)) * dt for m in n_spikes]
    kick = Population("kick", k["n"], "SpikeSourceArray", {"spike_times": [list(map(float, t)) for t in times]})
    kick_proj = Projection("kick", "exc", FixedProbability(k["p"]), weight=k["w"], delay=dt, label="kick->exc")
    return _ei_network("IF_cond_exp", COBA_CELL, v0[:N_EXC], v0[N_EXC:], COBA_W_EXC, COBA_W_INH, p, dt, seed,
                       (kick,), (kick_proj,))


STDP_CELL = dict(cm=0.25, tau_m=10.0, v_rest=-65.0, v_thresh=-50.0, v_reset=-65.0, tau_refrac=2.0,
                 tau_syn_E=5.0, tau_syn_I=5.0, i_offset=0.0)
STDP_RULE = dict(tau_plus=20.0, tau_minus=20.0, A_plus=0.0008, A_minus=0.00084, w_min=0.0, w_max=0.16)


def stdp(seed=0, dt=0.1, n_pre=1000, n_post=1000, p=0.1, rate_hz=10.0, w0=0.08):
    """Poisson sources -> LIF through pair-STDP synapses (see module docstring)."""
    pops = (Population("pre", n_pre, "SpikeSourcePoisson", dict(rate=rate_hz)),
            Population("post", n_post, "IF_curr_exp", dict(STDP_CELL)))
    proj = Projection("pre", "post", FixedProbability(p), weight=w0, delay=dt, plasticity=SpikePairSTDP(**STDP_RULE),
                      label="stdp")
    return Network(pops, (proj,), dt=dt, schedule="spinnaker", seed=seed)


def synaptic_events(net, counts, synapses=None):
    """Pre spikes x out-degree + post spikes x in-degree over every projection (the per-synapse work of a
    pair rule): ``counts`` = {label: spike counts per neuron}. Returns (pre events, post events)."""
    from snn.lowering import expand_projections
    pre_ev = post_ev = 0
    for proj, pre, post, _, _ in (synapses if synapses is not None else expand_projections(net)):
        pre_ev += int(np.dot(np.bincount(pre, minlength=net.population(proj.pre).size), counts[proj.pre]))
        if proj.plasticity is not None:
            post_ev += int(np.dot(np.bincount(post, minlength=net.population(proj.post).size), counts[proj.post]))
    return pre_ev, post_ev


BENCHMARKS = {"cuba": cuba, "coba": coba, "stdp": stdp}
