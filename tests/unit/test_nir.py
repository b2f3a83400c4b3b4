"""snn.nir: round trips (snn -> NIR -> snn, NIR -> snn -> NIR -> snn, through a .nir file) give identical spikes
for every supported primitive, and bad graphs or networks give one clear error each.

Identical means identical: the unit conversions (cm = tau / R and back, weights times and divided by the same
factors) round parameters by at most an ulp, which moves no spike of these networks."""
import numpy as np
import pytest

nir = pytest.importorskip("nir")

from snn.connectors import AllToAll, FixedProbability, FromList  # noqa: E402
from snn.engine import Simulator  # noqa: E402
from snn.errors import SpecError  # noqa: E402
from snn.nir import from_nir, to_nir  # noqa: E402
from snn.nir.neurons import NO_LEAK, NO_SPIKE  # noqa: E402
from snn.plasticity import SpikePairSTDP  # noqa: E402
from snn.spec import Network, Population, Projection  # noqa: E402

DT = 0.5


def _every_primitive():
    """One population per NIR neuron type, fed from one input, with biases, delays, both signs, recurrence."""
    rng = np.random.default_rng(0)
    pops = [Population("inp", 6, "SpikeSourceInput"),
            Population("cuba", 5, "IF_curr_exp", dict(cm=rng.uniform(0.5, 1.0, 5).tolist(), tau_m=15.0,
                       tau_syn_E=3.0, tau_syn_I=3.0, tau_refrac=0.0, v_rest=-1.0, v_reset=-2.0, v_thresh=1.0,
                       i_offset=0.1), initial_values=dict(v=-1.0)),
            Population("cubali", 3, "IF_curr_exp", dict(cm=1.0, tau_m=10.0, tau_syn_E=2.0, tau_syn_I=2.0,
                       tau_refrac=0.0, v_rest=0.0, v_reset=0.0, v_thresh=NO_SPIKE), initial_values=dict(v=0.0)),
            Population("lif", 7, "IF_curr_delta", dict(cm=2.0, tau_m=rng.uniform(5, 20, 7).tolist(), tau_refrac=0.0,
                       v_rest=0.5, v_reset=0.0, v_thresh=2.0, i_offset=rng.uniform(0, 0.2, 7).tolist()),
                       initial_values=dict(v=0.5)),
            Population("if", 4, "IF_curr_delta", dict(cm=NO_LEAK / 2.0, tau_m=NO_LEAK, tau_refrac=0.0, v_rest=0.0,
                       v_reset=-0.5, v_thresh=1.5), initial_values=dict(v=0.0)),
            Population("li", 3, "IF_curr_delta", dict(cm=1.0, tau_m=8.0, tau_refrac=0.0, v_rest=0.0, v_reset=0.0,
                       v_thresh=NO_SPIKE), initial_values=dict(v=0.0)),
            Population("integ", 2, "IF_curr_delta", dict(cm=NO_LEAK, tau_m=NO_LEAK, tau_refrac=0.0, v_rest=0.0,
                       v_reset=0.0, v_thresh=NO_SPIKE), initial_values=dict(v=0.0)),
            Population("thr", 4, "IF_curr_delta", dict(cm=DT / 1000, tau_m=DT / 1000, tau_refrac=0.0, v_rest=0.0,
                       v_reset=-1.0, v_thresh=0.7, i_offset=0.05), initial_values=dict(v=0.0))]
    projs = [Projection("inp", "cuba", FixedProbability(0.7), weight=1.5, delay=DT),
             Projection("inp", "cuba", FixedProbability(0.3), weight=0.7, delay=3 * DT, receptor_type="inhibitory"),
             Projection("inp", "lif", FromList([(i, j, rng.uniform(0.2, 1.5)) for i in range(6) for j in range(7)]),
                        delay=2 * DT),
             Projection("lif", "lif", FixedProbability(0.3), weight=0.4, delay=DT, receptor_type="inhibitory"),
             Projection("lif", "if", AllToAll(), weight=0.3, delay=DT),
             Projection("cuba", "cubali", AllToAll(), weight=0.5, delay=DT),
             Projection("if", "li", AllToAll(), weight=0.6, delay=4 * DT),
             Projection("lif", "integ", AllToAll(), weight=0.2, delay=DT, receptor_type="inhibitory"),
             Projection("inp", "thr", FromList([(i, i % 4, 0.5 + 0.1 * i) for i in range(6)]), delay=DT)]
    return Network(pops, projs, dt=DT, seed=3)


def _run(net, x, v=("cubali", "li", "integ")):
    return Simulator(net).run(80.0, batch=2, stimuli={"inp": x}, seed=1, record_v={k: None for k in v})


def _same(a, b, net):
    for p in net.populations:
        for s in range(2):
            ta, ia = a.spikes(p.label, s)
            tb, ib = b.spikes(p.label, s)
            np.testing.assert_array_equal(ta, tb)
            np.testing.assert_array_equal(ia, ib)


def test_snn_nir_snn_gives_identical_spikes_for_every_primitive(tmp_path):
    net = _every_primitive()
    x = np.random.default_rng(2).random((2, 6, 160)) < 0.2
    a = _run(net, x)
    g = to_nir(net)
    kinds = {k: type(v).__name__ for k, v in g.nodes.items()}
    assert kinds["cuba"] == "CubaLIF" and kinds["cubali"] == "CubaLI" and kinds["lif"] == "LIF"
    assert kinds["if"] == "IF" and kinds["li"] == "LI" and kinds["integ"] == "I" and kinds["thr"] == "Threshold"
    assert {"Delay", "Affine", "Linear", "Output", "Input"} <= set(kinds.values())
    nir.write(tmp_path / "net.nir", g)
    back = from_nir(tmp_path / "net.nir", DT)
    b = _run(back, x)
    for p in net.populations:
        assert a.counts(p.label).sum() > 0 or p.label in ("cubali", "li", "integ")
    _same(a, b, net)
    for k in ("cubali", "li", "integ"):
        assert a.counts(k).sum() == 0
        np.testing.assert_allclose(b.v(k)[1], a.v(k)[1], rtol=1e-12, atol=1e-12)
        assert np.abs(a.v(k)[1]).max() > 0.1


def _nir_graph():
    rng = np.random.default_rng(5)
    c = (2, 4, 4)
    return nir.NIRGraph(nodes=dict(
        inp=nir.Input(input_type=np.array([1, 4, 4])),
        conv=nir.Conv2d(input_shape=(4, 4), weight=rng.normal(0.5, 0.5, (2, 1, 3, 3)), stride=1, padding="same",
                        dilation=1, groups=1, bias=np.array([0.01, 0.02])),
        lif1=nir.LIF(tau=np.full(c, 5.0), r=np.full(c, 2.0), v_leak=np.zeros(c), v_threshold=np.full(c, 0.3)),
        pool=nir.AvgPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
        flat=nir.Flatten(input_type={"input": np.array([2, 2, 2])}, start_dim=0),
        scale=nir.Scale(scale=np.linspace(0.5, 2.0, 8)),
        fc=nir.Linear(weight=rng.normal(0.3, 1.0, (3, 8))),
        cuba=nir.CubaLIF(tau_syn=np.full(3, 2.0), tau_mem=np.full(3, 6.0), r=np.ones(3), v_leak=np.zeros(3),
                         v_threshold=np.full(3, 0.4), w_in=np.full(3, 2.0)),
        out=nir.Output(output_type=np.array([3]))),
        edges=[("inp", "conv"), ("conv", "lif1"), ("lif1", "pool"), ("pool", "flat"), ("flat", "scale"),
               ("scale", "fc"), ("fc", "cuba"), ("cuba", "out")], type_check=False)


def test_nir_snn_nir_snn_gives_identical_spikes():
    """Conv2d ('same'), AvgPool2d, Flatten, Scale, Linear, LIF, CubaLIF: the re-exported graph imports to the
    same spikes."""
    net = from_nir(_nir_graph(), DT)
    x = np.random.default_rng(3).random((2, 16, 160)) < 0.25
    run = lambda n: Simulator(n).run(80.0, batch=2, stimuli={"inp": x})  # noqa: E731
    a, b = run(net), run(from_nir(to_nir(net), DT))
    assert a.counts("lif1").sum() > 20 and a.counts("cuba").sum() > 5
    for label in ("lif1", "cuba"):
        np.testing.assert_array_equal(a.spikes(label)[0], b.spikes(label)[0])
        np.testing.assert_array_equal(a.spikes(label)[1], b.spikes(label)[1])


def test_conv_matrix_matches_a_direct_convolution():
    """The explicit matrix of Conv2d (stride 2, padding 1, dilation 1, 2 groups) against a loop written here."""
    from snn.nir.ops import linear_op
    rng = np.random.default_rng(9)
    w = rng.normal(size=(4, 1, 3, 3))
    node = nir.Conv2d(input_shape=(5, 5), weight=w, stride=2, padding=1, dilation=1, groups=2, bias=np.arange(4.0))
    x = rng.normal(size=(2, 5, 5))
    m, b, shape = linear_op(node, "conv", (2, 5, 5))
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    want = np.array([[[np.sum(w[co, 0] * xp[co // 2, 2 * i:2 * i + 3, 2 * j:2 * j + 3]) + co for j in range(3)]
                      for i in range(3)] for co in range(4)])
    assert shape == (4, 3, 3)
    np.testing.assert_allclose(m @ x.ravel() + b, want.ravel(), atol=1e-12)


def _lif(n):
    return nir.LIF(tau=np.full(n, 5.0), r=np.ones(n), v_leak=np.zeros(n), v_threshold=np.ones(n))


def _graph(nodes, edges):
    return nir.NIRGraph(nodes=nodes, edges=edges, type_check=False)


BAD = {
    "unknown node type": (lambda: _graph(dict(i=nir.Input(input_type=np.array([1, 4])), c=nir.Conv1d(
        input_shape=4, weight=np.ones((1, 1, 2)), stride=1, padding=0, dilation=1, groups=1, bias=np.zeros(1)),
        o=nir.Output(output_type=np.array([3]))), [("i", "c"), ("c", "o")]), "'c' has type Conv1d"),
    "cycle without a neuron": (lambda: _graph(dict(i=nir.Input(input_type=np.array([3])),
                                                    a=nir.Linear(weight=np.eye(3)), b=nir.Linear(weight=np.eye(3)),
                                                    n=_lif(3)),
                                               [("i", "a"), ("a", "b"), ("b", "a"), ("b", "n")]), "cycle"),
    "shape mismatch": (lambda: _graph(dict(i=nir.Input(input_type=np.array([4])), w=nir.Linear(weight=np.ones((5, 3))),
                                            n=_lif(5)), [("i", "w"), ("w", "n")]), "takes 3 inputs but receives 4"),
    "neuron count mismatch": (lambda: _graph(dict(i=nir.Input(input_type=np.array([3])),
                                                   w=nir.Linear(weight=np.ones((5, 3))), n=_lif(4)),
                                              [("i", "w"), ("w", "n")]), "has 4 neurons but receives a signal of 5"),
    "NaN parameter": (lambda: _graph(dict(i=nir.Input(input_type=np.array([2])), w=nir.Linear(weight=np.eye(2)),
                                           n=nir.LIF(tau=np.array([5.0, np.nan]), r=np.ones(2), v_leak=np.zeros(2),
                                                     v_threshold=np.ones(2))), [("i", "w"), ("w", "n")]),
                      "'n' (LIF): tau holds NaN"),
    "non-spiking source": (lambda: _graph(dict(i=nir.Input(input_type=np.array([2])), w=nir.Linear(weight=np.eye(2)),
                                                li=nir.LI(tau=np.ones(2), r=np.ones(2), v_leak=np.zeros(2)),
                                                w2=nir.Linear(weight=np.eye(2)), n=_lif(2)),
                                           [("i", "w"), ("w", "li"), ("li", "w2"), ("w2", "n")]), "does not spike"),
    "output after a linear node": (lambda: _graph(dict(i=nir.Input(input_type=np.array([2])),
                                                        w=nir.Linear(weight=np.eye(2)),
                                                        o=nir.Output(output_type=np.array([2]))),
                                                   [("i", "w"), ("w", "o")]), "Output 'o' is fed by ['w']"),
    "delay off the grid": (lambda: _graph(dict(i=nir.Input(input_type=np.array([2])),
                                                d=nir.Delay(delay=np.array([0.3, 0.5])), n=_lif(2)),
                                           [("i", "d"), ("d", "n")]), "whole number of steps"),
    "negative resistance": (lambda: _graph(dict(i=nir.Input(input_type=np.array([2])), n=nir.LIF(
        tau=np.ones(2), r=np.array([1.0, -1.0]), v_leak=np.zeros(2), v_threshold=np.ones(2))), [("i", "n")]),
                            "r must be > 0"),
    "reset above threshold": (lambda: _graph(dict(i=nir.Input(input_type=np.array([1])), n=nir.IF(
        r=np.ones(1), v_threshold=np.array([-1.0]))), [("i", "n")]), "v_reset must lie below v_threshold"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_graphs_give_one_clear_error(case):
    make, message = BAD[case]
    with pytest.raises(SpecError) as err:
        from_nir(make(), DT)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_bad_arguments(tmp_path):
    g = _graph(dict(i=nir.Input(input_type=np.array([1])), n=_lif(1)), [("i", "n")])
    for dt in (0, -1.0, float("nan"), "1"):
        with pytest.raises(SpecError, match="dt="):
            from_nir(g, dt)
    with pytest.raises(SpecError, match="no NIR file"):
        from_nir(tmp_path / "missing.nir", 1.0)
    (tmp_path / "junk.nir").write_text("not hdf5")
    with pytest.raises(SpecError, match="not a readable NIR file"):
        from_nir(tmp_path / "junk.nir", 1.0)


@pytest.mark.parametrize("change, message", [
    (lambda p: Population(p.label, p.size, p.cell_type, {**p.params, "tau_refrac": 0.1}, p.initial_values),
     "no refractory period"),
    (lambda p: Population(p.label, p.size, p.cell_type, p.params, {"v": 0.3}), "initial v differs"),
    (lambda p: Population(p.label, p.size, "IF_cond_exp"), "NIR export supports"),
])
def test_to_nir_refuses_what_nir_cannot_hold(change, message):
    net = _every_primitive()
    pops = [change(p) if p.label == "cuba" else p for p in net.populations]
    with pytest.raises(SpecError, match=message):
        to_nir(Network(pops, net.projections, dt=DT))


def test_to_nir_refuses_sources_with_data_and_other_schedules():
    src = Population("src", 2, "SpikeSourcePoisson", dict(rate=10.0))
    cell = Population("n", 2, "IF_curr_exp", dict(tau_refrac=0.0, v_rest=0.0, v_reset=0.0, v_thresh=1.0),
                      initial_values=dict(v=0.0))
    with pytest.raises(SpecError, match="NIR graphs hold no data"):
        to_nir(Network([src, cell], [Projection("src", "n", AllToAll(), weight=1.0)]))
    inp = Population("src", 2, "SpikeSourceInput")
    with pytest.raises(SpecError, match="'exact' schedule"):     # (the only plastic rules run in other schedules)
        to_nir(Network([inp, cell], [Projection("src", "n", AllToAll(), weight=0.1, plasticity=SpikePairSTDP())],
                       schedule="spinnaker"))
    with pytest.raises(SpecError, match="'exact' schedule"):
        to_nir(Network([inp, cell], [Projection("src", "n", AllToAll(), weight=1.0)], schedule="spinnaker"))


def _recurrent_parts(rng, n=8):
    lif = nir.LIF(tau=np.full(n, 6.0), r=np.ones(n), v_leak=np.zeros(n), v_threshold=np.full(n, 0.5))
    return lif, nir.Linear(weight=rng.normal(0.0, 0.4, (n, n)))


def test_nested_subgraph_is_inlined_like_the_flat_graph():
    """A recurrent layer as snnTorch exports RLeaky (a NIRGraph node: Input -> LIF <-> Linear, LIF -> Output) gives
    the spikes of the same graph written flat; its neurons are labelled '<subgraph>.<node>'."""
    rng = np.random.default_rng(11)
    lif, rec = _recurrent_parts(rng)
    w_in, w_out = rng.uniform(0.2, 1.0, (8, 4)), rng.uniform(0.2, 1.0, (3, 8))
    sub = nir.NIRGraph(nodes=dict(input=nir.Input(input_type=np.array([8])), lif=lif, w_rec=rec,
                                  output=nir.Output(output_type=np.array([8]))),
                       edges=[("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")],
                       type_check=False)
    outer = dict(inp=nir.Input(input_type=np.array([4])), fc=nir.Linear(weight=w_in), fc2=nir.Linear(weight=w_out),
                 lif2=_lif(3), out=nir.Output(output_type=np.array([3])))
    nested = _graph({**outer, "rnn": sub}, [("inp", "fc"), ("fc", "rnn"), ("rnn", "fc2"), ("fc2", "lif2"),
                                            ("lif2", "out")])
    flat = _graph({**outer, "rnn.lif": lif, "rnn.w_rec": rec},
                  [("inp", "fc"), ("fc", "rnn.lif"), ("rnn.lif", "rnn.w_rec"), ("rnn.w_rec", "rnn.lif"),
                   ("rnn.lif", "fc2"), ("fc2", "lif2"), ("lif2", "out")])
    x = rng.random((1, 4, 200)) < 0.2
    a, b = (Simulator(from_nir(g, DT)).run(100.0, stimuli={"inp": x}) for g in (nested, flat))
    assert a.counts("rnn.lif").sum() > 20 and a.counts("lif2").sum() > 0
    for label in ("rnn.lif", "lif2"):
        np.testing.assert_array_equal(a.spikes(label)[0], b.spikes(label)[0])
        np.testing.assert_array_equal(a.spikes(label)[1], b.spikes(label)[1])
