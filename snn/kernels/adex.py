"""The AdEx step (EIF_cond_exp_isfa_ista / EIF_cond_alpha_isfa_ista: NEST aeif_cond_exp / aeif_cond_alpha):
classical RK4 in substeps. Row layout: ``snn/cells.py``; kernel signature as in ``neurons.py``.

NEST integrates V, w and the conductances with GSL's adaptive RKF45 and tests V >= V_peak after every accepted
inner step; snn takes ``n_sub`` fixed RK4 substeps of ``h`` (at most 0.01 ms) per dt and tests after each, so
a spike lands in the same dt unless it falls within the integrators' difference of a step boundary.
"""
from math import exp

from ._config import njit
from ..cells import CATALOGUE

AE = CATALOGUE["EIF_cond_exp_isfa_ista"].rows("exact")


@njit(inline="always")
def _deriv(v, w, ge, gi, dge, dgi, refractory, v_rest, v_thresh, v_spike, g_l, cm, delta_t, a, tau_w, e_e, e_i, tau_e,
           tau_i, i_off):
    """NEST aeif_cond_exp_dynamics: V capped at V_peak (V_reset and dV/dt = 0 while refractory)."""
    vc = min(v, v_spike)
    i_spike = g_l * delta_t * exp((vc - v_thresh) / delta_t)
    dv = 0.0 if refractory else (-g_l * (vc - v_rest) + i_spike - ge * (vc - e_e) - gi * (vc - e_i) - w + i_off) / cm
    return dv, (a * (vc - v_rest) - w) / tau_w, dge - ge / tau_e, dgi - gi / tau_i, -dge / tau_e, -dgi / tau_i


@njit(inline="always")
def _step(v, w, ge, gi, dge, dgi, r, in_e, in_i, v_rest, v_reset, v_thresh, v_spike, ref_steps, g_l, cm, delta_t, a, b,
          tau_w, e_e, e_i, tau_e, tau_i, i_off, n_sub, h, alpha, init_e, init_i):
    """One dt: the refractory countdown, n_sub RK4 substeps with the spike test after each (NEST sets the
    countdown to ref_steps + 1, then decrements at the start of each step), then this step's arrivals."""
    r = r - 1 if r > 0 else r
    f = False
    for _ in range(n_sub):
        refr = r > 0
        k1 = _deriv(v, w, ge, gi, dge, dgi, refr, v_rest, v_thresh, v_spike, g_l, cm, delta_t, a, tau_w, e_e, e_i,
                    tau_e, tau_i, i_off)
        k2 = _deriv(v + 0.5 * h * k1[0], w + 0.5 * h * k1[1], ge + 0.5 * h * k1[2], gi + 0.5 * h * k1[3],
                    dge + 0.5 * h * k1[4], dgi + 0.5 * h * k1[5], refr,
                    v_rest, v_thresh, v_spike, g_l, cm, delta_t, a, tau_w, e_e, e_i, tau_e, tau_i, i_off)
        k3 = _deriv(v + 0.5 * h * k2[0], w + 0.5 * h * k2[1], ge + 0.5 * h * k2[2], gi + 0.5 * h * k2[3],
                    dge + 0.5 * h * k2[4], dgi + 0.5 * h * k2[5], refr,
                    v_rest, v_thresh, v_spike, g_l, cm, delta_t, a, tau_w, e_e, e_i, tau_e, tau_i, i_off)
        k4 = _deriv(v + h * k3[0], w + h * k3[1], ge + h * k3[2], gi + h * k3[3], dge + h * k3[4], dgi + h * k3[5],
                    refr,
                    v_rest, v_thresh, v_spike, g_l, cm, delta_t, a, tau_w, e_e, e_i, tau_e, tau_i, i_off)
        v = v + h / 6.0 * (k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0])
        w = w + h / 6.0 * (k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1])
        ge = ge + h / 6.0 * (k1[2] + 2.0 * k2[2] + 2.0 * k3[2] + k4[2])
        gi = gi + h / 6.0 * (k1[3] + 2.0 * k2[3] + 2.0 * k3[3] + k4[3])
        dge = dge + h / 6.0 * (k1[4] + 2.0 * k2[4] + 2.0 * k3[4] + k4[4])
        dgi = dgi + h / 6.0 * (k1[5] + 2.0 * k2[5] + 2.0 * k3[5] + k4[5])
        if r > 0:
            v = v_reset
        elif v >= v_spike:
            v = v_reset
            w = w + b
            r = ref_steps + 1 if ref_steps > 0 else 0
            f = True
    if alpha:      # aeif_cond_alpha: arrivals times e / tau_syn join dg (g peaks at the weight)
        return v, w, ge, gi, dge + init_e * in_e, dgi + init_i * in_i, r, f
    return v, w, ge + in_e, gi + in_i, dge, dgi, r, f


@njit(inline="always")
def _loop(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired, alpha):
    n = b - a
    v, g_e, g_i, refr, in_e, in_i, fired = _views(a, b, v, syn[0], syn[1], refr, in_e, in_i, fired)
    w = syn[2, a:b]
    d_e, d_i = (syn[3, a:b], syn[4, a:b]) if alpha else (syn[2, a:b], syn[2, a:b])
    c = coef[:, a:b]
    for i in range(n):
        k = 0 if uniform else i
        de, di = (d_e[i], d_i[i]) if alpha else (0.0, 0.0)
        v[i], w[i], g_e[i], g_i[i], de, di, refr[i], fired[i] = _step(
            v[i], w[i], g_e[i], g_i[i], de, di, refr[i], in_e[i], in_i[i], c[AE.v_rest, k], c[AE.v_reset, k],
            c[AE.v_thresh, k], c[AE.v_spike, k], refr.dtype.type(c[AE.ref_steps, k]), c[AE.g_l, k], c[AE.cm, k],
            c[AE.delta_t, k], c[AE.a, k], c[AE.b, k], c[AE.tau_w, k], c[AE.e_rev_e, k], c[AE.e_rev_i, k],
            c[AE.tau_e, k], c[AE.tau_i, k], c[AE.i_offset, k], int(c[AE.n_sub, k]), c[AE.h, k], alpha,
            c[AE.init_e, k], c[AE.init_i, k])
        if alpha:
            d_e[i] = de
            d_i[i] = di
        in_e[i] = 0.0
        in_i[i] = 0.0


@njit(error_model="numpy")
def eif_cond_exp_exact(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    _loop(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired, False)


@njit(error_model="numpy")
def eif_cond_alpha_exact(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    """EIF_cond_alpha_isfa_ista (NEST aeif_cond_alpha): the same RK4 with g and dg per receptor."""
    _loop(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired, True)


@njit(inline="always")
def _views(a, b, v, x, y, refr, in_e, in_i, fired):
    return v[a:b], x[a:b], y[a:b], refr[a:b], in_e[a:b], in_i[a:b], fired[a:b]
