"""The spiking MLP's training methods (models/spiking_mlp.py): DSR's rate-level backward against finite
differences, and the LIF kernels against naive numpy transcriptions of specs/hlop.md section 2."""
import math

import numpy as np
import pytest

from snn.kernels.lif_layers import lif_dsr_forward, lif_soft_backward, lif_soft_forward
from snn.models.spiking_mlp import SpikingMLP, dsr_backward, dsr_weights_in_time, softmax_cross_entropy

TAU, DT, VTH = 1.0, 0.05, 0.3
SAT = VTH * TAU / DT                     # input rate at which a DSR neuron fires every step


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Small matrices: threaded BLAS does not pay, and on a shared machine it can be 100x slower."""
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1):
        yield


def _rate_model(weights, x):
    """DSR's rate-level model: a = clip(W a_prev / tau, 0, Vth/dt) per hidden layer, linear head."""
    a, pre_means, wfrs, r_ins = x, [], [], []
    for W in weights[:-1]:
        r = a @ W.T
        r_ins.append(r)
        a = np.clip(r / TAU, 0.0, VTH / DT)
        pre_means.append(a)
        wfrs.append(a)
    return a @ weights[-1].T, pre_means, wfrs, r_ins


def test_dsr_gradients_match_finite_differences_of_the_rate_level_model():
    """With the spike statistics replaced by the rate model's activations (and kappa = 1), the DSR backward is
    the exact gradient of the rate model away from its kinks: central differences (h = 1e-6, float64) agree to
    1e-6 relative. The weights are drawn so that every hidden layer has silent, linear and saturated units."""
    rng = np.random.default_rng(0)
    sizes = (7, 6, 5, 4)
    weights = [rng.normal(0, 6.0 / math.sqrt(a), (b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    x = rng.normal(0, 1.0, (9, sizes[0]))
    y = rng.integers(0, sizes[-1], 9)
    out, pre_means, wfrs, r_ins = _rate_model(weights, x)
    for r in r_ins:                      # the three regimes are all present, and no unit sits on a kink
        assert (r <= 0).any() and ((r > 0) & (r < SAT)).any() and (r >= SAT).any()
        assert np.min(np.abs(r)) > 1e-3 and np.min(np.abs(r - SAT)) > 1e-3
    _, g_out = softmax_cross_entropy(out, y)
    grads, _ = dsr_backward(weights, [VTH, VTH], x, pre_means, wfrs, r_ins, g_out, tau=TAU, dt=DT, kappa=1.0)

    def loss(ws):
        return softmax_cross_entropy(_rate_model(ws, x)[0], y)[0]

    h = 1e-6
    for l, W in enumerate(weights):
        fd = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            wp = [w.copy() for w in weights]
            wm = [w.copy() for w in weights]
            wp[l][idx] += h
            wm[l][idx] -= h
            fd[idx] = (loss(wp) - loss(wm)) / (2 * h)
        assert np.abs(fd).max() > 1e-4                  # the layer does get gradient
        np.testing.assert_allclose(grads[l], fd, rtol=1e-6, atol=1e-9 * np.abs(fd).max())


def test_kappa_scales_only_the_hidden_gradients():
    """DSR's autograd multiplies the head-to-hidden gradient by T sum w^2 / (sum w)^2 (1.0 < kappa < 1.2 for
    T=20, dt=0.05, tau=1); the head's own gradient is unscaled."""
    w = dsr_weights_in_time(20, DT, TAU)
    kappa = 20 * np.sum(w ** 2) / np.sum(w) ** 2
    assert 1.0 < kappa < 1.2
    rng = np.random.default_rng(1)
    sizes = (5, 4, 3)
    weights = [rng.normal(0, 6.0 / math.sqrt(a), (b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    x = rng.normal(0, 1.0, (6, 5))
    out, pm, wf, ri = _rate_model(weights, x)
    _, g = softmax_cross_entropy(out, np.arange(6) % 3)
    g1, _ = dsr_backward(weights, [VTH], x, pm, wf, ri, g, tau=TAU, dt=DT, kappa=1.0)
    gk, _ = dsr_backward(weights, [VTH], x, pm, wf, ri, g, tau=TAU, dt=DT, kappa=kappa)
    np.testing.assert_allclose(gk[1], g1[1], rtol=1e-15)
    np.testing.assert_allclose(gk[0], kappa * g1[0], rtol=1e-12)


def _naive_dsr(I, T, alpha, vth):
    beta = math.exp(-DT / TAU)
    u = np.zeros(I.shape[1:])
    out = []
    for t in range(T):
        u = beta * u + (1 - beta) * I[min(t, len(I) - 1)]
        s = (u >= alpha * vth).astype(float)
        u = u - s * vth
        out.append(s * vth / DT)
    return np.array(out)


def test_dsr_lif_kernel_matches_a_naive_transcription():
    """Exact equality in float64 (same operations in the same order), constant and time-varying currents; the
    WFR and mean outputs are the weighted and plain time averages of the spikes (1e-12)."""
    rng = np.random.default_rng(2)
    T = 20
    w = dsr_weights_in_time(T, DT, TAU)
    for Ti in (1, T):
        I = rng.normal(2.0, 4.0, (Ti, 3, 17))
        S, wfr, mean = np.empty((T, 3, 17)), np.empty((3, 17)), np.empty((3, 17))
        lif_dsr_forward(I, T, math.exp(-DT / TAU), 0.3, VTH, DT, w, S, wfr, mean)
        ref = _naive_dsr(I, T, 0.3, VTH)
        np.testing.assert_array_equal(S, ref)
        assert 0 < np.count_nonzero(S) < S.size
        np.testing.assert_allclose(wfr, np.tensordot(w, ref, 1) / w.sum(), rtol=1e-12)
        np.testing.assert_allclose(mean, ref.mean(0), rtol=1e-12)


def test_soft_lif_bptt_kernel_matches_a_naive_transcription():
    """spikingjelly LIF (tau=2, no input decay, v_th=1, soft reset detached) forward and its BPTT with the
    sigmoid(4x) surrogate, against a loop written from the equations (float64, 1e-12)."""
    rng = np.random.default_rng(3)
    T, decay = 6, 0.5
    I = rng.normal(0.6, 0.8, (T, 4, 9))
    S, Hm = np.empty_like(I), np.empty_like(I)
    lif_soft_forward(I, T, decay, 1.0, S, Hm)
    v = np.zeros((4, 9))
    h_ref = []
    for t in range(T):
        h = decay * v + I[t]
        s = (h >= 1.0).astype(float)
        np.testing.assert_array_equal(S[t], s)
        v = h - s
        h_ref.append(h)
    np.testing.assert_allclose(Hm, np.array(h_ref), rtol=1e-12)
    gs = rng.normal(0, 1, I.shape)
    gI = np.empty_like(I)
    lif_soft_backward(Hm, gs, decay, 1.0, 4.0, gI)
    sig = 1 / (1 + np.exp(-4 * (Hm - 1.0)))
    sg = 4 * sig * (1 - sig)
    carry = np.zeros((4, 9))
    for t in range(T - 1, -1, -1):
        carry = gs[t] * sg[t] + decay * carry
        np.testing.assert_allclose(gI[t], carry, rtol=1e-12)


@pytest.mark.parametrize("training", ["dsr", "bptt", "ottt"])
def test_a_few_sgd_steps_reduce_the_loss_on_a_fixed_batch(training):
    """Each training method's gradients point downhill: 30 steps at lr 0.1 on one batch of 32 separable
    samples lower the loss by at least 30% (measured 97% DSR, 60% BPTT, 63% OTTT; a sign or transpose error
    raises it or leaves it flat)."""
    rng = np.random.default_rng(4)
    centers = rng.normal(0, 1.5, (4, 20))
    y = np.arange(32) % 4
    x = (centers[y] + 0.3 * rng.normal(size=(32, 20))).astype(np.float32)
    m = SpikingMLP((20, 40, 30, 4), training, seed=0)
    first = m.gradients(x, y)[0]
    for _ in range(30):
        loss, grads, dvth, _ = m.gradients(x, y)
        m.sgd_step(grads, 0.1, dvth)
    assert m.gradients(x, y)[0] < 0.7 * first


def test_ottt_equals_bptt_for_a_single_time_step():
    """With T = 1 there is no temporal credit to assign: OTTT's trace is the spike and its per-step loss is
    BPTT's loss, so all weight gradients agree to float32 rounding (1e-5 relative)."""
    rng = np.random.default_rng(5)
    y = np.arange(16) % 3
    x = (3.0 * rng.normal(size=(16, 12))).astype(np.float32)
    a = SpikingMLP((12, 30, 20, 3), "bptt", seed=1, T=1)
    b = SpikingMLP((12, 30, 20, 3), "ottt", seed=1, T=1)
    for m in (a, b):                     # stronger weights, so that the second hidden layer spikes at t = 1
        m.weights = [3.0 * W for W in m.weights]
    (la, ga, _, _), (lb, gb, _, _) = a.gradients(x, y), b.gradients(x, y)
    assert la == pytest.approx(lb, rel=1e-6)
    for p, q in zip(ga, gb):
        assert np.abs(p).max() > 0
        np.testing.assert_allclose(q, p, rtol=1e-5, atol=1e-5 * np.abs(p).max())
