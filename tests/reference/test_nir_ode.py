"""NIR graphs built with the ``nir`` package's constructors, simulated by snn (``from_nir``) and by a naive numpy
integration of NIR's equations written here (``nir/ir/neuron.py``: spikes are Dirac deltas, a delta of weight w
steps LIF's v by R w / tau, IF's by R w, CubaLIF's synaptic current by w_in w / tau_syn).

The reference integrates on a fine grid (h = dt / K) with exact exponentials for a constant input over a substep,
fires on v > v_threshold and resets to v_reset; convolutions and pooling are loops over the image here, not the
sparse matrices of snn/nir/ops.py. It models the one documented difference of the mapping: every path into a
neuron node takes one step dt in snn (NIR transmits instantly), so the reference delays neuron inputs by dt.

Tolerances (stated per test): delta-input cells without bias cross threshold only at input arrivals, which lie on
the grid in both, so spikes are identical and V agrees to 1e-9 (different but exact arithmetic). Where V rises
between arrivals (CubaLIF, a bias) snn sees a crossing at the next grid point: each spike is up to one dt late,
so counts agree within 1 + count dt / (shortest reference interspike interval).
"""
import numpy as np
import pytest
from scipy.linalg import expm

nir = pytest.importorskip("nir")

from snn.engine import Simulator  # noqa: E402
from snn.nir import from_nir  # noqa: E402

DT, K = 0.5, 20


def _conv(x, w, stride, pad):
    c_out, c_in, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    ho, wo = (xp.shape[1] - kh) // stride + 1, (xp.shape[2] - kw) // stride + 1
    out = np.zeros((c_out, ho, wo))
    for co in range(c_out):
        for y in range(ho):
            for z in range(wo):
                out[co, y, z] = np.sum(w[co] * xp[:, y * stride:y * stride + kh, z * stride:z * stride + kw])
    return out


def _sumpool(x, k):
    c, h, w = x.shape
    return x[:, :h // k * k, :w // k * k].reshape(c, h // k, k, w // k, k).sum(axis=(2, 4))


class Reference:
    """NIR's ODEs on a fine grid: ``run(inputs, n_steps)`` with inputs {name: bool (n, n_steps)}, a spike of step t
    at time (t + 1) dt (the engine's stamp); returns spike times (ms) per node and v per grid step."""

    def __init__(self, graph):
        self.g = graph
        self.preds = {n: [a for a, b in graph.edges if b == n] for n in graph.nodes}

    def signal(self, name, j):
        """(impulse amplitudes, continuous value) leaving node ``name`` at substep j."""
        node = self.g.nodes[name]
        if name in self.out:
            n = self.out[name].shape[1]
            return (self.out[name][j] if j >= 0 else np.zeros(n)), np.zeros(n)
        parts = [self.signal(p, j) for p in self.preds[name]]
        a, c = sum(p[0] for p in parts), sum(p[1] for p in parts)
        if isinstance(node, nir.Delay):
            return self.signal(self.preds[name][0], j - int(round(float(np.ravel(node.delay)[0]) / (DT / K))))
        if isinstance(node, (nir.Affine, nir.Linear)):
            b = node.bias if isinstance(node, nir.Affine) else 0.0
            return node.weight @ a, node.weight @ c + b
        if isinstance(node, nir.Scale):
            return node.scale * a, node.scale * c
        if isinstance(node, nir.Flatten):
            return a.ravel(), c.ravel()
        if isinstance(node, nir.Conv2d):
            shp = (node.weight.shape[1], *node.input_shape)
            f = lambda x: _conv(x.reshape(shp), node.weight, node.stride[0], node.padding[0]).ravel()  # noqa: E731
            return f(a), f(c) + np.repeat(node.bias, f(c).size // node.bias.size)
        if isinstance(node, nir.SumPool2d):
            f = lambda x: _sumpool(x.reshape(self.shape[self.preds[name][0]]), node.kernel_size[0]).ravel()  # noqa
            return f(a), f(c)
        raise NotImplementedError(type(node))

    def run(self, inputs, n_steps, shapes):
        self.shape = shapes
        h, n_sub = DT / K, n_steps * K
        size = lambda v: int(np.prod(v.input_type["input"])) if isinstance(v, nir.Input) else v.r.size  # noqa
        self.out = {k: np.zeros((n_sub + 1, size(v))) for k, v in self.g.nodes.items()
                    if isinstance(v, (nir.Input, nir.LIF, nir.IF, nir.CubaLIF, nir.LI, nir.I))}
        for name, x in inputs.items():
            self.out[name][K::K] = x.T
        neurons = [k for k, v in self.g.nodes.items() if k in self.out and not isinstance(v, nir.Input)]
        st = {k: dict(v=np.array(getattr(self.g.nodes[k], "v_leak", 0.0), float).ravel().copy(), i=0.0)
              for k in neurons}
        vs = {k: [] for k in neurons}
        for j in range(1, n_sub + 1):
            for name in neurons:
                node, s = self.g.nodes[name], st[name]
                q = {k: np.ravel(v) for k, v in vars(node).items() if isinstance(v, np.ndarray)}   # flat params
                parts = [self.signal(p, j - K) for p in self.preds[name]]     # the one-step path latency
                a, c = sum(p[0] for p in parts), sum(p[1] for p in parts)
                if isinstance(node, (nir.LIF, nir.LI)):
                    target = q["v_leak"] + q["r"] * c
                    s["v"] = target + (s["v"] - target) * np.exp(-h / q["tau"]) + q["r"] * a / q["tau"]
                elif isinstance(node, (nir.IF, nir.I)):
                    s["v"] = s["v"] + q["r"] * c * h + q["r"] * a
                else:   # CubaLIF: (I, v, 1) propagated exactly over h, then the arrivals join I
                    s["P"] = s.get("P") or [expm(h * np.array([[-1 / ts, 0, w * cc / ts], [r / tm, -1 / tm, vl / tm],
                                                               [0, 0, 0]]))
                                            for ts, tm, r, vl, w, cc in zip(q["tau_syn"], q["tau_mem"], q["r"],
                                                                            q["v_leak"], q["w_in"], c + 0 * q["r"])]
                    x = np.array([P @ [i, v, 1.0] for P, i, v in zip(s["P"], s["i"] + 0 * s["v"], s["v"])])
                    s["i"], s["v"] = x[:, 0] + q["w_in"] * a / q["tau_syn"], x[:, 1]
                if "v_threshold" in q:
                    fired = s["v"] > q["v_threshold"]
                    s["v"] = np.where(fired, q["v_reset"], s["v"])
                    self.out[name][j] = fired
                if j % K == 0:
                    vs[name].append(s["v"].copy())
        spikes = {k: [np.flatnonzero(self.out[k][:, i]) * h for i in range(self.out[k].shape[1])] for k in neurons}
        return spikes, {k: np.array(v) for k, v in vs.items()}


def _snn(graph, inputs, n_steps, record_v=()):
    net = from_nir(graph, DT)
    res = Simulator(net).run(n_steps * DT, stimuli={k: x[None] for k, x in inputs.items()},
                             record_v={k: None for k in record_v} or None)
    return res


def _lif(n, tau=10.0, r=2.0, thr=1.0, leak=0.0):
    return nir.LIF(tau=np.full(n, tau), r=np.full(n, r), v_leak=np.full(n, leak), v_threshold=np.full(n, thr),
                   v_reset=np.full(n, leak - 0.2))


def test_delta_cells_match_the_ode_exactly():
    """LIF, IF, LI with delta inputs and no bias: crossings only at arrivals, so identical spikes; LI's v to 1e-9."""
    rng = np.random.default_rng(1)
    g = nir.NIRGraph(nodes=dict(
        inp=nir.Input(input_type=np.array([6])),
        fc1=nir.Linear(weight=rng.normal(1.0, 3.0, (10, 6))),
        lif=_lif(10),
        fc2=nir.Linear(weight=rng.normal(0.2, 0.4, (5, 10))),
        delay=nir.Delay(delay=np.full(5, 3 * DT)),
        if_=nir.IF(r=np.full(5, 0.6), v_threshold=np.full(5, 0.4), v_reset=np.zeros(5)),
        fc3=nir.Linear(weight=rng.normal(0, 1.0, (3, 5))),
        li=nir.LI(tau=np.full(3, 5.0), r=np.full(3, 0.5), v_leak=np.full(3, 0.1)),
        out=nir.Output(output_type=np.array([3]))),
        edges=[("inp", "fc1"), ("fc1", "lif"), ("lif", "fc2"), ("fc2", "delay"), ("delay", "if_"), ("if_", "fc3"),
               ("fc3", "li"), ("li", "out")])
    n_steps = 300
    inputs = {"inp": rng.random((6, n_steps)) < 0.08}
    want, v_ref = Reference(g).run(inputs, n_steps, {})
    res = _snn(g, inputs, n_steps, record_v=["li"])
    for name in ("lif", "if_"):
        got = res.spike_trains(name)
        assert sum(map(len, got)) > 10
        for k in range(len(got)):
            np.testing.assert_allclose(got[k], want[name][k], atol=1e-9)
    assert res.counts("li").sum() == 0
    np.testing.assert_allclose(res.v("li")[1], v_ref["li"], rtol=0, atol=1e-9)


def test_conv_pool_flatten_match_the_ode_exactly():
    """Conv2d (padding 1) -> LIF -> SumPool2d -> Flatten -> Linear -> LIF, delta cells without bias: identical."""
    rng = np.random.default_rng(2)
    w = rng.normal(0.4, 0.6, (2, 1, 3, 3))
    g = nir.NIRGraph(nodes=dict(
        inp=nir.Input(input_type=np.array([1, 6, 6])),
        conv=nir.Conv2d(input_shape=(6, 6), weight=w, stride=1, padding=1, dilation=1, groups=1, bias=np.zeros(2)),
        lif1=nir.LIF(tau=np.full((2, 6, 6), 8.0), r=np.ones((2, 6, 6)), v_leak=np.zeros((2, 6, 6)),
                     v_threshold=np.full((2, 6, 6), 0.12)),
        pool=nir.SumPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
        flat=nir.Flatten(input_type={"input": np.array([2, 3, 3])}, start_dim=0),
        fc=nir.Linear(weight=rng.normal(0.5, 1.0, (4, 18))),
        lif2=_lif(4, tau=6.0, r=1.0, thr=0.3),
        out=nir.Output(output_type=np.array([4]))),
        edges=[("inp", "conv"), ("conv", "lif1"), ("lif1", "pool"), ("pool", "flat"), ("flat", "fc"),
               ("fc", "lif2"), ("lif2", "out")], type_check=False)
    n_steps = 120
    inputs = {"inp": rng.random((36, n_steps)) < 0.15}
    want, _ = Reference(g).run(inputs, n_steps, {"lif1": (2, 6, 6)})
    res = _snn(g, inputs, n_steps)
    for name in ("lif1", "lif2"):
        got = res.spike_trains(name)
        assert sum(map(len, got)) > 10
        for k in range(len(got)):
            np.testing.assert_allclose(got[k], want[name][k], atol=1e-9)


def _within_grid_error(got, want):
    """Counts agree within 1 + count dt / (shortest reference interspike interval): up to one dt late per spike."""
    for g_k, w_k in zip(got, want):
        isi = np.diff(w_k).min() if len(w_k) > 1 else np.inf
        assert abs(len(g_k) - len(w_k)) <= 1 + len(w_k) * DT / isi, (len(g_k), len(w_k))


def test_cuba_lif_with_bias_within_one_step_per_spike():
    rng = np.random.default_rng(4)
    n = 8
    g = nir.NIRGraph(nodes=dict(
        inp=nir.Input(input_type=np.array([5])),
        fc=nir.Affine(weight=rng.normal(2.0, 3.0, (n, 5)), bias=rng.uniform(0.0, 0.6, n)),
        cuba=nir.CubaLIF(tau_syn=np.full(n, 4.0), tau_mem=np.full(n, 12.0), r=np.full(n, 2.0), v_leak=np.zeros(n),
                         v_threshold=np.ones(n), v_reset=np.zeros(n), w_in=np.full(n, 1.5)),
        out=nir.Output(output_type=np.array([n]))),
        edges=[("inp", "fc"), ("fc", "cuba"), ("cuba", "out")])
    n_steps = 400
    inputs = {"inp": rng.random((5, n_steps)) < 0.05}
    want, v_ref = Reference(g).run(inputs, n_steps, {})
    res = _snn(g, inputs, n_steps, record_v=["cuba"])
    got = res.spike_trains("cuba")
    assert sum(map(len, want["cuba"])) > 30
    _within_grid_error(got, want["cuba"])
    # until a neuron first fires (in either), v differs only by the bias onset (snn applies w_in b from t = 0, NIR
    # filters it through the synapse): |dv| = R w_in b tau_syn / (tau_mem - tau_syn) |exp(-t/tau_mem) - exp(-t/tau_syn)|
    v = res.v("cuba")[1]
    t = np.arange(1, n_steps + 1) * DT
    onset = 4.0 / (12.0 - 4.0) * np.abs(np.exp(-t / 12.0) - np.exp(-t / 4.0))
    for k in range(n):
        end = int(round(min(got[k][0], want["cuba"][k][0]) / DT)) - 1
        bound = 2.0 * 1.5 * g.nodes["fc"].bias[k] * onset[:end] + 1e-9
        assert np.all(np.abs(v[:end, k] - v_ref["cuba"][:end, k]) <= bound)
        assert np.abs(v[:end, k] - v_ref["cuba"][:end, k]).max() > 0.5 * bound.max()   # the bound is the error


def test_cuba_lif_v_exact_until_the_first_spike():
    """Without bias CubaLIF's v is exact on the grid (NEST's propagators) until a neuron first fires; that spike is
    up to one dt late (the crossing falls between grid points)."""
    rng = np.random.default_rng(7)
    n = 8
    g = nir.NIRGraph(nodes=dict(
        inp=nir.Input(input_type=np.array([5])),
        fc=nir.Linear(weight=rng.normal(1.0, 2.0, (n, 5))),
        cuba=nir.CubaLIF(tau_syn=np.full(n, 4.0), tau_mem=np.full(n, 12.0), r=np.full(n, 2.0), v_leak=np.zeros(n),
                         v_threshold=np.ones(n), v_reset=np.zeros(n), w_in=np.full(n, 1.5)),
        out=nir.Output(output_type=np.array([n]))),
        edges=[("inp", "fc"), ("fc", "cuba"), ("cuba", "out")])
    n_steps = 300
    inputs = {"inp": rng.random((5, n_steps)) < 0.05}
    want, v_ref = Reference(g).run(inputs, n_steps, {})
    res = _snn(g, inputs, n_steps, record_v=["cuba"])
    got, v = res.spike_trains("cuba"), res.v("cuba")[1]
    fired = [k for k in range(n) if len(want["cuba"][k])]
    assert len(fired) >= 3
    for k in range(n):
        end = int(round(want["cuba"][k][0] / DT)) - 1 if len(want["cuba"][k]) else n_steps
        np.testing.assert_allclose(v[:end, k], v_ref["cuba"][:end, k], rtol=0, atol=1e-9)
        if k in fired:
            assert 0 <= got[k][0] - want["cuba"][k][0] < DT


def test_lif_with_bias_within_one_step_per_spike():
    rng = np.random.default_rng(6)
    n = 8
    g = nir.NIRGraph(nodes=dict(
        inp=nir.Input(input_type=np.array([4])),
        fc=nir.Affine(weight=rng.normal(0.5, 2.0, (n, 4)), bias=rng.uniform(0.05, 0.3, n)),
        lif=_lif(n, tau=10.0, r=5.0), out=nir.Output(output_type=np.array([n]))),
        edges=[("inp", "fc"), ("fc", "lif"), ("lif", "out")])
    n_steps = 400
    inputs = {"inp": rng.random((4, n_steps)) < 0.05}
    want, _ = Reference(g).run(inputs, n_steps, {})
    got = _snn(g, inputs, n_steps).spike_trains("lif")
    assert sum(map(len, want["lif"])) > 30
    _within_grid_error(got, want["lif"])


def test_threshold_fires_where_the_step_input_exceeds_it():
    """Threshold z = H(I - threshold) with I = W s_t + b read per step: a spike exactly where W s_t + b > threshold
    (strictly: equality does not fire, as in NIR's definition)."""
    W = np.array([[1.0, 1.0], [1.0, -1.0], [0.5, 0.5]])
    g = nir.NIRGraph(nodes=dict(inp=nir.Input(input_type=np.array([2])),
                                fc=nir.Affine(weight=W, bias=np.array([0.0, 0.5, 0.0])),
                                th=nir.Threshold(threshold=np.array([1.0, 0.9, 0.5])),
                                out=nir.Output(output_type=np.array([3]))),
                     edges=[("inp", "fc"), ("fc", "th"), ("th", "out")])
    rng = np.random.default_rng(0)
    x = rng.random((2, 50)) < 0.5
    res = _snn(g, {"inp": x}, 50)
    z = (W @ x + np.array([0.0, 0.5, 0.0])[:, None]) > np.array([1.0, 0.9, 0.5])[:, None]
    for k in range(3):   # input of step t reaches the node in step t + 1, stamped (t + 2) dt
        np.testing.assert_allclose(res.spike_trains("th")[k], (np.flatnonzero(z[k, :-1]) + 2) * DT)


def test_recurrent_lif_matches_the_ode_exactly():
    """LIF with a recurrent Linear (a loop through a neuron: the one-step latency is its delay in both)."""
    rng = np.random.default_rng(12)
    n = 8
    g = nir.NIRGraph(nodes=dict(
        inp=nir.Input(input_type=np.array([4])), fc=nir.Linear(weight=rng.uniform(0.2, 1.0, (n, 4))),
        lif=_lif(n, tau=6.0, r=1.0, thr=0.5), rec=nir.Linear(weight=rng.normal(0.0, 0.4, (n, n))),
        out=nir.Output(output_type=np.array([n]))),
        edges=[("inp", "fc"), ("fc", "lif"), ("lif", "rec"), ("rec", "lif"), ("lif", "out")], type_check=False)
    n_steps = 200
    inputs = {"inp": rng.random((4, n_steps)) < 0.2}
    want, _ = Reference(g).run(inputs, n_steps, {})
    got = _snn(g, inputs, n_steps).spike_trains("lif")
    assert sum(map(len, got)) > 20
    for k in range(n):
        np.testing.assert_allclose(got[k], want["lif"][k], atol=1e-9)
