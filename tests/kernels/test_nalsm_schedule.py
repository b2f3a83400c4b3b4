"""The numba 'nalsm' schedule (NALSM_LIF + TraceSTDP + Astrocyte / CalciumGate, event-driven) against a naive
dense numpy implementation of the spec (tests/kernels/nalsm_reference.py)."""
import numpy as np
import pytest

from snn.connectors import FixedProbability, FromList, OneToOne
from snn.engine import Simulator
from snn.plasticity import Astrocyte, CalciumGate, TraceSTDP
from snn.spec import Network, Population, Projection

from nalsm_reference import dense_reference

N_SRC, N_IN, N_E, N_I = 12, 12, 32, 8
# A gate whose windows the test's calcium (start values uniform in [0, 20], tau 50 steps) moves through:
# LTD (5, 10), LTP (10, 15), no change below 5 or above 15.
GATE = CalciumGate(theta=10.0, width=5.0, tau_C=50.0)


def small_net(seed=3, astro=True, lr_decay=0.99, w_in=3.0, gate=None):
    rng = np.random.default_rng(seed)
    pre = rng.integers(0, N_IN, 120)
    post = rng.integers(0, N_E + N_I, 120)
    keep = np.unique(pre * 1000 + post, return_index=True)[1]
    pre, post = pre[keep], post[keep]
    sign = rng.choice([-1.0, 1.0], pre.size)
    to_e, to_i = post < N_E, post >= N_E
    stdp = dict(lr_decay=lr_decay)
    exc = TraceSTDP(w_min=0.0, w_max=3.0, **stdp)
    inh = TraceSTDP(w_min=-3.0, w_max=0.0, mirrored=True, **stdp)
    inp = TraceSTDP(w_min=-3.0, w_max=3.0, **stdp)
    pops = [Population("exc", N_E, "NALSM_LIF"), Population("inh", N_I, "NALSM_LIF"),
            Population("input", N_IN, "NALSM_LIF"), Population("events", N_SRC, "SpikeSourceInput")]
    projs = [Projection("events", "input", OneToOne(), weight=100.0)]
    projs += [Projection("input", "exc", FromList(np.c_[pre[to_e], post[to_e], w_in * sign[to_e]]), plasticity=inp),
              Projection("input", "inh", FromList(np.c_[pre[to_i], post[to_i] - N_E, w_in * sign[to_i]]),
                         plasticity=inp)]
    for src, rule, rec in (("exc", exc, "excitatory"), ("inh", inh, "inhibitory")):
        for dst in ("exc", "inh"):
            projs.append(Projection(src, dst, FixedProbability(0.25, allow_self_connections=False), weight=3.0,
                                    receptor_type=rec, plasticity=rule))
    mods = (Astrocyte(plus=("exc", "inh"), minus=("input",), w_A=0.015, decay=lr_decay),) if astro else ()
    mods += (gate,) if gate is not None else ()
    return Network(pops, projs, schedule="nalsm", seed=seed, modulators=mods)


def dense_setup(sim):
    net = sim.net
    n = sim.lowered.coefs.shape[1]
    W = np.zeros((n, n))
    plastic = np.zeros((n, n), bool)
    wmin, wmax = np.zeros((n, n)), np.zeros((n, n))
    mirrored = np.zeros((n, n), bool)
    for proj in net.projections:
        m = sim.synapses[proj.name]
        if m.table == "plastic":
            W[m.post, m.pre] = sim.initial_plastic_weights[m.index]
            plastic[m.post, m.pre] = True
            wmin[m.post, m.pre], wmax[m.post, m.pre] = proj.plasticity.w_min, proj.plasticity.w_max
            mirrored[m.post, m.pre] = proj.plasticity.mirrored
        else:
            W[m.post, m.pre] = sim.lowered.s_w[m.index]
    is_cell = np.ones(n, bool)
    is_cell[sim.offsets["events"]:] = False
    return n, is_cell, W, plastic, wmin, wmax, mirrored


@pytest.mark.parametrize("astro,gate", [(True, None), (False, None), (False, GATE), (True, GATE)],
                         ids=["astrocyte", "plain", "gate", "gate+astrocyte"])
def test_schedule_matches_dense_reference(astro, gate):
    """Same spikes (exactly), same weights, traces and calcium to 1e-12 over 150 steps. Weights/traces agree to
    rounding: the kernel keeps I_syn as a running sum (decayed by e^-1, raised at spikes and weight changes)
    where the reference recomputes W @ e^-age, so V differs at ~1e-13; a spike could only flip if V came within
    that of the threshold."""
    net = small_net(astro=astro, gate=gate)
    sim = Simulator(net)
    T = 150
    rng = np.random.default_rng(7)
    ev = rng.random((1, N_SRC, T)) < 0.08
    x0 = np.random.default_rng(8).random(sim.lowered.coefs.shape[1]) * 0.2
    c0 = np.random.default_rng(9).random(sim.lowered.coefs.shape[1]) * 20.0
    res = sim.run(float(T), batch=1, stimuli={"events": ev}, traces=x0, calcium=c0)
    n, is_cell, W, plastic, wmin, wmax, mirrored = dense_setup(sim)
    events = np.zeros((n, T), bool)
    events[sim.offsets["events"]:] = ev[0]
    astro_ref = None
    if astro:
        plus = np.zeros(n, bool)
        plus[:N_E + N_I] = True
        minus = np.zeros(n, bool)
        minus[sim.offsets["input"]:sim.offsets["input"] + N_IN] = True
        astro_ref = dict(plus=plus, minus=minus, w_A=0.015, b_A=0.15, tau_A=100.0, A0=0.15, decay=0.99)
    gate_ref = None if gate is None else dict(c0=c0, tau=gate.tau_C, theta=gate.theta, width=gate.width)
    spikes, W_ref, x_ref, _, c_ref = dense_reference(n, is_cell, 20.0, 64.0, 2, W, plastic, wmin, wmax, mirrored,
                                                     events, T, x0, lr_decay=0.99, astro=astro_ref, calcium=gate_ref)
    t_ref, i_ref = np.nonzero(spikes)
    order = np.lexsort((i_ref, t_ref))
    got_t, got_i = res._times[0], res._index[0]
    got = sorted(zip(got_t.astype(int).tolist(), got_i.tolist()))
    assert got == list(zip(t_ref[order].tolist(), i_ref[order].tolist()))
    liquid_spikes = spikes[:, :N_E + N_I].sum()
    assert liquid_spikes > 50, "the test network must be active for the comparison to mean anything"
    changed = 0
    for proj in net.projections:
        m = sim.synapses[proj.name]
        if m.table == "plastic":
            w_got = res.plastic_weights[0][m.index]
            np.testing.assert_allclose(w_got, W_ref[m.post, m.pre], rtol=0, atol=1e-12)
            changed += np.sum(np.abs(w_got - sim.initial_plastic_weights[m.index]) > 1e-6)
    assert changed > 100, "STDP must have changed many weights"
    np.testing.assert_allclose(res.traces[0], x_ref, rtol=0, atol=1e-12)
    if gate is not None:
        np.testing.assert_allclose(res.calcium[0], c_ref, rtol=0, atol=1e-12)
        liquid_c = c_ref[:N_E + N_I]
        for lo, hi in ((5, 10), (10, 15)):       # both windows held liquid neurons at the end
            assert np.sum((liquid_c > lo) & (liquid_c < hi)) >= 3, liquid_c
        free = Simulator(small_net(astro=astro)).run(float(T), batch=1, stimuli={"events": ev}, traces=x0)
        assert np.sum(np.abs(free.plastic_weights[0] - res.plastic_weights[0]) > 1e-6) > 100, \
            "the gate must have held back many of the changes the free rule makes"


def test_carry_over_equals_sequential_runs():
    """carry_over=True over 3 samples = 3 single runs, each from the previous weights and traces."""
    net = small_net(astro=True, lr_decay=1.0)
    sim = Simulator(net)
    rates = np.random.default_rng(1).random((3, N_SRC)) * 0.2
    chained = sim.run(20.0, batch=3, stimuli={"events": rates}, seed=5, carry_over=True)
    w, x = None, None
    for b in range(3):
        r = sim.run(20.0, batch=1, stimuli={"events": rates[b:b + 1]}, seed=5, sample_offset=b,
                    plastic_weights=w, traces=x)
        w, x = r.plastic_weights[0], r.traces[0]
        np.testing.assert_array_equal(r.counts_all[0], chained.counts_all[b])
    np.testing.assert_array_equal(w, chained.plastic_weights[0])
    np.testing.assert_array_equal(x, chained.traces[0])
