"""The Hodgkin-Huxley step (HH_cond_exp: NEST hh_cond_exp_traub, Traub & Miles 1991 rates): classical RK4 in
substeps. Row layout: ``snn/cells.py``; kernel signature as in ``neurons.py``.

NEST integrates (V, m, h, n, g_ex, g_in) with GSL's adaptive RKF45 over each dt; snn takes ``n_sub`` fixed RK4
substeps of ``h`` (at most ``snn.cells.HH_SUBSTEP_MS``). Then, in NEST's order (hh_cond_exp_traub.cpp, update):
this step's arrivals join the conductances; a spike when V >= V_T + 30 mV while V falls (V at the step start
above V at its end: the peak has passed), unless within ``ref_steps`` steps of the last spike. V is not reset.
"""
from math import exp

from ._config import njit
from ..cells import CATALOGUE

HH = CATALOGUE["HH_cond_exp"].rows("exact")
# the parameters the derivative reads, in this order (a tuple p in the functions below)
PARAMS = (HH.g_na, HH.g_k, HH.g_l, HH.cm, HH.v_t, HH.e_na, HH.e_k, HH.e_l, HH.e_e, HH.e_i, HH.tau_e, HH.tau_i,
          HH.i_offset)


@njit(inline="always")
def _deriv(y, p):
    """hh_cond_exp_traub_dynamics of y = (V, m, h, n, g_e, g_i) in snn's units (uS, nF, mV, ms, nA; the rate
    functions in 1/ms of V - V_T)."""
    v, m, h, n, ge, gi = y
    g_na, g_k, g_l, cm, v_t, e_na, e_k, e_l, e_e, e_i, tau_e, tau_i, i_off = p
    i_ion = (g_na * m * m * m * h * (v - e_na) + g_k * n * n * n * n * (v - e_k) + g_l * (v - e_l)
             + ge * (v - e_e) + gi * (v - e_i))
    u = v - v_t
    alpha_n = 0.032 * (15.0 - u) / (exp((15.0 - u) / 5.0) - 1.0)
    beta_n = 0.5 * exp((10.0 - u) / 40.0)
    alpha_m = 0.32 * (13.0 - u) / (exp((13.0 - u) / 4.0) - 1.0)
    beta_m = 0.28 * (u - 40.0) / (exp((u - 40.0) / 5.0) - 1.0)
    alpha_h = 0.128 * exp((17.0 - u) / 18.0)
    beta_h = 4.0 / (1.0 + exp((40.0 - u) / 5.0))
    return ((i_off - i_ion) / cm, alpha_m - (alpha_m + beta_m) * m, alpha_h - (alpha_h + beta_h) * h,
            alpha_n - (alpha_n + beta_n) * n, -ge / tau_e, -gi / tau_i)


@njit(inline="always")
def _plus(y, k, c):
    return (y[0] + c * k[0], y[1] + c * k[1], y[2] + c * k[2], y[3] + c * k[3], y[4] + c * k[4], y[5] + c * k[5])


@njit(inline="always")
def _rk4(y, p, hs):
    """One classical RK4 substep of length hs."""
    k1 = _deriv(y, p)
    k2 = _deriv(_plus(y, k1, 0.5 * hs), p)
    k3 = _deriv(_plus(y, k2, 0.5 * hs), p)
    k4 = _deriv(_plus(y, k3, hs), p)
    return (y[0] + hs / 6.0 * (k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0]),
            y[1] + hs / 6.0 * (k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1]),
            y[2] + hs / 6.0 * (k1[2] + 2.0 * k2[2] + 2.0 * k3[2] + k4[2]),
            y[3] + hs / 6.0 * (k1[3] + 2.0 * k2[3] + 2.0 * k3[3] + k4[3]),
            y[4] + hs / 6.0 * (k1[4] + 2.0 * k2[4] + 2.0 * k3[4] + k4[4]),
            y[5] + hs / 6.0 * (k1[5] + 2.0 * k2[5] + 2.0 * k3[5] + k4[5]))


@njit(error_model="numpy")
def hh_cond_exp_exact(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    """Rows of ``syn``: g_e, g_i, m, h, n (cells.py). Each neuron: n_sub RK4 substeps, the arrivals, the test."""
    for i in range(a, b):
        k = a if uniform else i
        p = (coef[PARAMS[0], k], coef[PARAMS[1], k], coef[PARAMS[2], k], coef[PARAMS[3], k], coef[PARAMS[4], k],
             coef[PARAMS[5], k], coef[PARAMS[6], k], coef[PARAMS[7], k], coef[PARAMS[8], k], coef[PARAMS[9], k],
             coef[PARAMS[10], k], coef[PARAMS[11], k], coef[PARAMS[12], k])
        hs = coef[HH.h, k]
        v_old = v[i]
        y = (v[i], syn[2, i], syn[3, i], syn[4, i], syn[0, i], syn[1, i])
        for _ in range(int(coef[HH.n_sub, k])):
            y = _rk4(y, p, hs)
        v[i], syn[2, i], syn[3, i], syn[4, i] = y[0], y[1], y[2], y[3]
        syn[0, i] = y[4] + in_e[i]
        syn[1, i] = y[5] + in_i[i]
        in_e[i] = 0.0
        in_i[i] = 0.0
        if refr[i] > 0:
            refr[i] -= 1
        elif y[0] >= coef[HH.v_t, k] + 30.0 and v_old > y[0]:
            refr[i] = refr.dtype.type(coef[HH.ref_steps, k])
            fired[i] = True
