"""IF_curr_delta's neuron update ('exact' schedule), in the form of ``kernels/neurons.py``: a scalar step
looped with uniform coefficients (vectorised) or per-neuron columns. Row meanings: ``snn/cells.py``."""
from ._config import njit
from .neurons import _views
from ..cells import C_V_REST, C_V_RESET, C_V_THRESH, C_REF_STEPS, C_P22, C_DRIFT


@njit(inline="always")
def _curr_delta_exact_step(v, r, in_e, in_i, v_rest, v_reset, v_thresh, ref_steps, p22, drift):
    """NEST iaf_psc_delta (update()): unless refractory, V = P33 V + P30 I_e + this step's jumps (mV); while
    refractory the jumps are dropped and the countdown runs; then threshold and reset."""
    v_new = v_rest + p22 * (v - v_rest) + drift + in_e - in_i
    v = v_new if r == 0 else v
    r = r - 1 if r > 0 else r
    f = v >= v_thresh
    return (v_reset if f else v), (ref_steps if f else r), f


@njit
def if_curr_delta_exact(a, b, coef, uniform, v, i_e, i_i, refr, in_e, in_i, fired):
    n = b - a
    v, i_e, i_i, refr, in_e, in_i, fired = _views(a, b, v, i_e, i_i, refr, in_e, in_i, fired)
    if uniform:
        v_rest, v_reset, v_thresh = coef[C_V_REST, a], coef[C_V_RESET, a], coef[C_V_THRESH, a]
        ref_steps = refr.dtype.type(coef[C_REF_STEPS, a])
        p22, drift = coef[C_P22, a], coef[C_DRIFT, a]
        for i in range(n):
            v[i], refr[i], fired[i] = _curr_delta_exact_step(v[i], refr[i], in_e[i], in_i[i], v_rest, v_reset,
                                                             v_thresh, ref_steps, p22, drift)
            in_e[i] = 0.0
            in_i[i] = 0.0
    else:
        c = coef[:, a:b]
        for i in range(n):
            v[i], refr[i], fired[i] = _curr_delta_exact_step(
                v[i], refr[i], in_e[i], in_i[i], c[C_V_REST, i], c[C_V_RESET, i], c[C_V_THRESH, i],
                refr.dtype.type(c[C_REF_STEPS, i]), c[C_P22, i], c[C_DRIFT, i])
            in_e[i] = 0.0
            in_i[i] = 0.0
