"""kernel_rank (specs/nalsm.md 5): ranks of constructed count matrices whose rank is known by construction."""
import numpy as np
import pytest

from snn.analysis import kernel_rank
from snn.errors import SpecError


def test_rank_of_a_low_rank_product_is_its_inner_dimension():
    """counts = A @ B with A (n, r), B (r, N) random integers: every draw of >= r samples in general position
    has rank r; numpy's rank of the whole matrix agrees."""
    rng = np.random.default_rng(0)
    r, n, N = 7, 200, 60
    counts = rng.integers(0, 5, (n, r)) @ rng.integers(0, 5, (r, N))
    labels = np.arange(n) % 10
    assert np.linalg.matrix_rank(counts) == r
    kr = kernel_rank(counts, labels, per_class=3, resamples=20, rng=np.random.default_rng(1))
    assert kr.mean == r and np.all(kr.ranks == r)
    full = kernel_rank(np.eye(30)[np.arange(30) % 12], np.arange(30) % 3, per_class=10, resamples=2,
                       rng=np.random.default_rng(2))
    assert full.mean == 12.0             # 12 distinct unit vectors among the 30 samples, all drawn


def test_draws_are_per_class_and_ranks_follow_them():
    """Classes of m = 8 samples: 7 copies of a class vector u_c and one special v_c, all 20 directions
    independent. A draw of 3 per class has rank 10 + (classes whose v_c was drawn), checked draw by draw; the
    mean approaches 10 + 10 * 3 / 8 = 13.75 (500 draws: sd of the mean ~0.07; band 0.3)."""
    rng = np.random.default_rng(3)
    dirs = rng.integers(0, 9, (20, 40))
    labels = np.repeat(np.arange(10), 8)
    special = np.zeros(80, bool)
    special[np.arange(10) * 8 + 5] = True
    counts = np.where(special[:, None], dirs[10 + labels], dirs[labels])
    kr = kernel_rank(counts, labels, per_class=3, resamples=500, rng=np.random.default_rng(4))
    assert kr.draws.shape == (500, 30)
    for d, rank in zip(kr.draws, kr.ranks):
        assert len(set(d.tolist())) == 30 and np.all(np.bincount(labels[d], minlength=10) == 3)
        assert rank == 10 + special[d].sum() == np.linalg.matrix_rank(counts[d].T)
    assert abs(kr.mean - 13.75) < 0.3
    small = kernel_rank(counts[:12], labels[:12], per_class=10, resamples=1, rng=np.random.default_rng(0))
    assert sorted(small.draws[0].tolist()) == list(range(12))      # a class with fewer: all of it


def test_bad_input_is_named():
    c, y = np.zeros((4, 3)), np.arange(4)
    with pytest.raises(SpecError, match="per_class=0 must be an integer >= 1"):
        kernel_rank(c, y, 0, 5, np.random.default_rng(0))
    with pytest.raises(SpecError, match="one label per sample"):
        kernel_rank(c, y[:3], 1, 5, np.random.default_rng(0))
    with pytest.raises(SpecError, match="must be a numpy Generator"):
        kernel_rank(c, y, 1, 5, 0)
