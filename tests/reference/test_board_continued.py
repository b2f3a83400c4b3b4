"""Continued runs in the board's fixed point (snn/board_state.py): run(a) + run(b) from the carried BoardState is
bit for bit one run(a + b) (spikes, V, gsyn, plastic weights), with spikes in flight in the ring buffer, STDP
traces and words mid-run, and Poisson sources mid-stream. The reference is the uncut run of the same kernel."""
import numpy as np
import pytest

from snn import spec
from snn.board_state import BoardState
from snn.connectors import AllToAll, OneToOne
from snn.engine import Simulator
from snn.errors import SpecError
from snn.experiments import board_cases as bc
from snn.plasticity import SpikePairSTDP


def _stdp_net():
    rule = SpikePairSTDP(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.01, w_min=0.0, w_max=5.0)
    return spec.Network(
        [spec.Population("pre", 1, "SpikeSourceArray", params={"spike_times": [[10.0, 40.0, 50.0, 80.0]]}),
         spec.Population("extra", 1, "SpikeSourceArray", params={"spike_times": [[30.0, 45.0, 78.0]]}),
         spec.Population("post", 1, "IF_curr_exp")],
        [spec.Projection("pre", "post", OneToOne(), 5.0, 1.0), spec.Projection("extra", "post", OneToOne(), 5.0, 1.0),
         spec.Projection("pre", "post", OneToOne(), 2.5, 3.0, plasticity=rule, label="plastic")],
        dt=1.0, schedule="spinnaker")


def _poisson_net():
    return spec.Network(
        [spec.Population("src", 20, "SpikeSourcePoisson", params={"rate": 80.0}),
         spec.Population("cells", 5, "IF_curr_exp", params={"tau_syn_E": 2.0})],
        [spec.Projection("src", "cells", AllToAll(), 0.6, 2.0, label="in")], dt=1.0, schedule="spinnaker")


CASES = {"synfire_delay7": (lambda: bc.synfire(20, 7), "pop_1", 200, 37, 1),
         "stdp_pair": (_stdp_net, "post", 120, 43, 1),
         "poisson_batch2": (_poisson_net, "cells", 150, 71, 2)}


def _run(sim, label, duration, batch, **kw):
    res = sim.run(float(duration), batch=batch, seed=3, record_v={label: None}, **kw)
    plastic = "plastic" in sim.synapses
    return res, [(res.spikes(label, sample=b) if batch > 1 else res.spikes(label)) for b in range(batch)], \
        res.v(label)[1], res.gsyn(label, "excitatory")[1], (res.weights("plastic")[2] if plastic else None)


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_runs_are_one_run_bit_for_bit(case):
    make, label, total, cut, batch = CASES[case]
    sim = Simulator(make(), record=[label])
    _, spikes, v, g, w = _run(sim, label, total, batch)
    state = sim.initial_state(batch)
    assert isinstance(state, BoardState)
    r1, s1, v1, g1, _ = _run(sim, label, cut, batch, state=state)
    r2, s2, v2, g2, w2 = _run(sim, label, total - cut, batch, state=r1.state, plastic_weights=r1.plastic_weights)
    assert int(r2.state.t0) == total
    for b in range(batch):
        t = np.concatenate([s1[b][0], s2[b][0]])
        i = np.concatenate([s1[b][1], s2[b][1]])
        assert np.array_equal(t, spikes[b][0]) and np.array_equal(i, spikes[b][1])
    assert len(spikes[0][0]) > 0
    assert np.array_equal(np.concatenate([v1, v2], axis=-2), v)
    assert np.array_equal(np.concatenate([g1, g2], axis=-2), g)
    if w is not None:
        assert np.array_equal(w2, w) and not np.array_equal(w, [2.5])    # the weight learned across the cut


def test_a_weight_changed_between_runs_is_encoded_again():
    """Without the previous weights the run starts from the initial ones (as the float schedules do): the
    learned word is replaced by the encoding of 2.5, so the result differs from the uncut run."""
    sim = Simulator(_stdp_net())
    whole = sim.run(120.0).weights("plastic")[2]
    r1 = sim.run(43.0, state=sim.initial_state())
    assert r1.weights("plastic")[2][0] != 2.5
    again = sim.run(77.0, state=r1.state).weights("plastic")[2]
    kept = sim.run(77.0, state=sim.run(43.0, state=sim.initial_state()).state,
                   plastic_weights=r1.plastic_weights).weights("plastic")[2]
    assert np.array_equal(kept, whole) and not np.array_equal(again, whole)


def test_a_float_state_is_refused_in_fixed_point():
    sim = Simulator(bc.synfire(20, 1))
    other = Simulator(bc.synfire(20, 1), arithmetic="float64").initial_state(1)
    with pytest.raises(SpecError, match="BoardState"):
        sim.run(10.0, state=other)
    with pytest.raises(SpecError, match="batch=2"):
        sim.run(10.0, batch=2, state=sim.initial_state(1))
