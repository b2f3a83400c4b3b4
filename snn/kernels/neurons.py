"""Neuron updates for one sample over one population's index range [a, b). Row meanings: ``snn/cells.py``.

Each function advances state in place, sets ``fired[i] = True`` for the neurons that spike this step (the
schedule clears the flags it collects; the 'exact' loops write every flag, which lets them vectorise), and
clears the step's input slots ``in_e``/``in_i``.

The 'exact' models write their arithmetic once, as a scalar step function (``_*_step``), and loop it twice: with
the coefficients read once as scalars when the population's coefficient rows are uniform (the usual case: the
loop then vectorises), or per neuron from the coefficient columns ``coef[row, i]`` otherwise. The loops run over
zero-based views of the population (``_views``): numba then knows every index is >= 0 and drops its
negative-index wraparound, which is what lets LLVM vectorise them (about 3x faster than ``range(a, b)``).
"""

from ._config import njit
from .fastexp import exp
from ..cells import (C_V_REST, C_V_RESET, C_V_THRESH, C_REF_STEPS, C_P22, C_P21E, C_P21I, C_P11E, C_P11I, C_DRIFT,
                     C_EXP_TM, C_R, C_INIT_E, C_INIT_I, C_DECAY_E, C_DECAY_I, C_I_OFFSET,
                     C_G_L, C_E_REV_E, C_E_REV_I, C_DT_CM, C_I_OFFSET_COND)


@njit(inline="always")
def _views(a, b, v, x, y, refr, in_e, in_i, fired):
    return v[a:b], x[a:b], y[a:b], refr[a:b], in_e[a:b], in_i[a:b], fired[a:b]


@njit(inline="always")
def _curr_exp_exact_step(v, ie, ii, r, in_e, in_i, v_rest, v_reset, v_thresh, ref_steps, p22, p21e, p21i, p11e,
                         p11i, drift):
    """NEST iaf_psc_exp order: V from the old currents (exact propagators) unless refractory (then the
    countdown runs), then the currents decay and take this step's arrivals, then threshold and reset."""
    v_new = v_rest + p22 * (v - v_rest) + p21e * ie - p21i * ii + drift
    v = v_new if r == 0 else v
    r = r - 1 if r > 0 else r
    ie = p11e * ie + in_e
    ii = p11i * ii + in_i
    f = v >= v_thresh
    return (v_reset if f else v), ie, ii, (ref_steps if f else r), f


@njit
def if_curr_exp_exact(a, b, coef, uniform, v, i_e, i_i, refr, in_e, in_i, fired):
    n = b - a
    v, i_e, i_i, refr, in_e, in_i, fired = _views(a, b, v, i_e, i_i, refr, in_e, in_i, fired)
    if uniform:
        v_rest, v_reset, v_thresh = coef[C_V_REST, a], coef[C_V_RESET, a], coef[C_V_THRESH, a]
        ref_steps = refr.dtype.type(coef[C_REF_STEPS, a])
        p22, p21e, p21i, drift = coef[C_P22, a], coef[C_P21E, a], coef[C_P21I, a], coef[C_DRIFT, a]
        p11e, p11i = coef[C_P11E, a], coef[C_P11I, a]
        for i in range(n):
            v[i], i_e[i], i_i[i], refr[i], fired[i] = _curr_exp_exact_step(
                v[i], i_e[i], i_i[i], refr[i], in_e[i], in_i[i], v_rest, v_reset, v_thresh, ref_steps,
                p22, p21e, p21i, p11e, p11i, drift)
            in_e[i] = 0.0
            in_i[i] = 0.0
    else:
        c = coef[:, a:b]
        for i in range(n):
            v[i], i_e[i], i_i[i], refr[i], fired[i] = _curr_exp_exact_step(
                v[i], i_e[i], i_i[i], refr[i], in_e[i], in_i[i], c[C_V_REST, i], c[C_V_RESET, i],
                c[C_V_THRESH, i], refr.dtype.type(c[C_REF_STEPS, i]), c[C_P22, i], c[C_P21E, i],
                c[C_P21I, i], c[C_P11E, i], c[C_P11I, i], c[C_DRIFT, i])
            in_e[i] = 0.0
            in_i[i] = 0.0


@njit(inline="always")
def _cond_exp_exact_step(v, ge, gi, r, in_e, in_i, v_rest, v_reset, v_thresh, ref_steps, g_l, e_e, e_i, p11e,
                         p11i, dt_cm, i_offset):
    """Exponential Euler in V with the conductances held at their step-start values (brian2's
    'exponential_euler': V relaxes to v_inf with time constant cm / g_tot), unless refractory; then the
    conductances decay exactly and take this step's arrivals; then threshold and reset."""
    g_tot = g_l + ge + gi
    v_inf = (g_l * v_rest + ge * e_e + gi * e_i + i_offset) / g_tot
    v_new = v_inf + (v - v_inf) * exp(-g_tot * dt_cm)      # fastexp: vectorisable, within 1 ulp
    v = v_new if r == 0 else v
    r = r - 1 if r > 0 else r
    ge = p11e * ge + in_e
    gi = p11i * gi + in_i
    f = v >= v_thresh
    return (v_reset if f else v), ge, gi, (ref_steps if f else r), f


@njit(error_model="numpy")     # a float division without numba's ZeroDivisionError branch: the loop vectorises
def if_cond_exp_exact(a, b, coef, uniform, v, g_e, g_i, refr, in_e, in_i, fired):
    n = b - a
    v, g_e, g_i, refr, in_e, in_i, fired = _views(a, b, v, g_e, g_i, refr, in_e, in_i, fired)
    if uniform:
        v_rest, v_reset, v_thresh = coef[C_V_REST, a], coef[C_V_RESET, a], coef[C_V_THRESH, a]
        ref_steps = refr.dtype.type(coef[C_REF_STEPS, a])
        g_l, e_e, e_i = coef[C_G_L, a], coef[C_E_REV_E, a], coef[C_E_REV_I, a]
        p11e, p11i, dt_cm, i_off = coef[C_P11E, a], coef[C_P11I, a], coef[C_DT_CM, a], coef[C_I_OFFSET_COND, a]
        for i in range(n):
            v[i], g_e[i], g_i[i], refr[i], fired[i] = _cond_exp_exact_step(
                v[i], g_e[i], g_i[i], refr[i], in_e[i], in_i[i], v_rest, v_reset, v_thresh, ref_steps,
                g_l, e_e, e_i, p11e, p11i, dt_cm, i_off)
            in_e[i] = 0.0
            in_i[i] = 0.0
    else:
        c = coef[:, a:b]
        for i in range(n):
            v[i], g_e[i], g_i[i], refr[i], fired[i] = _cond_exp_exact_step(
                v[i], g_e[i], g_i[i], refr[i], in_e[i], in_i[i], c[C_V_REST, i], c[C_V_RESET, i],
                c[C_V_THRESH, i], refr.dtype.type(c[C_REF_STEPS, i]), c[C_G_L, i], c[C_E_REV_E, i],
                c[C_E_REV_I, i], c[C_P11E, i], c[C_P11I, i], c[C_DT_CM, i], c[C_I_OFFSET_COND, i])
            in_e[i] = 0.0
            in_i[i] = 0.0


@njit(inline="always")
def _curr_exp_spinnaker_step(v, ie, ii, r, in_e, in_i, v_rest, v_reset, v_thresh, ref_steps, exp_tm, res, init_e,
                             init_i, decay_e, decay_i, i_offset):
    """sPyNNaker's timer tick: arrivals scaled by `init` join the currents, the closed-form membrane step runs
    outside the refractory countdown, threshold and reset, then the currents decay (specs/ca3_cam.md 3.1)."""
    ie = ie + init_e * in_e
    ii = ii + init_i * in_i
    alpha = v_rest + res * (ie - ii + i_offset)
    v_new = alpha - exp_tm * (alpha - v)
    active = r <= 0
    v = v_new if active else v
    r = r if active else r - 1
    f = v >= v_thresh
    return (v_reset if f else v), ie * decay_e, ii * decay_i, (ref_steps if f else r), f


@njit
def if_curr_exp_spinnaker(a, b, coef, uniform, v, i_e, i_i, refr, in_e, in_i, fired):
    """The sPyNNaker tick (``_curr_exp_spinnaker_step``) over [a, b): scalar coefficients for a uniform
    population (the loop vectorises), per-neuron columns otherwise. Same operations in the same order either
    way, so spike times are bit-identical (tests/scenarios/test_ca3_cam_golden.py)."""
    n = b - a
    v, i_e, i_i, refr, in_e, in_i, fired = _views(a, b, v, i_e, i_i, refr, in_e, in_i, fired)
    if uniform:
        v_rest, v_reset, v_thresh = coef[C_V_REST, a], coef[C_V_RESET, a], coef[C_V_THRESH, a]
        ref_steps = refr.dtype.type(coef[C_REF_STEPS, a])
        exp_tm, res, i_off = coef[C_EXP_TM, a], coef[C_R, a], coef[C_I_OFFSET, a]
        init_e, init_i, decay_e, decay_i = coef[C_INIT_E, a], coef[C_INIT_I, a], coef[C_DECAY_E, a], coef[C_DECAY_I, a]
        for i in range(n):
            v[i], i_e[i], i_i[i], refr[i], fired[i] = _curr_exp_spinnaker_step(
                v[i], i_e[i], i_i[i], refr[i], in_e[i], in_i[i], v_rest, v_reset, v_thresh, ref_steps, exp_tm, res,
                init_e, init_i, decay_e, decay_i, i_off)
            in_e[i] = 0.0
            in_i[i] = 0.0
    else:
        c = coef[:, a:b]
        for i in range(n):
            v[i], i_e[i], i_i[i], refr[i], fired[i] = _curr_exp_spinnaker_step(
                v[i], i_e[i], i_i[i], refr[i], in_e[i], in_i[i], c[C_V_REST, i], c[C_V_RESET, i],
                c[C_V_THRESH, i], refr.dtype.type(c[C_REF_STEPS, i]), c[C_EXP_TM, i], c[C_R, i], c[C_INIT_E, i],
                c[C_INIT_I, i], c[C_DECAY_E, i], c[C_DECAY_I, i], c[C_I_OFFSET, i])
            in_e[i] = 0.0
            in_i[i] = 0.0
