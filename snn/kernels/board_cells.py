"""The board's other neuron models, in its integers: one neuron, one timer tick, ``n_steps_per_timestep`` updates.

sPyNNaker 6.x (master of December 2021) builds each standard cell from parts (``neuron_impl_standard.h``):
  synapse type  exponential (``synapse_types_exponential_impl.h``: isyn += decay_s1615(input, init), then
                isyn = decay_s1615(isyn, decay)) or delta (``synapse_types_delta_impl.h``: isyn += input, then
                isyn = 0);
  input type    current (the input as it is), conductance (``input_type_conductance.h``: g = isyn >> 10, the
                current g * (E_rev_E - V) and -g * (E_rev_I - V)) or delta (``input_type_delta.h``: isyn *
                scale_factor, 1000 / timestep in us);
  neuron model  LIF (``neuron_model_lif_impl.c``) or Izhikevich (``neuron_model_izh_impl.c``: RK2 midpoint);
  threshold     static (``threshold_type_static.h``: V >= V_thresh).
Per tick the ring buffer's entry joins isyn once; then ``n_steps_per_timestep`` times: V and the input are read,
(the first time) recorded, V updated, the threshold tested and the input shaped. A tick with a spike in any of
its steps sends one spike (``neuron.c``). IF_curr_exp with one step per tick runs the vectorised path of
``board.py``; these run here.
"""
import numpy as np

from ._config import njit
from .fixed_point import S1615_ONE, S1615_SHIFT, decay_s1615, mul_s1615, ring_to_input, wrap32

# Board neuron models (CellType.board in snn/cells.py)
LIF_CURR_EXP, LIF_COND_EXP, LIF_CURR_DELTA, IZK_CURR_EXP = 1, 2, 3, 4
BOARD_MODELS = {"lif_curr_exp": LIF_CURR_EXP, "lif_cond_exp": LIF_COND_EXP, "lif_curr_delta": LIF_CURR_DELTA,
                "izk_curr_exp": IZK_CURR_EXP}
CONDUCTANCE_SHIFT = 10     # input_type_conductance.h: value >> 10 (the host scales conductance weights by 1024)
# neuron_model_izh_impl.c: MAGIC_MULTIPLIER = REAL_CONST(0.040008544921875) (exactly 1311 / 2**15);
# SIMPLE_TQ_OFFSET = REAL_CONST(1.85): GCC's fixed_from_string truncates 1.85 * 2**15 (real_to_integer) to 60620
IZK_MAGIC = 1311
IZK_TQ_OFFSET = 60620
IZK_140, IZK_5 = 140 * S1615_ONE, 5 * S1615_ONE
REAL_HALF = 1 << (S1615_SHIFT - 1)   # maths-util.h: REAL_HALF(x) = x * 0.5k

# Rows of the per-neuron integer parameters ``par[row, neuron]`` of the board (host encoding:
# snn/spinnaker_host.py ``board_params``); a model reads the rows it has
PAR_ROWS = ("v_rest", "r_mem", "exp_tc", "i_offset", "v_reset", "v_thresh", "t_refract", "decay_e", "decay_i",
            "init_e", "init_i", "shift_e", "shift_i", "e_rev_e", "e_rev_i", "in_scale", "iz_a", "iz_b", "iz_c",
            "iz_d", "h")
(P_V_REST, P_R_MEM, P_EXP_TC, P_I_OFFSET, P_V_RESET, P_V_THRESH, P_T_REFRACT, P_DECAY_E, P_DECAY_I, P_INIT_E,
 P_INIT_I, P_SHIFT_E, P_SHIFT_I, P_E_REV_E, P_E_REV_I, P_IN_SCALE, P_IZ_A, P_IZ_B, P_IZ_C, P_IZ_D,
 P_H) = range(len(PAR_ROWS))


@njit(inline="always")
def join_input(model, isyn, entry, shift, init):
    """A tick's ring-buffer entry joins a synapse type's input: delta adds it, exponential through ``init``."""
    x = ring_to_input(entry, shift)
    if model == LIF_CURR_DELTA:
        return wrap32(isyn + x)
    return wrap32(isyn + decay_s1615(x, init))


@njit(inline="always")
def _currents(model, v, ie, ii, e_rev_e, e_rev_i, scale):
    """(exc, inh) currents of the input type (input_type_*.h)."""
    if model == LIF_COND_EXP:
        ge, gi = ie >> CONDUCTANCE_SHIFT, ii >> CONDUCTANCE_SHIFT
        return mul_s1615(ge, wrap32(e_rev_e - v)), mul_s1615(wrap32(-gi), wrap32(e_rev_i - v))
    if model == LIF_CURR_DELTA:
        return mul_s1615(ie, scale), mul_s1615(ii, scale)
    return ie, ii


@njit(inline="always")
def izk_rk2(v, u, a, b, h, inp):
    """neuron_model_izh_impl.c ``rk2_kernel_midpoint``: (V, U) after one step h, every product truncating."""
    pre_alph = wrap32(wrap32(IZK_140 + inp) - u)
    alpha = wrap32(pre_alph + mul_s1615(wrap32(IZK_5 + mul_s1615(IZK_MAGIC, v)), v))
    eta = wrap32(v + mul_s1615(mul_s1615(h, alpha), REAL_HALF))
    beta = mul_s1615(mul_s1615(mul_s1615(h, wrap32(mul_s1615(b, v) - u)), a), REAL_HALF)
    v_new = wrap32(v + mul_s1615(h, wrap32(wrap32(pre_alph - beta)
                                         + mul_s1615(wrap32(IZK_5 + mul_s1615(IZK_MAGIC, eta)), eta))))
    u_new = wrap32(u + mul_s1615(mul_s1615(a, h), wrap32(wrap32(-u - beta) + mul_s1615(b, eta))))
    return v_new, u_new


@njit
def neuron_tick(model, n_steps, c, v, ie, ii, r, u, h):
    """One tick of one neuron after its input joined (recording, board.py, saw V and the input before this):
    ``c`` its parameter column (PAR_ROWS), (v, ie, ii, r) V, inputs and refractory count, (u, h) Izhikevich's U
    and this_h. Returns (v, ie, ii, r, u, h, fired)."""
    fired = False
    for _ in range(n_steps):
        exc, inh = _currents(model, v, ie, ii, c[P_E_REV_E], c[P_E_REV_I], c[P_IN_SCALE])
        inp = wrap32(wrap32(exc - inh) + c[P_I_OFFSET])
        if model == IZK_CURR_EXP:
            v, u = izk_rk2(v, u, c[P_IZ_A], c[P_IZ_B], h, inp)
            h = np.int32(c[P_H])
            if v >= c[P_V_THRESH]:      # neuron_model_has_spiked: V = C, U += D, the next step gets h * 1.85
                v, u, h = np.int32(c[P_IZ_C]), wrap32(u + c[P_IZ_D]), mul_s1615(c[P_H], IZK_TQ_OFFSET)
                fired = True
        else:
            if r <= 0:        # neuron_model_lif_impl.c: closed form outside the refractory count
                alpha = wrap32(mul_s1615(inp, c[P_R_MEM]) + c[P_V_REST])
                v = wrap32(alpha - mul_s1615(c[P_EXP_TC], wrap32(alpha - v)))
            else:
                r = wrap32(r - 1)
            if v >= c[P_V_THRESH]:
                v, r = np.int32(c[P_V_RESET]), np.int32(c[P_T_REFRACT])
                fired = True
        if model == LIF_CURR_DELTA:
            ie, ii = np.int32(0), np.int32(0)
        else:
            ie, ii = decay_s1615(ie, c[P_DECAY_E]), decay_s1615(ii, c[P_DECAY_I])
    return v, ie, ii, r, u, h, fired
