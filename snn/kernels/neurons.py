"""Neuron updates for one sample over one population's index range [a, b). Row layouts: ``snn/cells.py``.

Every kernel has the signature ``(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired)``: ``syn`` holds the
synaptic state, one row per variable the cell type declares (``CellType.synapse_state``). Each function advances
state in place, sets ``fired[i] = True`` for the neurons that spike this step (the schedule clears the flags it
collects; the 'exact' loops write every flag, which lets them vectorise), and clears the step's input slots
``in_e``/``in_i``.

The 'exact' models write their arithmetic once, as a scalar step function (``_*_step``), and loop it twice: with
the coefficients read once as scalars when the population's coefficient rows are uniform (the usual case: the
loop then vectorises), or per neuron from the coefficient columns ``coef[row, i]`` otherwise. The loops run over
zero-based views of the population (``_views``): numba then knows every index is >= 0 and drops its
negative-index wraparound, which is what lets LLVM vectorise them (about 3x faster than ``range(a, b)``).
"""

from ._config import njit
from .fastexp import exp
from ..cells import CATALOGUE

# Coefficient rows by name (each model's own layout, declared in snn/cells.py): numba reads these namedtuples of
# ints as compile-time constants.
CE = CATALOGUE["IF_curr_exp"].rows("exact")
CS = CATALOGUE["IF_curr_exp"].rows("spinnaker")
KE = CATALOGUE["IF_cond_exp"].rows("exact")
KA = CATALOGUE["IF_cond_alpha"].rows("exact")
KZ = CATALOGUE["Izhikevich"].rows("exact")


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
def if_curr_exp_exact(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    n = b - a
    v, i_e, i_i, refr, in_e, in_i, fired = _views(a, b, v, syn[0], syn[1], refr, in_e, in_i, fired)
    if uniform:
        v_rest, v_reset, v_thresh = coef[CE.v_rest, a], coef[CE.v_reset, a], coef[CE.v_thresh, a]
        ref_steps = refr.dtype.type(coef[CE.ref_steps, a])
        p22, p21e, p21i, drift = coef[CE.p22, a], coef[CE.p21e, a], coef[CE.p21i, a], coef[CE.drift, a]
        p11e, p11i = coef[CE.p11e, a], coef[CE.p11i, a]
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
                v[i], i_e[i], i_i[i], refr[i], in_e[i], in_i[i], c[CE.v_rest, i], c[CE.v_reset, i],
                c[CE.v_thresh, i], refr.dtype.type(c[CE.ref_steps, i]), c[CE.p22, i], c[CE.p21e, i],
                c[CE.p21i, i], c[CE.p11e, i], c[CE.p11i, i], c[CE.drift, i])
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
def if_cond_exp_exact(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    n = b - a
    v, g_e, g_i, refr, in_e, in_i, fired = _views(a, b, v, syn[0], syn[1], refr, in_e, in_i, fired)
    if uniform:
        v_rest, v_reset, v_thresh = coef[KE.v_rest, a], coef[KE.v_reset, a], coef[KE.v_thresh, a]
        ref_steps = refr.dtype.type(coef[KE.ref_steps, a])
        g_l, e_e, e_i = coef[KE.g_l, a], coef[KE.e_rev_e, a], coef[KE.e_rev_i, a]
        p11e, p11i, dt_cm, i_off = coef[KE.p11e, a], coef[KE.p11i, a], coef[KE.dt_cm, a], coef[KE.i_offset, a]
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
                v[i], g_e[i], g_i[i], refr[i], in_e[i], in_i[i], c[KE.v_rest, i], c[KE.v_reset, i],
                c[KE.v_thresh, i], refr.dtype.type(c[KE.ref_steps, i]), c[KE.g_l, i], c[KE.e_rev_e, i],
                c[KE.e_rev_i, i], c[KE.p11e, i], c[KE.p11i, i], c[KE.dt_cm, i], c[KE.i_offset, i])
            in_e[i] = 0.0
            in_i[i] = 0.0


@njit(inline="always")
def _cond_alpha_exact_step(v, ge, gi, de, di, r, in_e, in_i, v_rest, v_reset, v_thresh, ref_steps, g_l, e_e, e_i,
                           p11e, p11i, dt_cm, i_offset, p21e, p21i, init_e, init_i):
    """``_cond_exp_exact_step`` with alpha conductances: V by exponential Euler with the step-start g unless
    refractory; g and dg advance exactly (g <- p11 g + p21 dg, dg <- p11 dg) and dg takes this step's arrivals
    times e / tau_syn (NEST iaf_cond_alpha order); then threshold and reset."""
    g_tot = g_l + ge + gi
    v_inf = (g_l * v_rest + ge * e_e + gi * e_i + i_offset) / g_tot
    v_new = v_inf + (v - v_inf) * exp(-g_tot * dt_cm)
    v = v_new if r == 0 else v
    r = r - 1 if r > 0 else r
    ge = p11e * ge + p21e * de
    de = p11e * de + init_e * in_e
    gi = p11i * gi + p21i * di
    di = p11i * di + init_i * in_i
    f = v >= v_thresh
    return (v_reset if f else v), ge, gi, de, di, (ref_steps if f else r), f


@njit(error_model="numpy")
def if_cond_alpha_exact(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    n = b - a
    v, g_e, g_i, refr, in_e, in_i, fired = _views(a, b, v, syn[0], syn[1], refr, in_e, in_i, fired)
    d_e, d_i = syn[2, a:b], syn[3, a:b]
    c = coef[:, a:b]
    for i in range(n):
        k = 0 if uniform else i     # a uniform population's coefficients are those of its first neuron
        v[i], g_e[i], g_i[i], d_e[i], d_i[i], refr[i], fired[i] = _cond_alpha_exact_step(
            v[i], g_e[i], g_i[i], d_e[i], d_i[i], refr[i], in_e[i], in_i[i], c[KA.v_rest, k], c[KA.v_reset, k],
            c[KA.v_thresh, k], refr.dtype.type(c[KA.ref_steps, k]), c[KA.g_l, k], c[KA.e_rev_e, k],
            c[KA.e_rev_i, k], c[KA.p11e, k], c[KA.p11i, k], c[KA.dt_cm, k], c[KA.i_offset, k], c[KA.p21e, k],
            c[KA.p21i, k], c[KA.init_e, k], c[KA.init_i, k])
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
def if_curr_exp_spinnaker(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    """The sPyNNaker tick (``_curr_exp_spinnaker_step``) over [a, b): scalar coefficients for a uniform
    population (the loop vectorises), per-neuron columns otherwise. Same operations in the same order either
    way, so spike times are bit-identical (tests/scenarios/test_ca3_cam_golden.py)."""
    n = b - a
    v, i_e, i_i, refr, in_e, in_i, fired = _views(a, b, v, syn[0], syn[1], refr, in_e, in_i, fired)
    if uniform:
        v_rest, v_reset, v_thresh = coef[CS.v_rest, a], coef[CS.v_reset, a], coef[CS.v_thresh, a]
        ref_steps = refr.dtype.type(coef[CS.ref_steps, a])
        exp_tm, res, i_off = coef[CS.exp_tm, a], coef[CS.r, a], coef[CS.i_offset, a]
        init_e, init_i = coef[CS.init_e, a], coef[CS.init_i, a]
        decay_e, decay_i = coef[CS.decay_e, a], coef[CS.decay_i, a]
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
                v[i], i_e[i], i_i[i], refr[i], in_e[i], in_i[i], c[CS.v_rest, i], c[CS.v_reset, i],
                c[CS.v_thresh, i], refr.dtype.type(c[CS.ref_steps, i]), c[CS.exp_tm, i], c[CS.r, i], c[CS.init_e, i],
                c[CS.init_i, i], c[CS.decay_e, i], c[CS.decay_i, i], c[CS.i_offset, i])
            in_e[i] = 0.0
            in_i[i] = 0.0


CA = CATALOGUE["IF_curr_alpha"].rows("exact")
CD = CATALOGUE["IF_curr_delta"].rows("exact")


@njit(inline="always")
def _curr_alpha_exact_step(v, ie, ii, de, di, r, in_e, in_i, v_rest, v_reset, v_thresh, ref_steps, p33, p31e, p32e,
                           p31i, p32i, p11e, p21e, p11i, p21i, init_e, init_i, drift):
    """NEST iaf_psc_alpha order: V from the old currents and their derivatives (exact propagators) unless
    refractory (then the countdown runs); the currents advance (I <- P21 dI + P22 I, P22 = P11), the derivatives
    decay and take this step's arrivals times e / tau_syn; then threshold and reset."""
    v_new = v_rest + (drift + p31e * de + p32e * ie - p31i * di - p32i * ii + p33 * (v - v_rest))
    v = v_new if r == 0 else v
    r = r - 1 if r > 0 else r
    ie = p21e * de + p11e * ie
    de = p11e * de + init_e * in_e
    ii = p21i * di + p11i * ii
    di = p11i * di + init_i * in_i
    f = v >= v_thresh
    return (v_reset if f else v), ie, ii, de, di, (ref_steps if f else r), f


@njit
def if_curr_alpha_exact(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    n = b - a
    v, i_e, i_i, refr, in_e, in_i, fired = _views(a, b, v, syn[0], syn[1], refr, in_e, in_i, fired)
    d_e, d_i = syn[2, a:b], syn[3, a:b]
    c = coef[:, a:b]
    for i in range(n):
        k = 0 if uniform else i     # a uniform population's coefficients are those of its first neuron
        v[i], i_e[i], i_i[i], d_e[i], d_i[i], refr[i], fired[i] = _curr_alpha_exact_step(
            v[i], i_e[i], i_i[i], d_e[i], d_i[i], refr[i], in_e[i], in_i[i], c[CA.v_rest, k], c[CA.v_reset, k],
            c[CA.v_thresh, k], refr.dtype.type(c[CA.ref_steps, k]), c[CA.p33, k], c[CA.p31e, k], c[CA.p32e, k],
            c[CA.p31i, k], c[CA.p32i, k], c[CA.p11e, k], c[CA.p21e, k], c[CA.p11i, k], c[CA.p21i, k],
            c[CA.init_e, k], c[CA.init_i, k], c[CA.drift, k])
        in_e[i] = 0.0
        in_i[i] = 0.0


@njit(inline="always")
def _curr_delta_exact_step(v, r, in_e, in_i, v_rest, v_reset, v_thresh, ref_steps, p33, drift):
    """NEST iaf_psc_delta order: unless refractory, V decays exactly and jumps by this step's arrivals (mV);
    while refractory the arrivals are discarded and the countdown runs; then threshold and reset."""
    v_new = v_rest + (drift + p33 * (v - v_rest) + (in_e - in_i))
    v = v_new if r == 0 else v
    r = r - 1 if r > 0 else r
    f = v >= v_thresh
    return (v_reset if f else v), (ref_steps if f else r), f


@njit
def if_curr_delta_exact(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    n = b - a
    v, _, _, refr, in_e, in_i, fired = _views(a, b, v, v, v, refr, in_e, in_i, fired)
    c = coef[:, a:b]
    for i in range(n):
        k = 0 if uniform else i
        v[i], refr[i], fired[i] = _curr_delta_exact_step(
            v[i], refr[i], in_e[i], in_i[i], c[CD.v_rest, k], c[CD.v_reset, k], c[CD.v_thresh, k],
            refr.dtype.type(c[CD.ref_steps, k]), c[CD.p33, k], c[CD.drift, k])
        in_e[i] = 0.0
        in_i[i] = 0.0


@njit(inline="always")
def _izhikevich_exact_step(v, u, in_e, in_i, a, b, c, d, i_e, v_th, h):
    """NEST izhikevich.cpp update (consistent_integration): forward Euler of v and u from the old values, the
    step's arrivals (mV) added to v, then threshold: v <- c, u <- u + d. Same operations in the same order."""
    v_new = v + (h * (0.04 * v * v + 5.0 * v + 140.0 - u + i_e) + (in_e - in_i))
    u = u + h * a * (b * v - u)
    f = v_new >= v_th
    return (c if f else v_new), (u + d if f else u), f


@njit
def izhikevich_exact(a, b, coef, uniform, v, syn, refr, in_e, in_i, fired):
    n = b - a
    v, u, _, refr, in_e, in_i, fired = _views(a, b, v, syn[0], syn[0], refr, in_e, in_i, fired)
    c = coef[:, a:b]
    for i in range(n):
        k = 0 if uniform else i
        v[i], u[i], fired[i] = _izhikevich_exact_step(
            v[i], u[i], in_e[i], in_i[i], c[KZ.a, k], c[KZ.b, k], c[KZ.c, k], c[KZ.d, k], c[KZ.i_e, k],
            c[KZ.v_th, k], c[KZ.h, k])
        in_e[i] = 0.0
        in_i[i] = 0.0
