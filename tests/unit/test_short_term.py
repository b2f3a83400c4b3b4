"""Short-term synapses (snn/short_term.py) at the engine level: their per-synapse state (u, x, y, last spike) and
the release draws carry over a continued run, so run(T) equals run(a) + run(T - a) spike for spike, and the
state matters (restarting it at every piece gives other spikes); bad parameters are refused with NEST's domains."""
import numpy as np
import pytest

from snn.connectors import AllToAll, FixedProbability
from snn.engine import Simulator
from snn.errors import SpecError
from snn.short_term import StochasticRelease, TsodyksMarkram
from snn.spec import Network, Population, Projection


def _net():
    pops = [Population("src", 20, "SpikeSourcePoisson", params=dict(rate=60.0)),
            Population("cells", 10, "IF_curr_exp", dict(tau_refrac=2.0, tau_syn_E=3.0)),
            Population("izh", 5, "Izhikevich", initial_values=dict(u=[-14.0, -10.0, -12.0, -16.0, -8.0]))]
    projs = [Projection("src", "cells", FixedProbability(0.5), 2.0, 1.0,
                        plasticity=TsodyksMarkram(U=0.5, tau_rec=300.0, tau_psc=3.0), label="dep"),
             Projection("src", "cells", FixedProbability(0.3), 1.0, 2.0,
                        plasticity=TsodyksMarkram(U=0.05, tau_rec=50.0, tau_facil=500.0, tau_psc=3.0), label="fac"),
             Projection("src", "izh", AllToAll(), 6.0, 1.0, plasticity=StochasticRelease(p=0.5), label="rel"),
             Projection("cells", "cells", FixedProbability(0.2, False), 0.5, 1.5, "inhibitory",
                        plasticity=TsodyksMarkram(U=0.2, tau_rec=100.0, tau_facil=100.0, tau_psc=10.0))]
    return Network(pops, projs, dt=0.1, schedule="exact", seed=2)


def _spikes(results, label):
    return (np.concatenate([r.spikes(label)[0] for r in results]),
            np.concatenate([r.spikes(label)[1] for r in results]))


def test_short_term_state_carries_over_a_continued_run():
    sim = Simulator(_net())
    whole = sim.run(300.0, seed=4)
    state, parts, restarted = sim.initial_state(), [], []
    for d in (70.0, 0.1, 129.9, 100.0):
        r = sim.run(d, seed=4, state=state)
        state = r.state
        parts.append(r)
    for label in ("cells", "izh"):
        assert whole.spikes(label)[0].size > 10, label        # not vacuous
        for got, want in zip(_spikes(parts, label), whole.spikes(label)):
            np.testing.assert_array_equal(got, want)
    # the same cut with the synapses' state restarted (u = 0, x = 1, y = 0) at the second piece differs
    state = sim.initial_state()
    first = sim.run(150.0, seed=4, state=state)
    first.state.p_state[:, :, :] = 0.0
    first.state.p_state[:, :, 1] = 1.0
    restarted = [first, sim.run(150.0, seed=4, state=first.state)]
    assert not np.array_equal(_spikes(restarted, "cells")[0], whole.spikes("cells")[0])


@pytest.mark.parametrize("rule, message", [
    (TsodyksMarkram(U=1.2), r"U=1.2 must lie in \[0, 1\]"),
    (TsodyksMarkram(tau_rec=0.0), r"tau_rec=0.0 must be > 0"),
    (TsodyksMarkram(tau_facil=-1.0), r"tau_facil=-1.0 must be >= 0"),
    (TsodyksMarkram(tau_rec=5.0, tau_psc=5.0), r"tau_psc=5.0 must differ from tau_rec"),
    (StochasticRelease(p=1.5), r"p=1.5 must lie in \[0, 1\]"),
])
def test_bad_parameters_are_refused(rule, message):
    net = Network([Population("a", 2, "IF_curr_exp"), Population("b", 2, "IF_curr_exp")],
                  [Projection("a", "b", AllToAll(), 1.0, 1.0, plasticity=rule)])
    with pytest.raises(SpecError, match=message):
        Simulator(net)


def test_short_term_synapses_run_in_the_exact_schedule_only():
    net = Network([Population("a", 2, "IF_curr_exp"), Population("b", 2, "IF_curr_exp")],
                  [Projection("a", "b", AllToAll(), 1.0, 1.0, plasticity=TsodyksMarkram())], dt=1.0,
                  schedule="spinnaker")
    with pytest.raises(SpecError, match="TsodyksMarkram runs in the 'exact' schedule only"):
        Simulator(net)
