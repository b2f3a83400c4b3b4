"""Recording (V and plastic-weight snapshots) against naive numpy transcriptions, and the numerical guards.

V snapshots: the naive versions evaluate the same closed forms in the same order (spinnaker) or through scipy's
matrix exponential (exact, see test_neuron_kernels.py): V agrees to a few hundred ulps of its magnitude (exact)
and 1e-12 relative (spinnaker); snapshot times follow each schedule's spike stamps.
"""
import math

import numpy as np
import pytest

from snn.connectors import FixedProbability, FromList, OneToOne
from snn.engine import Simulator
from snn.errors import NumericalError, SnnError, SpecError
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection

from test_neuron_kernels import DT, EPS, naive_curr_exp

CELL = dict(cm=0.25, tau_m=10.0, tau_refrac=1.0, tau_syn_E=2.0, tau_syn_I=4.0, v_rest=-60.0, v_reset=-65.0,
            v_thresh=-55.0, i_offset=0.1)


def _driven(schedule, dt, n_src=6, n=5, steps=300, seed=0):
    rng = np.random.default_rng(seed)
    raster = rng.random((steps - 5, n_src)) < 0.08          # spikes of steps 0 .. steps-6
    off = 1 if schedule == "exact" else 0                    # stamp = (step + offset) * dt
    times = [list(np.round((np.flatnonzero(raster[:, j]) + off) * dt, 9)) for j in range(n_src)]
    w = np.where(rng.random((n_src, n)) < 0.6, rng.uniform(0.2, 1.5, (n_src, n)), 0.0)
    sign = np.where(np.arange(n_src) < 4, 0, 1)             # sources 4, 5 inhibitory
    rows = lambda rec: tuple((j, i, w[j, i]) for j in range(n_src) for i in range(n) if w[j, i] > 0 and sign[j] == rec)
    net = Network([Population("src", n_src, "SpikeSourceArray", dict(spike_times=times)),
                   Population("n", n, "IF_curr_exp", CELL, initial_values=dict(v=list(rng.uniform(-62, -56, n))))],
                  [Projection("src", "n", FromList(rows(0)), delay=dt),
                   Projection("src", "n", FromList(rows(1)), delay=dt, receptor_type="inhibitory", label="inh")],
                  dt=dt, schedule=schedule)
    return net, raster, w, sign


def _arrivals(raster, w, sign, steps):
    """in[t, receptor, post]: source spikes of step t arrive at step t + 1 (delay one step)."""
    out = np.zeros((steps + 1, 2, w.shape[1]))
    for t, j in zip(*np.nonzero(raster)):
        out[t + 1, sign[j]] += w[j]
    return out


def test_exact_v_snapshots_match_naive():
    steps, every = 300, 7
    net, raster, w, sign = _driven("exact", DT, steps=steps)
    res = Simulator(net).run(steps * DT, batch=2, record_v={"n": [4, 0, 2]}, every=every)
    p = {k: np.full(5, float(x)) for k, x in net.populations[1].parameters().items()}
    v = np.asarray(net.populations[1].initial_values["v"], float)
    ie, ii, r = np.zeros(5), np.zeros(5), np.zeros(5)
    arr = _arrivals(raster, w, sign, steps)
    want, fired_any = [], 0
    for t in range(steps):
        v, ie, ii, r, f = naive_curr_exp(p, v, ie, ii, r, arr[t, 0], arr[t, 1])
        fired_any += f.sum()
        if (t + 1) % every == 0:
            want.append(v[[4, 0, 2]].copy())
    times, got = res.v("n", sample=1)
    assert fired_any > 5
    assert res.v_index("n").tolist() == [4, 0, 2]
    np.testing.assert_allclose(times, np.arange(1, len(want) + 1) * every * DT)
    np.testing.assert_allclose(got, np.asarray(want), rtol=0, atol=400 * EPS * 80)


def test_spinnaker_v_snapshots_match_naive():
    steps, every = 200, 3
    net, raster, w, sign = _driven("spinnaker", 1.0, steps=steps, seed=1)
    res = Simulator(net, arithmetic="float64").run(float(steps), record_v={"n": None}, every=every)
    c = CELL
    init = {k: c[k] * (1 - math.exp(-1.0 / c[k])) for k in ("tau_syn_E", "tau_syn_I")}
    v = np.asarray(net.populations[1].initial_values["v"], float)
    ie, ii, refr = np.zeros(5), np.zeros(5), np.zeros(5, int)
    arr = _arrivals(raster, w, sign, steps)
    want, n_spikes = [], 0
    for t in range(steps):          # specs/ca3_cam.md 3.1, written plainly
        ie = ie + init["tau_syn_E"] * arr[t, 0]
        ii = ii + init["tau_syn_I"] * arr[t, 1]
        for i in range(5):
            if refr[i] <= 0:
                a = c["v_rest"] + c["tau_m"] / c["cm"] * (ie[i] - ii[i] + c["i_offset"])
                v[i] = a - math.exp(-1.0 / c["tau_m"]) * (a - v[i])
            else:
                refr[i] -= 1
            if v[i] >= c["v_thresh"]:
                n_spikes += 1
                v[i] = c["v_reset"]
                refr[i] = math.ceil(c["tau_refrac"])
        ie *= math.exp(-1.0 / c["tau_syn_E"])
        ii *= math.exp(-1.0 / c["tau_syn_I"])
        if t % every == 0:
            want.append(v.copy())
    times, got = res.v("n")
    assert n_spikes > 5
    np.testing.assert_array_equal(times, np.arange(0, steps, every).astype(float))
    np.testing.assert_allclose(got, np.asarray(want), rtol=1e-12, atol=0)


def _plastic(seed=0, A=0.5):
    rule = SpikePairSTDP(tau_plus=5.0, tau_minus=5.0, A_plus=A, A_minus=A, w_min=0.0, w_max=2.0)
    return Network([Population("pre", 30, "SpikeSourcePoisson", dict(rate=40.0)),
                    Population("drive", 10, "SpikeSourcePoisson", dict(rate=30.0)),
                    Population("post", 10, "IF_curr_exp", dict(CELL, tau_syn_E=0.3, tau_syn_I=0.3, cm=0.27,
                                                              tau_m=3.0))],
                   [Projection("drive", "post", OneToOne(), weight=6.0, delay=1.0),
                    Projection("pre", "post", FixedProbability(0.5), weight=1.0, delay=1.0, plasticity=rule,
                               label="stdp")],
                   dt=1.0, schedule="spinnaker", seed=seed)


def test_weight_snapshots_equal_final_weights_of_shorter_runs():
    sim = Simulator(_plastic())
    res = sim.run(300.0, batch=2, record_weights=["stdp"], every=50)
    times, hist = res.weight_history("stdp", sample=1)
    assert times.tolist() == [0.0, 50.0, 100.0, 150.0, 200.0, 250.0]
    for k, t in enumerate(times):
        short = sim.run(t + 1.0, batch=2).weights("stdp", sample=1)[2]
        np.testing.assert_array_equal(hist[k], short)
    assert np.ptp(hist, axis=0).max() > 0.1, "the weights must move"


def test_weights_stay_within_bounds_spike_pair():
    res = Simulator(_plastic(A=5.0)).run(500.0, batch=3, record_weights="stdp", every=1)
    for b in range(3):
        _, hist = res.weight_history("stdp", sample=b)
        assert hist.min() >= 0.0 and hist.max() <= 2.0
        # A far above w_max: updates hit both clamps (the upper one is then lowered a little by the depression
        # that follows it at the same pre spike)
        assert (hist == 0.0).any() and hist.max() > 1.9


def test_weights_stay_within_bounds_trace_stdp():
    from snn.models.nalsm import build_liquid
    net = build_liquid(n_inputs=16, shape=(4, 4, 4), variant="nalsm", phase="init", seed=0)
    sim = Simulator(net)
    rng = np.random.default_rng(0)
    res = sim.run(60.0, batch=4, stimuli={"events": rng.uniform(0, 0.5, (4, 16))}, seed=1)
    for proj in net.projections:
        if proj.plasticity is None:
            continue
        for b in range(4):
            w = res.weights(proj.name, sample=b)[2]
            assert w.min() >= proj.plasticity.w_min and w.max() <= proj.plasticity.w_max, proj.name


def _exploding(schedule, dt):
    # two sources spike in the same step onto one neuron with weight 1e308 each: the input overflows to inf.
    # Validation refuses such weights (magnitude <= 1e9), so they are written into the lowered arrays: the guard
    # must catch a non-finite state whatever produced it.
    t_src = 100 * dt if schedule == "exact" else 99 * dt       # both stamped in step 99, arriving in step 100
    net = Network([Population("src", 2, "SpikeSourceArray", dict(spike_times=[[t_src], [t_src]])),
                   Population("a", 3, "IF_curr_exp"), Population("b", 4, "IF_curr_exp")],
                  [Projection("src", "b", FromList(((0, 2), (1, 2))), weight=1.0, delay=dt)],
                  dt=dt, schedule=schedule)
    # integers cannot go NaN: the 'spinnaker' schedule's float64 emulation is the one to guard
    sim = Simulator(net, **({"arithmetic": "float64"} if schedule == "spinnaker" else {}))
    sim.lowered.s_w[:] = 1e308
    sim.lowered.s_row_w[:] = 1e308
    return sim


@pytest.mark.parametrize("schedule, dt", [("exact", 0.1), ("spinnaker", 1.0)])
def test_nan_inf_stops_with_population_neuron_step(schedule, dt):
    sim = _exploding(schedule, dt)
    with pytest.raises(NumericalError) as info:
        sim.run(300 * dt, batch=3)
    e = info.value
    assert isinstance(e, SnnError)
    assert (e.label, e.neuron, e.step, e.sample) == ("b", 2, 100, 0)
    assert "'b'" in str(e) and "neuron 2" in str(e) and "step 100" in str(e)
    sim.run(100 * dt)     # steps 0-99: the overflowing input would arrive in step 100, so no error


def test_probe_arguments_are_checked():
    sim = Simulator(_plastic())
    with pytest.raises(SpecError, match="every"):
        sim.run(10.0, record_v={"post": None}, every=0)
    with pytest.raises(SpecError, match="indices"):
        sim.run(10.0, record_v={"post": [10]})
    with pytest.raises(SpecError, match="membrane"):
        sim.run(10.0, record_v={"pre": [0]})
    with pytest.raises(SpecError, match="static"):
        sim.run(10.0, record_weights=["drive->post"])
    with pytest.raises(SpecError, match="not recorded"):
        sim.run(10.0).v("post")
