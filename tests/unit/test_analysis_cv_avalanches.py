"""CV of inter-spike intervals and neuronal avalanches against values computed by hand."""
import numpy as np
import pytest

from snn.analysis import avalanches, cv_isi, distribution
from snn.errors import SpecError


def test_cv_isi_by_hand():
    # neuron 0: a clock (ISIs 10, 10, 10) -> 0; neuron 1: ISIs 2 and 6 -> mean 4, std 2 -> 0.5;
    # neuron 2: two spikes (one interval) -> NaN; neuron 3: silent -> NaN
    times = [0, 10, 20, 30, 1, 3, 9, 5, 7]
    ids = [0, 0, 0, 0, 1, 1, 1, 2, 2]
    cv = cv_isi(times, ids, 4)
    assert cv[0] == 0.0 and cv[1] == pytest.approx(0.5, abs=1e-15)
    assert np.isnan(cv[2]) and np.isnan(cv[3])
    assert cv_isi(times, ids, 4, min_spikes=2)[2] == 0.0


def test_cv_isi_of_a_poisson_train_is_near_one():
    rng = np.random.default_rng(0)
    t = np.cumsum(rng.exponential(10.0, 20000))
    assert cv_isi(t, np.zeros(t.size, int), 1)[0] == pytest.approx(1.0, abs=0.03)   # sd of the estimate ~0.007


def test_avalanches_by_hand():
    # bins of width 2 from t = 0: counts per bin [1, 0, 2, 1, 0, 0, 3, 0, 1]
    times = [1, 4, 5, 6, 12, 12.5, 13, 17]
    av = avalanches(times, 2.0, t_start=0.0, t_stop=18.0)
    assert av.counts.tolist() == [1, 0, 2, 1, 0, 0, 3, 0, 1]
    # runs: [0] (touches the start: dropped), [2, 3] size 3 duration 2, [6] size 3 duration 1, [8] (end: dropped)
    assert av.sizes.tolist() == [3, 3] and av.durations.tolist() == [2, 1]
    every = avalanches(times, 2.0, t_start=0.0, t_stop=18.0, complete_only=False)
    assert every.sizes.tolist() == [1, 3, 3, 1] and every.durations.tolist() == [1, 2, 1, 1]
    v, p = distribution(every.sizes)
    assert v.tolist() == [1, 3] and p.tolist() == [0.5, 0.5]


def test_avalanches_default_window_and_bin_width():
    # width 1 from the first spike (t = 3): bins 3, 4, 5, 6, 7, 8 -> counts [2, 1, 0, 1, 0, 1]
    av = avalanches([3, 3, 4, 6, 8], 1, complete_only=False)
    assert av.counts.tolist() == [2, 1, 0, 1, 0, 1]
    assert av.sizes.tolist() == [3, 1, 1] and av.durations.tolist() == [2, 1, 1]
    with pytest.raises(SpecError, match="bin_width"):
        avalanches([1, 2], 0)
