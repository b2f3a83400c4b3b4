"""A naive integer transcription of sPyNNaker 6.x's IF_cond_exp, IF_curr_delta and Izhikevich (izk_curr_exp),
written straight from the C sources, one Python int at a time, for one neuron driven by one source: the reference
of tests/kernels/test_board_cells.py. Nothing here imports snn's kernels or host encoding.

Sources: neuron_impl_standard.h (order of one tick), neuron_model_lif_impl.c, neuron_model_izh_impl.c,
synapse_types_exponential_impl.h, synapse_types_delta_impl.h, input_type_conductance.h, input_type_delta.h,
threshold_type_static.h; host: DataType S1615 / U032 encode_as_int (round half to even), neuron_model_*.py,
synapse_type_exponential.py, synaptic_manager.py (ring-buffer shift, weight scale), maths-util.h.
"""
import math
from decimal import Decimal


def s1615(x):
    return int(round(Decimal(repr(float(x))) * 2 ** 15))


def u032(x):
    return min(int(round(Decimal(repr(float(x))) * 2 ** 32)), 2 ** 32 - 1)


def mul(a, b):                    # accum * accum: 64-bit product >> 15, a floor
    return (a * b) >> 15


def decay(x, d):                  # decay_s1615
    return (x * d) >> 32


def ring_shift_and_word(w, global_scale):
    """synaptic_manager.py for one synapse of weight w: max weight w * global scale -> left shift, word."""
    m = w * global_scale
    shift = 0 if m <= 0 else int(math.ceil(max(0.0, math.log2(m))))
    if 2 ** shift <= m:
        shift += 1
    word = int(round(w * 2.0 ** (16 - (shift + 1)) * global_scale)) & 0xFFFF
    return shift, word


def run(model, p, weight, arrivals, n_ticks, dt=1.0, inh=(0.0, ())):
    """V recorded at the start of every tick and the spike ticks of one neuron; ``arrivals``: ticks in which the
    weight reaches the excitatory ring-buffer slot; ``inh``: (weight, arrival ticks) of the inhibitory one."""
    cond, delta, izk = model == "cond", model == "delta", model == "izk"
    shift, word = ring_shift_and_word(weight, 1024.0 if cond else 1.0)
    shift_i, word_i = ring_shift_and_word(inh[0], 1024.0 if cond else 1.0)
    tau_e, tau_i = p.get("tau_syn_E", 5.0), p.get("tau_syn_I", 5.0)
    d_e, init_e = u032(math.exp(-dt / tau_e)), u032(tau_e / dt * (1 - math.exp(-dt / tau_e)))
    d_i, init_i = u032(math.exp(-dt / tau_i)), u032(tau_i / dt * (1 - math.exp(-dt / tau_i)))
    i_off = s1615(p.get("i_offset", 0.0))
    if izk:
        a, b, c, d = (s1615(p[k]) for k in "abcd")
        v, u, h_step = s1615(-70.0), s1615(-14.0), s1615(dt)
        h, thresh = h_step, s1615(30.0)
    else:
        v, v_rest, v_reset, thresh = s1615(p["v_rest"]), s1615(p["v_rest"]), s1615(p["v_reset"]), s1615(p["v_thresh"])
        r_mem, exp_tc = s1615(p["tau_m"] / p["cm"]), s1615(math.exp(-dt / p["tau_m"]))
        t_ref, refract = math.ceil(p["tau_refrac"] / dt), 0
    isyn, isyn_i, vs, spikes = 0, 0, [], []
    for t in range(n_ticks):
        if t in arrivals:                                    # add_input
            x = word << shift
            isyn += x if delta else decay(x, init_e)
        if t in inh[1]:
            x = word_i << shift_i
            isyn_i += x if delta else decay(x, init_i)
        vs.append(v)                                         # recorded before the update
        if cond:                                             # input_type_conductance.h
            exc = mul(isyn >> 10, s1615(p["e_rev_E"]) - v)
            inh_c = mul(-(isyn_i >> 10), s1615(p["e_rev_I"]) - v)
        elif delta:                                          # input_type_delta.h: scale_factor 1000 / ts
            exc, inh_c = mul(isyn, s1615(1.0 / dt)), mul(isyn_i, s1615(1.0 / dt))
        else:
            exc, inh_c = isyn, isyn_i
        inp = exc - inh_c + i_off
        if izk:                                              # rk2_kernel_midpoint
            pre_alph = s1615(140.0) + inp - u
            alpha = pre_alph + mul(s1615(5.0) + mul(1311, v), v)
            eta = v + mul(mul(h, alpha), 16384)
            beta = mul(mul(mul(h, mul(b, v) - u), a), 16384)
            v, u = (v + mul(h, pre_alph - beta + mul(s1615(5.0) + mul(1311, eta), eta)),
                    u + mul(mul(a, h), -u - beta + mul(b, eta)))
            h = h_step
            if v >= thresh:
                spikes.append(t)
                v, u, h = c, u + d, mul(h_step, 60620)       # SIMPLE_TQ_OFFSET 1.85k, truncated by GCC
        else:
            if refract <= 0:                                 # lif_neuron_closed_form
                alpha = mul(inp, r_mem) + v_rest
                v = alpha - mul(exp_tc, alpha - v)
            else:
                refract -= 1
            if v >= thresh:
                spikes.append(t)
                v, refract = v_reset, t_ref
        isyn = 0 if delta else decay(isyn, d_e)              # shaping
        isyn_i = 0 if delta else decay(isyn_i, d_i)
    return [x / 2 ** 15 for x in vs], spikes
