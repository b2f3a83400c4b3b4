"""Round trip through pyNN.mock: what the emitter builds, read back from PyNN's own objects, is the spec network
(populations, parameters, initial values, every synapse with its weight, delay and receptor, STDP parameters),
and its synapses are the engine's (same seed, same connector order)."""
import numpy as np
import pytest

pytest.importorskip("pyNN.mock")
import pyNN.mock as sim  # noqa: E402

from snn.cells import CATALOGUE  # noqa: E402
from snn.engine import Simulator  # noqa: E402
from snn.hardware import pynn  # noqa: E402

from nets import cam_like, random_network  # noqa: E402


def _param(ps, name):
    v = ps[name]
    return getattr(v, "base_value", v)


def _readback(built, net):
    pops = {}
    for label, pop in built.populations.items():
        ct = type(pop.celltype).__name__
        names = [k for k in CATALOGUE[net.population(label).cell_type].defaults if k != "spike_times"]
        params = {k: np.asarray(pop.get(k), float) for k in names}
        pops[label] = dict(size=pop.size, cell=ct, params=params)
        if ct == "SpikeSourceArray":
            pops[label]["spike_times"] = [list(np.asarray(s.value, float)) for s in pop.get("spike_times")]
        else:
            pops[label]["v0"] = np.asarray(pop.initial_values["v"].evaluate(), float)
    projs = {}
    for name, proj in built.projections.items():
        rows = sorted(proj.get(["weight", "delay"], format="list"))
        d = dict(rows=rows, receptor=proj.receptor_type, pre=proj.pre.label, post=proj.post.label)
        st = proj.synapse_type
        if type(st).__name__ == "STDPMechanism":
            td, wd = st.timing_dependence.parameter_space, st.weight_dependence.parameter_space
            d["stdp"] = {k: float(_param(td, k)) for k in ("tau_plus", "tau_minus", "A_plus", "A_minus")}
            d["stdp"].update({k: float(_param(wd, k)) for k in ("w_min", "w_max")})
        projs[name] = d
    return pops, projs


@pytest.mark.parametrize("make", [cam_like, random_network], ids=["cam_like", "random"])
def test_mock_round_trip_gives_the_same_network(make):
    net = make()
    built = pynn.build(net, sim)
    try:
        pops, projs = _readback(built, net)
    finally:
        sim.end()
    assert list(pops) == [p.label for p in net.populations]
    for p in net.populations:
        got = pops[p.label]
        assert got["size"] == p.size and got["cell"] == CATALOGUE[p.cell_type].pynn_name
        if p.cell_type == "SpikeSourceArray":
            assert got["spike_times"] == [list(map(float, t)) for t in p.params["spike_times"]]
            continue
        for k, v in p.parameters().items():
            np.testing.assert_allclose(got["params"][k], np.broadcast_to(v, (p.size,)), rtol=0, atol=1e-12)
        np.testing.assert_allclose(got["v0"], p.initial_values.get("v", p.parameters()["v_rest"]))

    engine = Simulator(net)   # the engine's lowered synapses: same seed, same connectors, same order
    assert sorted(projs) == sorted(q.name for q in net.projections)
    for q in net.projections:
        got = projs[q.name]
        assert (got["pre"], got["post"], got["receptor"]) == (q.pre, q.post, q.receptor_type)
        m = engine.synapses[q.name]
        off_pre, off_post = engine.offsets[q.pre], engine.offsets[q.post]
        table_w = engine.initial_plastic_weights if m.table == "plastic" else engine.lowered.s_w
        table_d = engine.lowered.p_delay if m.table == "plastic" else engine.lowered.s_delay
        sign = -1.0 if (q.receptor_type == "inhibitory" and q.plasticity is None) else 1.0
        want = sorted(zip((m.pre - off_pre).tolist(), (m.post - off_post).tolist(),
                          (sign * table_w[m.index]).tolist(), (table_d[m.index] * net.dt).tolist()))
        assert len(got["rows"]) == len(want) > 0
        np.testing.assert_array_equal(np.asarray(got["rows"], float), np.asarray(want, float))
        if q.plasticity is not None:
            r = q.plasticity
            assert got["stdp"] == dict(tau_plus=r.tau_plus, tau_minus=r.tau_minus, A_plus=r.A_plus,
                                       A_minus=r.A_minus, w_min=r.w_min, w_max=r.w_max)
        else:
            assert "stdp" not in got


def test_stdp_amplitudes_are_mapped_per_backend():
    # sPyNNaker 7.4.1 steps by A itself; NEST's stdp_synapse by A * Wmax: the emitter passes A / w_max there.
    rule = cam_like().projections[9].plasticity
    sp = pynn.stdp_parameters(rule, "spinnaker")
    ne = pynn.stdp_parameters(rule, "nest")
    assert sp["A_plus"] == 6.0 and ne["A_plus"] == pytest.approx(1.0)
    assert pynn.spec_stdp_parameters(ne, "nest")["A_minus"] == pytest.approx(6.0)


def test_unknown_input_population_is_refused():
    from snn.errors import SpecError
    with pytest.raises(SpecError, match="not SpikeSourceInput"):
        pynn.describe(cam_like(), "mock", inputs={"IL": [[1.0]]})
