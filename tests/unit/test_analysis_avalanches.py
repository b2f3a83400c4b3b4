"""Neuronal avalanches on hand-computed rasters, and the astrocyte signal rebuilt from the spikes."""
import numpy as np
import pytest

from snn.analysis import astrocyte_signal, avalanches
from snn.errors import SpecError


def test_avalanches_by_hand():
    """Steps 0..15 in bins of 2: bin 0 = [0, 2) holds 0, 1, 1 (3 spikes), bin 1 is empty, bins 2 and 3 hold 5
    and 6, bins 4-5 are empty, bin 6 holds 12, bin 7 is empty. Avalanches: {bin 0} size 3 duration 1,
    {bins 2, 3} size 2 duration 2, {bin 6} size 1 duration 1."""
    sizes, durations = avalanches([0, 1, 1, 5, 6, 12], n_steps=16, bin=2)
    assert sizes.tolist() == [3, 2, 1]
    assert durations.tolist() == [1, 2, 1]
    # bin 1: every step its own bin; 0-1 is one avalanche of 3 spikes over 2 bins, 5-6 one of 2 over 2
    sizes, durations = avalanches([0, 1, 1, 5, 6, 12], n_steps=16)
    assert sizes.tolist() == [3, 2, 1] and durations.tolist() == [2, 2, 1]
    # a run that reaches the end counts; a silent raster has none; order of spikes does not matter
    assert [a.tolist() for a in avalanches([15, 14, 0], n_steps=16)] == [[1, 2], [1, 2]]
    assert [a.size for a in avalanches([], n_steps=10, bin=3)] == [0, 0]


def test_avalanches_total_size_is_the_spike_count():
    rng = np.random.default_rng(0)
    t = rng.integers(0, 500, 300)
    sizes, durations = avalanches(t, 500, bin=3)
    assert sizes.sum() == 300
    assert durations.sum() == np.count_nonzero(np.bincount(t // 3, minlength=167))


@pytest.mark.parametrize("kw", [dict(bin=0), dict(bin=1.5), dict(n_steps=0), dict(times=[20])])
def test_avalanches_reject_bad_arguments(kw):
    args = dict(times=[1, 2], n_steps=10, bin=1, **{})
    args.update(kw)
    with pytest.raises(SpecError):
        avalanches(args["times"], args["n_steps"], args["bin"])


def test_astrocyte_signal_ends_at_the_engine_state():
    """A rebuilt from the recorded spikes after the last step equals the A the kernel itself ended with
    (``Result.modulator_state``), for every sample: same recurrence, same counts (tolerance: float rounding
    of 100 additions)."""
    from snn.engine import Simulator
    from snn.models.nalsm import build_liquid
    net = build_liquid(16, shape=(4, 4, 4), phase="features")
    rates = np.random.default_rng(0).random((2, 16)) * 0.2
    res = Simulator(net).run(60.0, batch=2, stimuli={"events": rates}, seed=0)
    for b in range(2):
        t, A = astrocyte_signal(res, b)
        assert t.shape == A.shape == (60,)
        assert A[-1] == pytest.approx(res.modulator_state[b, 0], rel=1e-12, abs=1e-15)
    assert not np.allclose(astrocyte_signal(res, 0)[1], astrocyte_signal(res, 1)[1])
