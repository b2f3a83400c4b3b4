"""HLOP's lateral subspace neurons (models/hlop.py): Oja's subspace rule recovers the principal subspace, new
neurons learn the residual of the old ones, and projected gradients leave old-task outputs unchanged."""
import numpy as np
import pytest
from scipy.linalg import subspace_angles

from snn.errors import SpecError
from snn.models.hlop import HLOPLayer, orthogonal_rows, pmnist_neuron_counts


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Small matrices: threaded BLAS does not pay, and on a shared machine it can be 100x slower."""
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1):
        yield


def _low_rank_data(rng, n_samples, n, variances, noise=0.05):
    """Samples whose covariance has the given leading variances along random orthonormal directions."""
    basis = orthogonal_rows(len(variances), n, rng)                       # k x n
    z = rng.standard_normal((n_samples, len(variances))) * np.sqrt(variances)
    return z @ basis + noise * rng.standard_normal((n_samples, n)), basis


def _principal_rows(x, k):
    return np.linalg.svd(x, full_matrices=False)[2][:k]                  # top-k right singular vectors


def _train(layer, x, batch=64, epochs=3):
    for _ in range(epochs):
        for a in range(0, len(x), batch):
            layer.update(x[a:a + batch])


def test_orthogonal_init_is_orthonormal_and_signs_follow_r():
    rng = np.random.default_rng(1)
    H = orthogonal_rows(7, 30, rng)
    assert H.shape == (7, 30)
    np.testing.assert_allclose(H @ H.T, np.eye(7), atol=1e-12)           # eps-scaled: exact QR
    tall = orthogonal_rows(30, 7, rng)
    np.testing.assert_allclose(tall.T @ tall, np.eye(7), atol=1e-12)


def test_oja_subspace_rule_recovers_the_principal_subspace():
    """5 neurons on 60-d data with 5 strong directions (variances 9..4 against noise 0.0025): after 3 passes of
    the code's rule (lr 0.01, EMA momentum 0.9, 5 iterations per batch of 64), the largest principal angle to
    numpy's SVD subspace is below 3 degrees and the rows are orthonormal to 1e-3. Tolerance: the batch estimate
    and finite learning rate leave a small stochastic error (measured 0.48 degrees, orthonormal to 6e-5); a wrong sign in the
    anti-Hebbian term or a missing clamp/momentum gives tens of degrees or divergence."""
    rng = np.random.default_rng(0)
    x, _ = _low_rank_data(rng, 4000, 60, [9.0, 8.0, 6.0, 5.0, 4.0])
    layer = HLOPLayer(60, lr=0.01, dtype=np.float64)
    layer.add_neurons(5, np.random.default_rng(1))
    start = np.degrees(subspace_angles(layer.H.T, _principal_rows(x, 5).T).max())
    _train(layer, x)
    angle = np.degrees(subspace_angles(layer.H.T, _principal_rows(x, 5).T).max())
    assert start > 45.0                                                    # the random init is far from it
    assert angle < 3.0, angle
    np.testing.assert_allclose(layer.H @ layer.H.T, np.eye(5), atol=1e-3)


def test_new_neurons_learn_the_residual_and_old_rows_stay_fixed():
    """Task 1 spans 4 directions, task 2 another 4: after merge, 4 new neurons trained on task-2 data span task
    2's directions (inference uses old and new rows), and the merged old rows do not move at all."""
    rng = np.random.default_rng(2)
    x1, b1 = _low_rank_data(rng, 3000, 40, [9.0, 8.0, 7.0, 6.0], noise=0.02)
    layer = HLOPLayer(40, lr=0.01, dtype=np.float64)
    layer.add_neurons(4, np.random.default_rng(3))
    _train(layer, x1)
    layer.merge()
    old = layer.H.copy()
    x2 = np.vstack([x1, _low_rank_data(rng, 3000, 40, [9.0, 8.0, 7.0, 6.0], noise=0.02)[0]])
    rng.shuffle(x2)
    b2 = _principal_rows(x2 - (x2 @ old.T) @ old, 4)                      # residual directions
    layer.add_neurons(4, np.random.default_rng(4))
    _train(layer, x2)
    np.testing.assert_array_equal(layer.H[:4], old)                        # fixed rows: bit-identical
    assert np.degrees(subspace_angles(layer.H[4:].T, b2.T).max()) < 5.0
    assert np.degrees(subspace_angles(old.T, b1.T).max()) < 3.0
    # together the 8 rows explain both tasks: residual of the old task is small
    assert layer.residual(x1) < 0.05


def test_projected_updates_leave_old_outputs_unchanged_on_a_linear_toy_problem():
    """Linear model y = W x. Old-task inputs live in a 6-d subspace of R^20; with that subspace (orthonormal
    rows from the SVD) as the fixed HLOP rows, 200 SGD steps on a new task change the old-task outputs by less
    than 1e-12 relative (float64 rounding of the projection). The same steps without projection change them by
    order 1, so the check can fail."""
    rng = np.random.default_rng(5)
    x_old = rng.standard_normal((300, 6)) @ orthogonal_rows(6, 20, rng)
    layer = HLOPLayer(20, lr=0.01, dtype=np.float64)
    layer.H = _principal_rows(x_old, 6)
    layer.V = np.zeros_like(layer.H)
    layer.merge()
    W0 = rng.standard_normal((3, 20))
    x_new, y_new = rng.standard_normal((500, 20)), rng.standard_normal((500, 3))
    y_old0 = x_old @ W0.T
    for proj, bound in ((True, 1e-12), (False, None)):
        W = W0.copy()
        for s in range(200):
            b = slice((s * 25) % 500, (s * 25) % 500 + 25)
            G = (x_new[b] @ W.T - y_new[b]).T @ x_new[b] / 25                # dL/dW of the squared error
            W -= 0.05 * (layer.project_gradient(G) if proj else G)
        change = np.linalg.norm(x_old @ W.T - y_old0) / np.linalg.norm(y_old0)
        if proj:
            assert change < bound, change
        else:
            assert change > 0.1, change
    # and the projected model did learn the new task
    assert np.mean((x_new @ W.T - y_new) ** 2) < np.mean((x_new @ W0.T - y_new) ** 2)


def test_pmnist_neuron_schedule_matches_the_code_totals():
    """80/200/100 on task 0, +70 (tasks 1-2), +50 (3-5), +30 (6-8), +10 (9): the spec's 460/580/480 are the
    merged totals used while training the last task (tasks 0..8), and the schedule ends at 470/590/490."""
    counts = np.array(pmnist_neuron_counts(10))
    assert counts[:, 0].tolist() == [80, 70, 70, 50, 50, 50, 30, 30, 30, 10]
    assert counts[:9].sum(0).tolist() == [460, 580, 480]


def test_hlop_layer_rejects_bad_parameters():
    with pytest.raises(SpecError, match="lr"):
        HLOPLayer(10, lr=0.0)
    with pytest.raises(SpecError, match="momentum"):
        HLOPLayer(10, lr=0.01, momentum=1.0)


def test_spiking_lateral_neurons_quantise_their_output_by_hand():
    """``round(clip(y, -s, s) / s * Ts) / Ts * s`` with s = 2, Ts = 4: steps of 0.5, saturating at +-2."""
    h = HLOPLayer(2, 0.01, spiking=(2.0, 4), dtype=np.float64)
    h.H = np.eye(2)
    y = h.infer(np.array([[0.2, -0.3], [0.74, 5.0], [-9.0, 1.26]]))
    np.testing.assert_allclose(y, [[0.0, -0.5], [0.5, 2.0], [-2.0, 1.5]])
    with pytest.raises(SpecError, match="spiking"):
        HLOPLayer(2, 0.01, spiking=(0.0, 4))


@pytest.mark.parametrize("training", ["dsr", "bptt", "ottt"])
def test_activity_projection_equals_gradient_projection_when_not_quantised(training):
    """Projecting every presynaptic activity row (per sample and time step) before the gradient is formed must
    give the projected gradient ``G (I - H^T H)`` of each layer, for all three training methods; with spiking
    neurons at a fine resolution (Ts large) the same holds to the quantisation error, at a coarse one it does
    not."""
    from snn.models.spiking_mlp import SpikingMLP
    rng = np.random.default_rng(0)
    model = SpikingMLP((20, 16, 12, 5), training, seed=3, dtype=np.float64)
    x, y = 4.0 * rng.standard_normal((8, 20)), rng.integers(0, 5, 8)     # strong enough to make spikes
    layers = []
    for W in model.weights:
        h = HLOPLayer(W.shape[1], 0.01, dtype=np.float64)
        h.add_neurons(3, rng)
        h.merge()
        layers.append(h)
    _, G, _, _ = model.gradients(x, y)
    _, Gp, _, _ = model.gradients(x, y, project=[h.project_activity for h in layers])
    for h, g, gp in zip(layers, G, Gp):
        np.testing.assert_allclose(gp, h.project_gradient(g), rtol=1e-9, atol=1e-12)
        assert np.abs(gp - g).max() > 1e-3                   # the projection did something
    for steps, close in ((10 ** 7, True), (2, False)):
        for h in layers:
            h.spiking = (20.0, steps)
        _, Gq, _, _ = model.gradients(x, y, project=[h.project_activity for h in layers])
        err = max(np.abs(gq - h.project_gradient(g)).max() for h, g, gq in zip(layers, G, Gq))
        assert (err < 1e-5) == close, (steps, err)


@pytest.mark.parametrize("spiking", [None, (2.0, 40)])
def test_update_matches_a_naive_transcription_of_the_rule(spiking):
    """The update computes the fixed rows' share of the residual once per batch; the spec's form recomputes
    ``y = q(H x)`` for all rows, ``x - H^T y`` and ``y_new^T (x - H^T y) / B`` every iteration. Same numbers."""
    rng = np.random.default_rng(5)
    x = np.abs(rng.standard_normal((48, 30)))
    h = HLOPLayer(30, 0.05, spiking=spiking, dtype=np.float64)
    h.add_neurons(6, np.random.default_rng(1))
    h.merge()
    h.add_neurons(4, np.random.default_rng(2))
    H, V = h.H.copy(), h.V.copy()

    def q(y):
        if spiking is None:
            return y
        s, steps = spiking
        return np.round(np.clip(y, -s, s) / s * steps) / steps * s

    for _ in range(3):
        h.update(x)
        for _ in range(5):
            y = q(x @ H.T)
            dH = np.clip(y[:, 6:].T @ (x - y @ H) / len(x), -10, 10)
            V[6:] = 0.9 * V[6:] + 0.1 * dH
            H[6:] += 0.05 * V[6:]
    np.testing.assert_allclose(h.H, H, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(h.H[:6], H[:6])


def test_orthonormalise_at_merge_keeps_the_span_and_makes_a_projection():
    """Rows far from orthonormal (scaled, sheared): after ``merge(orthonormalise=True)`` H H^T = I, every old row
    lies in the new span, and I - H^T H is idempotent (a projection); without it, H^T H has eigenvalues > 1."""
    rng = np.random.default_rng(2)
    h = HLOPLayer(12, 0.01, dtype=np.float64)
    h.add_neurons(4, rng)
    h.H = h.H * np.array([[3.0], [1.0], [0.5], [2.0]]) + 0.4 * h.H[[1, 2, 3, 0]]
    old = h.H.copy()
    assert np.linalg.eigvalsh(old.T @ old).max() > 1.5
    h.merge(orthonormalise=True)
    np.testing.assert_allclose(h.H @ h.H.T, np.eye(4), atol=1e-12)
    np.testing.assert_allclose(old - (old @ h.H.T) @ h.H, 0.0, atol=1e-12)
    P = np.eye(12) - h.H.T @ h.H
    np.testing.assert_allclose(P @ P, P, atol=1e-12)
    assert h.n_fixed == 4


def test_orthonormalise_drops_rows_outside_the_span_of_dependent_rows():
    """Two equal rows span one dimension: the merge keeps one unit row along it, not an arbitrary second one."""
    rng = np.random.default_rng(3)
    h = HLOPLayer(8, 0.01, dtype=np.float64)
    h.add_neurons(3, rng)
    h.H[2] = 2.0 * h.H[0]
    old = h.H.copy()
    h.merge(orthonormalise=True)
    assert h.H.shape == (2, 8) and h.n_fixed == 2
    np.testing.assert_allclose(h.H @ h.H.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(old - (old @ h.H.T) @ h.H, 0.0, atol=1e-12)
