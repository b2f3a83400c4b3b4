"""IF_cond_alpha (added by the docs' recipe, docs/concepts.md "Adding a cell type") against NEST iaf_cond_alpha.

NEST integrates V and the alpha conductances together with GSL RKF45 (adaptive steps inside each dt); snn's 'exact'
schedule takes V by exponential Euler with the step-start conductances (as IF_cond_exp) and advances g, dg by
their exact propagator. So the spikes agree to a tolerance, not to the bit. Measured (this test's network, 200 ms,
dt 0.1 ms, weights 5 / 10 / 20 nS): the same spike count, spike times within 0.2 ms (2 dt) over the whole 200 ms.
The alpha conductance rises from zero, so the left Riemann sum's error per input is much smaller than with
IF_cond_exp's jump (within 3.2 ms there, tests/reference/test_exact_vs_peers.py). Without synaptic input the
two are identical (the same exponential relaxation, which RKF45 resolves to its 1e-3 tolerance).
"""
import numpy as np
import pytest

from snn.connectors import AllToAll
from snn.engine import Simulator
from snn.spec import Network, Population, Projection

nest_ref = pytest.importorskip("snn.hardware.nest_ref")
pytest.importorskip("nest")

DT = 0.1
COND = dict(cm=0.25, tau_m=10.0, tau_refrac=2.0, v_rest=-65.0, v_reset=-70.0, v_thresh=-55.0, tau_syn_E=2.0,
            tau_syn_I=4.0, e_rev_E=0.0, e_rev_I=-80.0)


def _net(w, with_input=True):
    src = Population("src", 2, "SpikeSourceArray", {"spike_times": [list(np.arange(2.0, 200, 7.0)),
                                                                    list(np.arange(5.0, 200, 11.0))]})
    neu = Population("n", 1, "IF_cond_alpha", dict(COND, i_offset=0.6))
    projs = (Projection("src", "n", AllToAll(), weight=w, delay=0.1),
             Projection("src", "n", AllToAll(), weight=w, delay=0.5, receptor_type="inhibitory", label="i"))
    return Network((src, neu), projs if with_input else (), dt=DT)


@pytest.mark.parametrize("w", [0.005, 0.01, 0.02])
def test_cond_alpha_vs_nest(w):
    net = _net(w)
    ours = Simulator(net).run(200.0).spike_trains("n")[0]
    nest = nest_ref.run(net, 200.0).spike_trains("n", 1)[0]
    assert len(ours) == len(nest) >= 20
    assert np.abs(ours - nest).max() <= 2 * DT + 1e-9
    no_input = _net(w, with_input=False)
    np.testing.assert_allclose(Simulator(no_input).run(200.0).spike_trains("n")[0],
                               nest_ref.run(no_input, 200.0).spike_trains("n", 1)[0], atol=1e-9)


def test_single_input_conductance_is_an_alpha_peaking_at_the_weight():
    """One input: the recorded excitatory conductance is w t/tau e^(1 - t/tau) (analytic), peaking at w."""
    w = 0.01
    src = Population("src", 1, "SpikeSourceArray", {"spike_times": [[1.0]]})
    neu = Population("n", 1, "IF_cond_alpha", dict(COND, v_thresh=0.0))
    net = Network((src, neu), (Projection("src", "n", AllToAll(), weight=w, delay=0.1),), dt=DT)
    t, g = Simulator(net).run(30.0, record_v={("n", "syn_exc"): None}).v(("n", "syn_exc"))
    s = np.maximum(t - 1.1, 0.0)
    tau = COND["tau_syn_E"]
    np.testing.assert_allclose(g[:, 0], w * s / tau * np.exp(1 - s / tau), atol=1e-12)
    assert abs(g[:, 0].max() - w) < 1e-12
