"""Continuing a run (``Simulator.run(..., state=)``): run(T) equals run(a) + run(T - a) spike for spike, with every
piece of state in flight at the cut (synaptic currents, refractory counts, spikes in the delay ring buffer,
Poisson streams, STDP histories and plastic weights)."""
import numpy as np
import pytest

from snn.connectors import AllToAll, FixedProbability
from snn.engine import Simulator
from snn.errors import SpecError
from snn.spec import Network, Population, Projection

import sys, pathlib
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "backends"))
from nets import cam_like   # noqa: E402


def exact_net():
    lif = dict(cm=0.25, tau_m=20.0, tau_refrac=2.0, tau_syn_E=5.0, tau_syn_I=10.0)
    pops = [Population("poisson", 40, "SpikeSourcePoisson", params=dict(rate=80.0, start=3.0)),
            Population("array", 3, "SpikeSourceArray", params=dict(spike_times=[[1.0, 49.9, 50.0, 77.3]] * 3)),
            Population("exc", 30, "IF_curr_exp", lif, dict(v=-60.0)),
            Population("cond", 10, "IF_cond_exp", dict(tau_refrac=1.5))]
    projs = [Projection("poisson", "exc", FixedProbability(0.3), 0.6, 1.0),
             Projection("array", "exc", AllToAll(), 1.0, 4.3),
             Projection("exc", "exc", FixedProbability(0.2, False), 0.2, 7.9),
             Projection("exc", "cond", FixedProbability(0.3), 0.02, 2.0),
             Projection("exc", "cond", FixedProbability(0.3), 0.01, 0.5, "inhibitory")]
    return Network(pops, projs, dt=0.1, schedule="exact", seed=3)


def _pieces(sim, cuts, **kw):
    state, w, out = sim.initial_state(kw.get("batch", 1)), None, []
    for d in cuts:
        r = sim.run(d, state=state, plastic_weights=w, **kw)
        state, w = r.state, r.plastic_weights
        out.append(r)
    return out


@pytest.mark.parametrize("cuts", [(50.0, 50.0), (0.1, 49.9, 33.3, 16.7), (4.3,) * 20 + (14.0,)])
def test_exact_run_in_pieces_is_one_run(cuts):
    sim = Simulator(exact_net())
    whole = sim.run(100.0, seed=5, record_v={"exc": None, "cond": [0, 3]})
    parts = _pieces(sim, cuts, seed=5, record_v={"exc": None, "cond": [0, 3]})
    for label in ("poisson", "array", "exc", "cond"):
        t = np.concatenate([p.spikes(label)[0] for p in parts])
        i = np.concatenate([p.spikes(label)[1] for p in parts])
        assert whole.spikes(label)[0].size > 0, label           # the comparison is not vacuous
        np.testing.assert_array_equal(t, whole.spikes(label)[0])   # exact: same arithmetic, same order
        np.testing.assert_array_equal(i, whole.spikes(label)[1])
    tv = np.concatenate([p.v("cond")[0] for p in parts])
    v = np.concatenate([p.v("cond")[1] for p in parts])
    np.testing.assert_array_equal(tv, whole.v("cond")[0])
    np.testing.assert_array_equal(v, whole.v("cond")[1])


def test_spinnaker_stdp_run_in_pieces_is_one_run():
    """Plastic weights and STDP histories carry over (the CAM-like network learns during the run). Continued runs
    are the float64 arithmetic's (the board's fixed point refuses ``state`` for now)."""
    sim = Simulator(cam_like(), arithmetic="float64")
    whole = sim.run(60.0, batch=2)
    parts = _pieces(sim, (17.0, 1.0, 42.0), batch=2)
    assert not np.array_equal(whole.plastic_weights, sim.initial_plastic_weights)   # it learned
    np.testing.assert_array_equal(parts[-1].plastic_weights, whole.plastic_weights)
    for b in range(2):
        t = np.concatenate([p.spikes("OL", b)[0] for p in parts])
        np.testing.assert_array_equal(t, whole.spikes("OL", b)[0])


def test_state_from_another_network_is_refused():
    a = Simulator(exact_net())
    b = Simulator(cam_like())
    with pytest.raises(SpecError, match="state"):
        b.run(10.0, state=a.initial_state())
    with pytest.raises(SpecError, match="batch=2"):
        a.run(10.0, batch=2, state=a.initial_state(1))


def test_synaptic_state_probe_is_the_conductance():
    """record_v={(label, 'syn_exc'): ...} copies the excitatory conductance of IF_cond_exp: after one input spike
    of weight w arriving at step s it decays as w exp(-(t - s) dt / tau_syn_E) (exact decay; analytic)."""
    pops = [Population("src", 1, "SpikeSourceArray", params=dict(spike_times=[[1.0]])),
            Population("cond", 1, "IF_cond_exp", dict(tau_syn_E=4.0))]
    net = Network(pops, [Projection("src", "cond", AllToAll(), 0.05, 0.5)], dt=0.1, schedule="exact")
    res = Simulator(net).run(10.0, record_v={("cond", "syn_exc"): None, ("cond", "syn_inh"): None})
    t, g = res.v(("cond", "syn_exc"))
    _, gi = res.v(("cond", "syn_inh"))
    arrive = 1.0 + 0.5                      # spike stamped 1.0, delay 0.5: in g from the sample at 1.5 ms
    after = t >= arrive - 1e-9
    assert np.all(g[~after] == 0) and np.all(gi == 0)
    np.testing.assert_allclose(g[after, 0], 0.05 * np.exp(-(t[after] - arrive) / 4.0), rtol=1e-12)
