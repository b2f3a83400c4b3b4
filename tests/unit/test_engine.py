"""Engine contracts: same seed, same spikes whatever batch size, chunking or thread count; Bernoulli inputs at
their rate; per-sample stimuli; clear errors for bad run arguments."""
import numba
import numpy as np
import pytest

from snn.connectors import FixedProbability, OneToOne
from snn.engine import Simulator
from snn.errors import SpecError
from snn.spec import Network, Population, Projection


def small_net(seed=3):
    return Network([Population("in", 40, "SpikeSourceInput"),
                    Population("lif", 60, "IF_curr_exp", params=dict(tau_refrac=2.0, cm=0.25))],
                   [Projection("in", "lif", FixedProbability(0.2), weight=0.8, delay=1.0),
                    Projection("lif", "lif", FixedProbability(0.1), weight=0.3, delay=2.0, receptor_type="inhibitory")],
                   dt=0.5, schedule="exact", seed=seed)


def spikes_of(res, b):
    t, i = res.spikes("lif", b)
    return list(zip(t.tolist(), i.tolist()))


def test_same_seed_same_spikes_across_batch_chunk_and_threads():
    sim = Simulator(small_net())
    rates = np.random.default_rng(0).uniform(0, 0.05, (6, 40))
    full = sim.run(50.0, batch=6, stimuli={"in": rates}, seed=11)
    assert full.counts("lif").sum() > 100
    chunked = sim.run(50.0, batch=6, stimuli={"in": rates}, seed=11, chunk=4)
    tail = sim.run(50.0, batch=2, stimuli={"in": rates[4:]}, seed=11, sample_offset=4)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        single = sim.run(50.0, batch=6, stimuli={"in": rates}, seed=11)
    finally:
        numba.set_num_threads(before)
    for b in range(6):
        assert spikes_of(chunked, b) == spikes_of(full, b) == spikes_of(single, b)
    for b in range(2):
        assert spikes_of(tail, b) == spikes_of(full, 4 + b)
    other = sim.run(50.0, batch=6, stimuli={"in": rates}, seed=12)
    assert spikes_of(other, 0) != spikes_of(full, 0)


def test_bernoulli_source_fires_at_its_probability():
    net = Network([Population("in", 200, "SpikeSourceInput")], dt=1.0)
    p = np.linspace(0.0, 0.5, 200)[None, :]
    res = Simulator(net).run(2000.0, stimuli={"in": p}, seed=1)
    counts = res.counts("in")[0]
    sd = np.sqrt(2000 * p[0] * (1 - p[0]))
    assert np.all(np.abs(counts - 2000 * p[0]) <= 5 * sd + 1e-9)   # 5 sigma per input
    assert counts[0] == 0


def test_per_sample_event_stimuli_drive_only_their_sample():
    net = Network([Population("in", 2, "SpikeSourceInput"),
                   Population("lif", 2, "IF_curr_exp", params=dict(cm=0.27, tau_m=3.0, tau_syn_E=0.3, v_rest=-60.0,
                                                                     v_reset=-60.0, v_thresh=-57.0))],
                  [Projection("in", "lif", OneToOne(), weight=6.0)], dt=1.0, schedule="spinnaker")
    ev = np.zeros((2, 2, 10), bool)
    ev[0, 0, 3] = True
    ev[1, 1, 5] = True
    res = Simulator(net).run(10.0, batch=2, stimuli={"in": ev})
    assert spikes_of(res, 0) == [(4.0, 0)] and spikes_of(res, 1) == [(6.0, 1)]


@pytest.mark.parametrize("kwargs, message", [
    (dict(duration=-5.0), r"duration=-5.0 ms must be a positive whole number of steps"),
    (dict(duration=10.25), r"whole number of steps \(dt=0.5 ms\)"),
    (dict(duration=10.0, batch=0), r"batch=0 must be a positive integer"),
    (dict(duration=10.0, stimuli={"lif": np.zeros((1, 60))}), r"not SpikeSourceInput populations"),
    (dict(duration=10.0, stimuli={"in": np.full((1, 40), 1.5)}), r"probabilities per step must lie in \[0, 1\]"),
    (dict(duration=10.0, stimuli={"in": np.zeros((1, 39))}), r"rates of shape \(1, 39\)"),
    (dict(duration=10.0, seed=-1), r"seed=-1 must be an integer"),
])
def test_bad_run_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(SpecError, match=message):
        Simulator(small_net()).run(**kwargs)


@pytest.mark.parametrize("schedule", ["spinnaker", "exact"])
def test_spike_source_array_times_past_the_end_are_not_delivered(schedule):
    """PyNN's choice: a SpikeSourceArray time at or past the run's end is not delivered in this run, no error
    (docs/concepts.md); a longer run delivers it."""
    net = Network([Population("s", 1, "SpikeSourceArray", params=dict(spike_times=[[5.0, 25.0, 50.0]]))],
                  dt=1.0, schedule=schedule)
    assert Simulator(net).run(20.0).spikes("s")[0].tolist() == [5.0]
    assert Simulator(net).run(60.0).spikes("s")[0].tolist() == [5.0, 25.0, 50.0]


def test_spike_source_array_time_before_the_run_is_refused():
    net = Network([Population("s", 1, "SpikeSourceArray", params=dict(spike_times=[[-3.0, 5.0]]))], dt=1.0)
    with pytest.raises(SpecError, match=r"spike time -3.0 ms of neuron 0 lies before the first step"):
        Simulator(net).run(20.0)
