"""The NALSM readout pieces: normalisation, soft targets, Adadelta training on separable data."""
import re

import numpy as np
import pytest

from snn.errors import SpecError
from snn.readout import normalise_batches, soft_targets, train_logistic_readout, train_paper_readout


def test_soft_targets_values():
    """softmax(+1 true, -1 others) over 10 classes: e^1 / (e^1 + 9 e^-1) = 0.4509, others 0.0610."""
    q = soft_targets(np.array([2]), 10)[0]
    assert q[2] == pytest.approx(np.e / (np.e + 9 / np.e), rel=1e-12)
    assert q[0] == pytest.approx((1 / np.e) / (np.e + 9 / np.e), rel=1e-12)


def test_normalisation_per_sample_then_batch_max():
    c = np.array([[1, 3], [2, 2], [0, 0], [4, 0]], float)
    x = normalise_batches(c, 2).toarray()
    np.testing.assert_allclose(x[:2], np.array([[0.25, 0.75], [0.5, 0.5]]) / 0.75)
    np.testing.assert_allclose(x[2:], [[0, 0], [1, 0]])    # a silent sample stays 0 (the original gives NaN)


def test_readouts_learn_separable_counts():
    rng = np.random.default_rng(0)
    centers = np.full((3, 21), 3.0)
    for k in range(3):
        centers[k, 7 * k:7 * k + 7] = 9.0       # each class raises its own block of 7 features
    def make(n):
        y = rng.integers(0, 3, n)
        return rng.poisson(centers[y] + 1), y
    tr, va, te = make(300), make(100), make(100)
    r = train_paper_readout(tr, va, te, n_classes=3, batch_size=50, epochs=400, patience=100)
    assert r.test_accuracy > 0.95 and 0 <= r.best_epoch < r.epochs_run
    assert train_logistic_readout(tr, va, te).test_accuracy > 0.9


def test_first_adadelta_step_is_tf1s():
    """One batch, one epoch from W = 0: p = 1/K for every class, g = X^T (p - q) / B + beta W (W = 0);
    TF1 Adadelta: acc = (1 - rho) g^2, update = sqrt(0 + eps) / sqrt(acc + eps) * g, W = -lr * update."""
    rng = np.random.default_rng(3)
    counts, y = rng.poisson(3.0, (8, 5)).astype(float), rng.integers(0, 3, 8)
    r = train_paper_readout((counts, y), (counts, y), (counts, y), n_classes=3, batch_size=8, epochs=1)
    x = normalise_batches(counts, 8).toarray()
    g = x.T @ (np.full((8, 3), 1 / 3) - soft_targets(y, 3)) / 8
    expected = -0.1 * np.sqrt(1e-8) / np.sqrt(0.05 * g ** 2 + 1e-8) * g
    np.testing.assert_allclose(r.model[0], expected, rtol=1e-12, atol=1e-300)


def _dense_reference(x, q, batch_size, epochs, lr=0.1, rho=0.95, eps=1e-8, beta=5e-10):
    """The readout's training written out in dense numpy (specs/nalsm.md 4), one Adadelta step per batch."""
    W, b = np.zeros((x.shape[1], q.shape[1])), np.zeros(q.shape[1])
    acc = [np.zeros_like(W), np.zeros_like(b)]
    acc_up = [np.zeros_like(W), np.zeros_like(b)]
    for _ in range(epochs):
        for a in range(0, len(x), batch_size):
            xb, qb = x[a:a + batch_size], q[a:a + batch_size]
            z = xb @ W + b
            p = np.exp(z - z.max(axis=1, keepdims=True))
            g = (p / p.sum(axis=1, keepdims=True) - qb) / len(xb)
            for i, (var, grad) in enumerate(((W, xb.T @ g + beta * W), (b, g.sum(axis=0)))):
                acc[i] = rho * acc[i] + (1 - rho) * grad ** 2
                up = np.sqrt(acc_up[i] + eps) / np.sqrt(acc[i] + eps) * grad
                acc_up[i] = rho * acc_up[i] + (1 - rho) * up ** 2
                var -= lr * up
    return W, b


@pytest.mark.parametrize("batch_size", [7, 50])
def test_sparse_kernel_matches_dense_reference(batch_size):
    """The numba readout over CSR features equals the dense numpy form after several epochs (a partial last
    batch, silent samples and sparse counts included), and so do its predictions."""
    rng = np.random.default_rng(5)
    counts = rng.poisson(0.3, (103, 40)) * (rng.random((103, 40)) < 0.4)
    counts[[4, 60]] = 0
    y = rng.integers(0, 4, 103)
    epochs = 6
    r = train_paper_readout((counts, y), (counts, y), (counts, y), n_classes=4, batch_size=batch_size,
                            epochs=epochs, patience=epochs)
    x = normalise_batches(counts, batch_size).toarray()
    W, b = _dense_reference(x, soft_targets(y, 4), batch_size, r.best_epoch + 1)
    np.testing.assert_allclose(r.model[0], W, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(r.model[1], b, rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(r.test_predictions, np.argmax(x @ W + b, axis=1))


@pytest.mark.parametrize("change, message", [
    (lambda tr, va: (tr, (va[0][:, :-1], va[1])), "val: 3 features, the training split has 4"),
    (lambda tr, va: ((tr[0], tr[1][:-1]), va), "must be (samples, features) and (samples,)"),
    (lambda tr, va: ((tr[0], tr[1] + 3), va), "labels must be integers in [0, 3)"),
    (lambda tr, va: ((-tr[0], tr[1]), va), "counts must be finite and >= 0"),
    (lambda tr, va: (tr, (va[0][:0], va[1][:0])), "at least one training and one validation sample"),
])
def test_bad_splits_get_a_clear_error(change, message):
    """The kernels do not check bounds: mismatched or out-of-range input is refused before they run."""
    rng = np.random.default_rng(1)
    tr, va = (rng.poisson(2.0, (12, 4)), rng.integers(0, 3, 12)), (rng.poisson(2.0, (6, 4)), rng.integers(0, 3, 6))
    tr, va = change(tr, va)
    with pytest.raises(SpecError, match=re.escape(message)):
        train_paper_readout(tr, va, va, n_classes=3, batch_size=4, epochs=1)
