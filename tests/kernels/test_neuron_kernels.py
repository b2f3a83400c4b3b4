"""The 'exact' neuron kernels against naive numpy versions written here from the model equations.

Tolerances: the kernel and the naive version evaluate the same closed forms in a different order of operations
(and the naive propagators come from scipy's matrix exponential, not from the closed form in snn/cells.py), so
states agree to a few hundred ulps of their magnitude; spike sets must be identical.
"""
import numpy as np
import pytest
from scipy.linalg import expm

from snn.cells import N_COEF, coefficient_column
from snn.connectors import FromList
from snn.engine import Simulator
from snn.kernels.neurons import if_cond_exp_exact, if_curr_exp_exact
from snn.spec import Network, Population, Projection

DT = 0.1
EPS = np.finfo(np.float64).eps


def _curr_params(rng, n):
    return dict(cm=rng.uniform(0.1, 1.0, n), tau_m=rng.uniform(5, 30, n), tau_refrac=rng.choice([0.1, 0.5, 2.0], n),
                tau_syn_E=rng.uniform(1, 10, n), tau_syn_I=rng.uniform(1, 10, n), v_rest=rng.uniform(-70, -60, n),
                v_reset=rng.uniform(-75, -65, n), v_thresh=rng.uniform(-55, -50, n), i_offset=rng.uniform(0, 1.2, n))


def _cond_params(rng, n):
    p = _curr_params(rng, n)
    p.update(e_rev_E=rng.uniform(-5, 5, n), e_rev_I=rng.uniform(-85, -70, n))
    return p


def propagators(p):
    """Per neuron, the matrix exponential of the generator of dI_e/dt = -I_e/tau_E, dI_i/dt = -I_i/tau_I,
    d(V - E_L)/dt = -(V - E_L)/tau_m + (I_e - I_i + I_offset)/C, with the constant drive as a fourth state."""
    out = []
    for k in range(np.size(p["tau_m"])):
        c, tm = p["cm"][k], p["tau_m"][k]
        a = np.array([[-1 / p["tau_syn_E"][k], 0, 0, 0], [0, -1 / p["tau_syn_I"][k], 0, 0],
                      [1 / c, -1 / c, -1 / tm, p["i_offset"][k] / c], [0, 0, 0, 0]])
        out.append(expm(a * DT))
    return np.asarray(out)


def naive_curr_exp(p, v, ie, ii, r, in_e, in_i):
    """One step of iaf_psc_exp, propagated with ``propagators(p)`` (cached in ``p["P"]``)."""
    if "P" not in p:
        p["P"] = propagators(p)
    x = np.einsum("kij,kj->ki", p["P"], np.stack([ie, ii, v - p["v_rest"], np.ones_like(v)], axis=1))
    v_new = p["v_rest"] + x[:, 2]
    refractory = r > 0
    v = np.where(refractory, v, v_new)
    r = np.where(refractory, r - 1, r)
    ie = np.exp(-DT / p["tau_syn_E"]) * ie + in_e
    ii = np.exp(-DT / p["tau_syn_I"]) * ii + in_i
    fired = v >= p["v_thresh"]
    return np.where(fired, p["v_reset"], v), ie, ii, np.where(fired, np.rint(p["tau_refrac"] / DT), r), fired


def naive_cond_exp(p, v, ge, gi, r, in_e, in_i):
    """One exponential-Euler step: with g frozen, V relaxes exponentially to its steady state."""
    g_l = p["cm"] / p["tau_m"]
    g = g_l + ge + gi
    v_inf = (g_l * p["v_rest"] + ge * p["e_rev_E"] + gi * p["e_rev_I"] + p["i_offset"]) / g
    v_new = v_inf + (v - v_inf) * np.exp(-DT * g / p["cm"])
    refractory = r > 0
    v = np.where(refractory, v, v_new)
    r = np.where(refractory, r - 1, r)
    ge = np.exp(-DT / p["tau_syn_E"]) * ge + in_e
    gi = np.exp(-DT / p["tau_syn_I"]) * gi + in_i
    fired = v >= p["v_thresh"]
    return np.where(fired, p["v_reset"], v), ge, gi, np.where(fired, np.rint(p["tau_refrac"] / DT), r), fired


def _coef_columns(cell_type, p, n, uniform):
    rows = [coefficient_column(cell_type, {k: (float(x[0]) if uniform else float(x[i])) for k, x in p.items()}, DT,
                               "exact") for i in range(n)]
    return np.ascontiguousarray(np.asarray(rows).T)


@pytest.mark.parametrize("model", ["curr", "cond"])
@pytest.mark.parametrize("uniform", [True, False])
def test_kernel_matches_naive_step(model, uniform):
    rng = np.random.default_rng(3)
    n, steps = 40, 600
    p = (_curr_params if model == "curr" else _cond_params)(rng, n)
    if uniform:
        p = {k: np.full(n, x[0]) for k, x in p.items()}
    kernel, naive, lower = ((if_curr_exp_exact, naive_curr_exp, "IF_curr_exp") if model == "curr" else
                            (if_cond_exp_exact, naive_cond_exp, "IF_cond_exp"))
    coef = _coef_columns(lower, p, n, uniform)
    assert coef.shape == (N_COEF, n)
    scale = 1.0 if model == "curr" else 0.02          # arrival sizes: nA or uS
    v = rng.uniform(-70, -50, n)
    s_v, s_e, s_i, s_r = v.copy(), np.zeros(n), np.zeros(n), np.zeros(n, np.int32)
    k_v, k_syn, k_r = v.copy(), np.zeros((2, n)), np.zeros(n, np.int32)
    k_e, k_i = k_syn[0], k_syn[1]
    fired = np.zeros(n, np.bool_)
    n_spikes = n_refr = 0
    for t in range(steps):
        in_e = np.where(rng.random(n) < 0.05, rng.uniform(0, 2, n) * scale, 0.0)
        in_i = np.where(rng.random(n) < 0.05, rng.uniform(0, 2, n) * scale, 0.0)
        s_v, s_e, s_i, s_r, s_f = naive(p, s_v, s_e, s_i, s_r, in_e, in_i)
        ke, ki = in_e.copy(), in_i.copy()
        kernel(0, n, coef, uniform, k_v, k_syn, k_r, ke, ki, fired)
        assert not ke.any() and not ki.any(), "the kernel clears its input slots"
        np.testing.assert_array_equal(fired, s_f, err_msg=f"spikes differ at step {t}")
        np.testing.assert_array_equal(k_r, s_r)
        np.testing.assert_allclose(k_v, s_v, rtol=0, atol=400 * EPS * 80)
        np.testing.assert_allclose(k_e, s_e, rtol=0, atol=64 * EPS * max(1.0, np.abs(s_e).max()))
        np.testing.assert_allclose(k_i, s_i, rtol=0, atol=64 * EPS * max(1.0, np.abs(s_i).max()))
        n_spikes += s_f.sum()
        n_refr += (s_r > 0).sum()
    assert n_spikes > 50 and n_refr > 100, "the test must exercise threshold, reset and refractoriness"


def _small_network(cell_type, params, w_scale):
    """Two sources and five neurons with fixed delays of 1-4 steps, recurrent synapses of both receptors."""
    src = Population("src", 2, "SpikeSourceArray", {"spike_times": [[1.0, 5.0, 5.3, 12.0, 20.0], [3.0, 8.0, 15.5]]})
    rng = np.random.default_rng(0)
    neu = Population("n", 5, cell_type, params, initial_values={"v": rng.uniform(-66, -56, 5).tolist()})
    ff = [(0, k, 2.0 * w_scale, 0.1 * (1 + k % 3)) for k in range(5)] + [(1, k, 1.0 * w_scale, 0.2) for k in range(5)]
    rec = [(0, 1, 0.6 * w_scale, 0.3), (1, 2, 0.6 * w_scale, 0.1), (2, 3, 0.8 * w_scale, 0.4),
           (3, 0, 0.5 * w_scale, 0.2)]
    inh = [(4, k, 0.7 * w_scale, 0.1) for k in range(4)]
    projs = (Projection("src", "n", FromList(ff[:5])),
             Projection("src", "n", FromList(ff[5:]), receptor_type="inhibitory", label="src-inh"),
             Projection("n", "n", FromList(rec), label="rec"),
             Projection("n", "n", FromList(inh), receptor_type="inhibitory", label="rec-inh"))
    return Network((src, neu), projs, dt=DT, schedule="exact")


def naive_network(net, duration, step):
    """The 'exact' schedule written plainly: dense per-delay weight tensors, spikes stamped at (t + 1) * dt."""
    n_src, n = net.populations[0].size, net.populations[1].size
    p = {k: np.broadcast_to(np.asarray(x, float), (n,)).copy() for k, x in net.populations[1].parameters().items()}
    steps = int(round(duration / DT))
    arrivals = np.zeros((steps + 10, 2, n))
    src_steps = [np.rint(np.asarray(t) / DT).astype(int) - 1 for t in net.populations[0].parameters()["spike_times"]]
    syn = [(pr.pre, pr.receptor_type, row) for pr in net.projections for row in pr.connector.conn_list]
    v = np.asarray(net.populations[1].initial_values["v"], float)
    x, y, r = np.zeros(n), np.zeros(n), np.zeros(n)
    out = []
    for t in range(steps):
        v, x, y, r, fired = step(p, v, x, y, r, arrivals[t, 0], arrivals[t, 1])
        spikers = [("n", j) for j in np.flatnonzero(fired)] + [("src", j) for j in range(n_src) if t in src_steps[j]]
        out += [((t + 1) * DT, j) for pop, j in spikers if pop == "n"]
        for pop, j in spikers:
            for pre, receptor, (a, b, w, d) in syn:
                if pre == pop and a == j:
                    arrivals[t + int(round(d / DT)), 0 if receptor == "excitatory" else 1, int(b)] += w
    return out


@pytest.mark.parametrize("model", ["IF_curr_exp", "IF_cond_exp"])
def test_engine_network_matches_naive(model):
    params = dict(cm=0.25, tau_m=10.0, tau_refrac=1.0, tau_syn_E=2.0, tau_syn_I=4.0, v_rest=-60.0, v_reset=-65.0,
                  v_thresh=-55.0, i_offset=0.1)
    if model == "IF_cond_exp":
        params.update(e_rev_E=0.0, e_rev_I=-80.0)
    net = _small_network(model, params, 1.0 if model == "IF_curr_exp" else 0.03)
    res = Simulator(net).run(30.0)
    t, i = res.spikes("n")
    expected = naive_network(net, 30.0, naive_curr_exp if model == "IF_curr_exp" else naive_cond_exp)
    got = sorted(zip(np.round(t, 6), i.tolist()))
    want = sorted((round(a, 6), int(b)) for a, b in expected)
    assert len(want) >= 8, "the network must spike, through recurrent synapses too"
    assert got == want


def test_uniform_and_heterogeneous_paths_agree():
    """A population with per-neuron parameters runs the per-neuron-coefficient loop; with equal values it is
    detected as uniform and runs the scalar loop. Both must give the same spikes."""
    base = dict(cm=0.25, tau_m=10.0, tau_refrac=2.0, v_rest=-65.0, v_reset=-70.0, v_thresh=-55.0)
    i_off = np.linspace(0.2, 0.9, 20)
    het = Network((Population("n", 20, "IF_curr_exp", dict(base, i_offset=i_off)),), dt=DT)
    one = [Network((Population("n", 1, "IF_curr_exp", dict(base, i_offset=float(x))),), dt=DT) for x in i_off]
    sim = Simulator(het)
    assert not sim.lowered.pop_uniform[0]
    res = sim.run(50.0)
    for k, net1 in enumerate(one):
        s1 = Simulator(net1)
        assert s1.lowered.pop_uniform[0]
        np.testing.assert_array_equal(res.spike_trains("n")[k], s1.run(50.0).spike_trains("n")[0])
