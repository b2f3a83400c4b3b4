"""The NALSM neuron and the TraceSTDP rule as pure step functions (snn/kernels/nalsm_steps.py), each against the
dense numpy reference written from specs/nalsm.md (tests/kernels/nalsm_reference.py), alone: random states,
every case of spikes, refractoriness, mirrored rules and clipping.

Tolerance: the neuron's leak is v * (dt / tau_m) in snn and v / tau in the reference (one rounding apart:
1e-12 on values of ~100); the STDP arithmetic is the same up to the order of one addition (1e-12)."""
import numpy as np
import pytest

from snn.kernels.nalsm_steps import nalsm_lif_step, trace_stdp

from nalsm_reference import dense_lif, dense_stdp


def test_lif_step_matches_dense_reference():
    rng = np.random.default_rng(0)
    n, tau, theta, ref = 500, 64.0, 20.0, 2
    v = rng.uniform(-30, 40, n)
    r = rng.integers(0, 3, n).astype(np.int32)
    s = (rng.random(n) < 0.3).astype(float)          # spikes of this step (those of cells were reset already)
    i_syn, i_ext = rng.normal(0, 5, n), np.where(rng.random(n) < 0.2, 100.0, 0.0)
    dv, dr = dense_lif(v, r.astype(float), i_syn, i_ext, s, np.ones(n, bool), tau, ref)
    for i in range(n):
        nv, nr, over = nalsm_lif_step(v[i], i_syn[i], i_ext[i], 0.0, 1.0 / tau, r[i], s[i] > 0, float(ref), theta)
        assert abs(nv - dv[i]) <= 1e-12 * max(1.0, abs(dv[i]))
        assert nr == max(dr[i], 0)          # the reference lets a silent count run below 0; both mean "free"
        # the next step's spike test of the reference: v * (1 - clip(r, 0, 1)) >= theta
        assert over == (dv[i] * (1.0 - np.clip(dr[i], 0, 1)) >= theta)
    assert 0 < sum(nalsm_lif_step(v[i], i_syn[i], i_ext[i], 0.0, 1 / tau, r[i], s[i] > 0, 2.0, theta)[2]
                   for i in range(n)) < n


@pytest.mark.parametrize("mirrored", [False, True])
def test_trace_stdp_matches_dense_reference(mirrored):
    """Every synapse of a random 40 x 40 block with random spikes and traces, one step, against the dense rule
    (both terms, one clip). Bounds tight enough that clipping happens on both sides."""
    rng = np.random.default_rng(1 + mirrored)
    n, ep, em = 40, 0.15, 0.12
    lo, hi = (-3.0, 0.0) if mirrored else (0.0, 3.0)
    W = rng.uniform(lo, hi, (n, n))
    x = rng.uniform(0, 6, n)
    s = (rng.random(n) < 0.4).astype(float)
    want = dense_stdp(W, x, s, ep, em, np.full((n, n), mirrored), np.ones((n, n), bool), lo, hi)
    got = np.array([[trace_stdp(W[i, j], x[j], x[i], s[j] > 0, s[i] > 0, ep, em, mirrored, lo, hi)
                     for j in range(n)] for i in range(n)])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    changed = got != W
    assert changed.sum() > n and (got == lo).any() and (got == hi).any()
    assert np.all(got[(s[:, None] == 0) & (s[None, :] == 0)] == W[(s[:, None] == 0) & (s[None, :] == 0)])
