"""SpikeSourcePoisson: rate (binomial band), the start/duration window in both stamp conventions, determinism
whatever the batch, chunking and thread count, and parameter validation."""
import numba
import numpy as np
import pytest

from snn.engine import Simulator
from snn.errors import SpecError
from snn.spec import Network, Population


def _net(schedule="exact", dt=1.0, **params):
    return Network([Population("p", 200, "SpikeSourcePoisson", params)], dt=dt, schedule=schedule)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rate_within_binomial_band(seed):
    # 200 neurons x 1000 steps, p = rate * dt = 0.02 per step: the total is Binomial(2e5, 0.02), sd ~ 62.6.
    # Five standard deviations: a false alarm once in ~1.7 million runs; a wrong rate by 2 % already fails.
    res = Simulator(_net(rate=20.0)).run(1000.0, seed=seed)
    n, p = 200 * 1000, 0.02
    sd = np.sqrt(n * p * (1 - p))
    assert abs(res.counts("p").sum() - n * p) < 5 * sd
    # per neuron: no neuron far outside Binomial(1000, 0.02) (mean 20, sd 4.4): 7 sd, over 200 neurons
    assert np.all(np.abs(res.counts("p") - 20) < 7 * 4.43)


@pytest.mark.parametrize("schedule, dt", [("exact", 0.1), ("spinnaker", 1.0)])
def test_start_duration_window(schedule, dt):
    res = Simulator(_net(schedule, dt, rate=300.0, start=20.0, duration=30.0)).run(80.0)
    t, _ = res.spikes("p")
    assert t.size > 1000
    assert t.min() >= 20.0 - 1e-9 and t.max() < 50.0 - 1e-9
    # every step of the window can fire: the first and last stamps are reached
    assert t.min() == pytest.approx(20.0) and t.max() == pytest.approx(50.0 - dt)


def test_same_seed_same_spikes_whatever_batch_chunk_threads():
    sim = Simulator(_net(rate=50.0))
    whole = sim.run(200.0, batch=5, seed=7)
    one = sim.run(200.0, batch=1, seed=7, sample_offset=3)
    chunked = sim.run(200.0, batch=5, seed=7, chunk=2)
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        serial = sim.run(200.0, batch=5, seed=7)
    finally:
        numba.set_num_threads(threads)
    for k in range(5):
        for other in (chunked, serial):
            np.testing.assert_array_equal(whole.spikes("p", k)[0], other.spikes("p", k)[0])
            np.testing.assert_array_equal(whole.spikes("p", k)[1], other.spikes("p", k)[1])
    np.testing.assert_array_equal(whole.spikes("p", 3)[1], one.spikes("p", 0)[1])
    assert not np.array_equal(whole.counts("p")[0], whole.counts("p")[1])     # samples differ
    assert not np.array_equal(whole.counts("p")[0], sim.run(200.0, seed=8).counts("p")[0])


def test_per_neuron_rates_and_silence():
    rates = np.r_[np.zeros(100), np.full(100, 100.0)]
    res = Simulator(_net(rate=rates)).run(500.0)
    c = res.counts("p")[0]
    assert c[:100].sum() == 0 and c[100:].sum() > 4000


@pytest.mark.parametrize("params, words", [(dict(rate=-1.0), "rate"), (dict(rate=2000.0), "one spike per time step"),
                                           (dict(start=-5.0), "start"), (dict(duration=-1.0), "duration")])
def test_invalid_parameters_are_named(params, words):
    with pytest.raises(SpecError, match=words):
        _net(**params).validate()
