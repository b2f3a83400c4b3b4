"""Avalanche sizes add up to the spike count; the astrocyte signal rebuilt from the spikes."""
import numpy as np
import pytest

from snn.analysis import astrocyte_signal, avalanches
from snn.errors import SpecError


def test_avalanche_sizes_add_up_to_the_spike_count():
    rng = np.random.default_rng(0)
    t = rng.integers(0, 500, 300)
    av = avalanches(t, 3, t_start=0, t_stop=501, complete_only=False)
    assert av.sizes.sum() == 300
    assert av.durations.sum() == np.count_nonzero(np.bincount(t // 3, minlength=167))


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
