"""Rate code: NALSM normalisation and the numpy Bernoulli reference."""
import numpy as np
import pytest

from snn.data import bernoulli_spikes, rate_probabilities
from snn.errors import DataError, SpecError


def test_rate_normalisation_sum_rule_and_row_major():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (50, 3, 5)).astype(np.uint8)       # non-square: row-major vs column-major differ
    p, gm = rate_probabilities(x)
    assert p.shape == (50, 15) and p.dtype == np.float64
    q = x.reshape(50, 15) / x.reshape(50, 15).sum(1, keepdims=True)
    assert gm == q.max()
    np.testing.assert_allclose(p.sum(1), 1 / gm, rtol=1e-12)    # same total rate for every image
    assert p.max() == 1.0 and p.min() >= 0
    r, c = 2, 4
    np.testing.assert_allclose(p[:, r * 5 + c], x[:, r, c] / x.reshape(50, -1).sum(1) / gm, rtol=1e-12)


def test_rate_fixed_global_max_is_used_as_given():
    x = np.array([[1, 3], [2, 2]], np.uint8)[:, None, :]
    p, gm = rate_probabilities(x, global_max=0.5)
    assert gm == 0.5
    np.testing.assert_allclose(p, [[0.5, 1.5], [1.0, 1.0]])     # may exceed 1 with a foreign max
    with pytest.raises(SpecError, match="global_max"):
        rate_probabilities(x, global_max=0)


def test_rate_all_zero_image():
    x = np.zeros((3, 2, 2))
    x[0, 0, 0] = 4
    x[2, 1, 1] = 1
    with pytest.raises(DataError, match=r"1 all-zero images \(first at index 1\)"):
        rate_probabilities(x)
    p, gm = rate_probabilities(x, on_zero="zero")
    assert gm == 1.0 and p[1].sum() == 0 and p[0, 0] == 1 and p[2, 3] == 1
    with pytest.raises(DataError, match="negative"):
        rate_probabilities(-x)


def test_bernoulli_rates_within_binomial_tolerance():
    """Each probability level is drawn n = 400 inputs x 500 steps = 200,000 times; the spike count must lie
    within 5 binomial standard deviations of n*p (a false failure has probability < 1e-6 per level)."""
    levels = np.array([0.0, 0.003, 0.05, 0.3, 0.5, 0.97, 1.0])
    p = np.repeat(levels, 400)
    s = bernoulli_spikes(p, 500, np.random.default_rng(7))
    assert s.shape == (p.size, 500) and s.dtype == bool
    counts = s.reshape(len(levels), 400, 500).sum(axis=(1, 2))
    n = 400 * 500
    for lv, k in zip(levels, counts):
        sigma = np.sqrt(n * lv * (1 - lv))
        assert abs(k - n * lv) <= 5 * sigma, (lv, k)
    assert counts[0] == 0 and counts[-1] == n


def test_bernoulli_independent_over_time_and_inputs():
    s = bernoulli_spikes(np.full(2000, 0.5), 200, 3).astype(float)
    # lag-1 correlation in time and between neighbouring inputs: 5 sigma of ~1/sqrt(N) around 0
    a, b = s[:, :-1].ravel(), s[:, 1:].ravel()
    assert abs(np.corrcoef(a, b)[0, 1]) < 5 / np.sqrt(a.size)
    a, b = s[:-1].ravel(), s[1:].ravel()
    assert abs(np.corrcoef(a, b)[0, 1]) < 5 / np.sqrt(a.size)


def test_bernoulli_deterministic_given_seed_and_batched_shape():
    p = np.random.default_rng(0).random((4, 30))
    a = bernoulli_spikes(p, 25, 123)
    b = bernoulli_spikes(p, 25, np.random.default_rng(123))
    c = bernoulli_spikes(p, 25, 124)
    assert a.shape == (4, 30, 25)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # the documented draw: U = rng.random(p.shape + (T,)), spike where U < p
    u = np.random.default_rng(123).random((4, 30, 25))
    np.testing.assert_array_equal(a, u < p[..., None])
    with pytest.raises(SpecError, match="seeds are explicit"):
        bernoulli_spikes(p, 25, None)
    with pytest.raises(SpecError, match="T=0"):
        bernoulli_spikes(p, 0, 1)
