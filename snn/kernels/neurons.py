"""Neuron updates for one sample over one population's index range [a, b). Column meanings: ``snn/cells.py``.

Each function advances state in place and writes ``fired[i] = True`` for the neurons that spike this step.
"""
from ._config import njit
from ..cells import (C_V_REST, C_V_RESET, C_V_THRESH, C_REF_STEPS, C_P22, C_P21E, C_P21I, C_P11E, C_P11I, C_DRIFT,
                     C_EXP_TM, C_R, C_INIT_E, C_INIT_I, C_DECAY_E, C_DECAY_I, C_I_OFFSET)


@njit
def if_curr_exp_exact(a, b, coef, v, i_e, i_i, refr, in_e, in_i, fired):
    """NEST iaf_psc_exp order: V from the old currents (exact propagators), then currents decay and take this
    step's arrivals, then threshold. V is integrated only outside the refractory period; currents always."""
    for i in range(a, b):
        c = coef[i]
        if refr[i] == 0:
            vr = v[i] - c[C_V_REST]
            v[i] = c[C_V_REST] + c[C_P22] * vr + c[C_P21E] * i_e[i] - c[C_P21I] * i_i[i] + c[C_DRIFT]
        else:
            refr[i] -= 1
        i_e[i] = c[C_P11E] * i_e[i] + in_e[i]
        i_i[i] = c[C_P11I] * i_i[i] + in_i[i]
        in_e[i] = 0.0
        in_i[i] = 0.0
        if v[i] >= c[C_V_THRESH]:
            fired[i] = True
            v[i] = c[C_V_RESET]
            refr[i] = int(c[C_REF_STEPS])


@njit
def if_curr_exp_spinnaker(a, b, coef, v, i_e, i_i, refr, in_e, in_i, fired):
    """sPyNNaker's timer tick: arrivals scaled by `init` join the currents, the closed-form membrane step runs
    outside the refractory countdown, threshold and reset, then the currents decay (specs/ca3_cam.md 3.1)."""
    for i in range(a, b):
        c = coef[i]
        i_e[i] += c[C_INIT_E] * in_e[i]
        i_i[i] += c[C_INIT_I] * in_i[i]
        in_e[i] = 0.0
        in_i[i] = 0.0
        if refr[i] <= 0:
            alpha = c[C_V_REST] + c[C_R] * (i_e[i] - i_i[i] + c[C_I_OFFSET])
            v[i] = alpha - c[C_EXP_TM] * (alpha - v[i])
        else:
            refr[i] -= 1
        if v[i] >= c[C_V_THRESH]:
            fired[i] = True
            v[i] = c[C_V_RESET]
            refr[i] = int(c[C_REF_STEPS])
        i_e[i] *= c[C_DECAY_E]
        i_i[i] *= c[C_DECAY_I]
