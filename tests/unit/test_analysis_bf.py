"""Branching factor (specs/nalsm.md 3.4) on a synthetic raster computed by hand."""
import numpy as np
import pytest

from snn.analysis import branching_factor, mean_branching_factor


def test_branching_factor_by_hand():
    """Chain 0 -> 1 -> 2 plus 0 -> 2; window 4, counted spikes in [0, 20), candidates t in [4, 16).
    Neuron 1 spikes at t = 6: ancestors = spikes of 0 in [2, 6) = {3, 5} -> 2; descendants = spikes of 2 in
    [7, 11) = {8, 9} -> 2; ratio 1. Neuron 1 at t = 12: ancestors of 0 in [8, 12) = {} -> clipped to 1;
    descendants of 2 in [13, 17) = {14} -> 1; ratio 1. So BF_1 = 1.
    Neuron 0 at t = 5: no presynaptic -> 1; descendants: 1 and 2 in [6, 10) = {1@6, 2@8, 2@9} -> 3; ratio 3.
    Neuron 0 at t = 3: before the candidate window, not counted. BF_0 = 3.
    Neuron 2 at 8, 9, 14: no targets -> ratios 0: BF_2 = 0. Neuron 3 is silent (skipped).
    Mean over neurons 0, 1, 2 = (3 + 1 + 0) / 3 = 4/3. Neuron 2's spike at 25 is outside [0, 20)."""
    times = [3, 5, 6, 8, 9, 12, 14, 25]
    ids = [0, 0, 1, 2, 2, 1, 2, 2]
    pre, post = [0, 1, 0], [1, 2, 2]
    bf = branching_factor(times, ids, 4, pre, post, t_start=0, t_stop=20, window=4)
    assert bf == pytest.approx(4 / 3, abs=1e-12)
    # duplicate synapses count once; the mean over samples skips empty rasters
    assert branching_factor(times, ids, 4, pre + [0], post + [1], t_start=0, t_stop=20) == pytest.approx(4 / 3)
    assert mean_branching_factor([(times, ids), ([], [])], 4, pre, post, t_start=0, t_stop=20) == \
        pytest.approx(4 / 3)


def test_branching_factor_of_a_perfect_relay_is_one():
    """A ring of 10 neurons, each firing once 2 steps after its predecessor: every interior spike has one
    ancestor and one descendant."""
    n = 10
    times = np.arange(0, 2 * 40, 2)
    ids = np.arange(40) % n
    bf = branching_factor(times, ids, n, np.arange(n), (np.arange(n) + 1) % n, t_start=0, t_stop=80)
    assert bf == pytest.approx(1.0)
