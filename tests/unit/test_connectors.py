"""Connectors: exact counts where the rule fixes them, binomial bands (5 sigma) where it draws them."""
import numpy as np
import pytest

from snn.connectors import AllToAll, DistanceDependent, FixedProbability, FixedTotalNumber, FromList, OneToOne
from snn.errors import SpecError


def rng(seed=0):
    return np.random.default_rng(seed)


def pairs(c):
    return set(zip(c.pre.tolist(), c.post.tolist()))


def test_all_to_all_with_and_without_self_connections():
    assert len(pairs(AllToAll().connect(4, 3, rng()))) == 12
    no_self = pairs(AllToAll(allow_self_connections=False).connect(4, 4, rng()))
    assert len(no_self) == 12 and all(i != j for i, j in no_self)


def test_one_to_one_and_size_mismatch():
    assert pairs(OneToOne().connect(5, 5, rng())) == {(i, i) for i in range(5)}
    with pytest.raises(SpecError, match="equal size, got 5 -> 4"):
        OneToOne().connect(5, 4, rng())


def test_fixed_probability_count_within_binomial_band_and_seeded():
    n, p = 400, 0.05
    c = FixedProbability(p).connect(n, n, rng(1))
    mean, sd = n * n * p, np.sqrt(n * n * p * (1 - p))
    assert abs(c.pre.size - mean) < 5 * sd
    assert pairs(c) == pairs(FixedProbability(p).connect(n, n, rng(1)))
    assert pairs(c) != pairs(FixedProbability(p).connect(n, n, rng(2)))
    with pytest.raises(SpecError, match=r"p=1.5 must be a finite number >= 0.0 and <= 1.0"):
        FixedProbability(1.5)


def test_fixed_total_number_is_exact_and_without_replacement():
    c = FixedTotalNumber(500).connect(30, 40, rng())
    assert c.pre.size == 500 and len(pairs(c)) == 500
    c = FixedTotalNumber(50, allow_self_connections=False).connect(10, 10, rng())
    assert len(pairs(c)) == 50 and all(i != j for i, j in pairs(c))
    with pytest.raises(SpecError, match="exceeds the 12 possible pairs"):
        FixedTotalNumber(13).connect(3, 4, rng())


def test_distance_dependent_follows_the_gaussian_profile():
    # two points at distance D, many copies: the connection frequency estimates C exp(-(D/lam)^2)
    n = 3000
    pre_pos = np.zeros((n, 3))
    post_pos = np.array([[0.0, 0.0, 2.0]])
    c = DistanceDependent(C=0.3, lam=3.0).connect(n, 1, rng(3), pre_pos, post_pos)
    p = 0.3 * np.exp(-(2.0 / 3.0) ** 2)
    assert abs(c.pre.size - n * p) < 5 * np.sqrt(n * p * (1 - p))
    with pytest.raises(SpecError, match="needs `positions`"):
        DistanceDependent(0.3, 3.0).connect(2, 2, rng())


def test_from_list_carries_weights_and_checks_ranges():
    c = FromList(((0, 1, 0.5), (2, 0, 1.5))).connect(3, 2, rng())
    assert pairs(c) == {(0, 1), (2, 0)} and c.weights.tolist() == [0.5, 1.5]
    with pytest.raises(SpecError, match=r"index out of range: pre must be in \[0, 3\)"):
        FromList(((3, 0),)).connect(3, 2, rng())
