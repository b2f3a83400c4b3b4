"""The 'spinnaker' schedule in the board's integers: sPyNNaker's timer tick, neuron by neuron, bit for bit.

Per tick t (``c_main.c`` timer callback; ``synapses.c``; ``neuron_impl_standard.h``; ``neuron_model_lif_impl.h``):
  1. each neuron's ring-buffer entries of slot t (uint16) become s16.15 inputs, ``entry << shift[type]``, and are
     added through ``add_input_exp``: isyn += decay_s1615(input, init); the slot is cleared;
  2. recording, before the update: V (its value at the start of the tick) and gsyn = the total input per type;
  3. outside the refractory count: input = exc - inh + I_offset; alpha = input * R + V_rest;
     V = alpha - exp_TC * (alpha - V) (truncating accum multiplies); else the count runs down;
  4. V >= V_thresh: spike, V = V_reset, count = T_refract;
  5. isyn = decay_s1615(isyn, decay).
IF_curr_exp with one step per tick runs the vectorised loops here; IF_cond_exp, IF_curr_delta, Izhikevich and
sub-stepped populations (``n_steps_per_timestep``) run ``board_cells.neuron_tick``, neuron by neuron.
Then, as in the float schedules (``kernels/schedules.py``): post spikes enter the STDP histories, source spikes of
tick t join, and every spike of tick t is delivered: static rows add their uint16 words to slot t + d, plastic rows
are updated first (``kernels/stdp_fixed.py``). A sum with bit 16 set saturates to 0xFFFF and is counted per
post population (the board's "Times_synaptic_weights_have_saturated").
"""
from collections import namedtuple

import numpy as np
from numba import prange

from ._config import njit
from .board_cells import (P_DECAY_E, P_DECAY_I, P_EXP_TC, P_I_OFFSET, P_INIT_E, P_INIT_I, P_R_MEM,  # noqa: F401
                          P_SHIFT_E, P_SHIFT_I, P_T_REFRACT, P_V_REST, P_V_RESET, P_V_THRESH, PAR_ROWS, join_input,
                          neuron_tick)
from .fixed_point import RING_MAX, decay_s1615, decay_s1615_split, mul_s1615, ring_to_input, split_u032, wrap32
from .rng import stream_key
from .schedules import first_spikes, source_spikes
from .stdp_fixed import deliver_plastic_fixed, record_post_fixed

Board = namedtuple("Board", "n_slots pop_start pop_lif pop_uniform pop_of v0 par s_ptr s_post s_word s_delay s_rec "
                            "s_row_uniform s_row_word s_row_delay s_row_rec "
                            "p_ptr p_post p_delay p_rec p_rule rules luts_p sizes_p luts_m sizes_m post_rule row_rules_ptr "
                            "row_rules hist "
                            "record pois_idx pois_p pois_t0 pois_t1 pois_dead pois_phases pop_model pop_steps aux0")
# pop_lif: the population runs the vectorised IF_curr_exp path below; pop_model (board_cells.BOARD_MODELS, 0: a
# source) and pop_steps (n_steps_per_timestep) say how the others run (board_cells.neuron_tick); aux0: the
# initial (U, this_h) of Izhikevich neurons
# What a run copies out besides spikes: every `every` ticks, V / gsyn_exc / gsyn_inh (s16.15 bits) of neurons
# v_idx and the words of plastic synapses w_idx.
BoardProbes = namedtuple("BoardProbes", "every v_idx out_v out_ge out_gi w_idx out_w")


@njit
def _record(probes, b, snap, v, isyn_e, isyn_i):
    """V and gsyn at the start of the tick (after the ring buffer's input, before the update), as the board."""
    for k in range(probes.v_idx.shape[0]):
        j = probes.v_idx[k]
        probes.out_v[b, snap, k] = v[j]
        probes.out_ge[b, snap, k] = isyn_e[j]
        probes.out_gi[b, snap, k] = isyn_i[j]


@njit
def _record_words(probes, b, snap, words):
    """Plastic words at the end of the tick: what a run ending with this tick would read back."""
    for k in range(probes.w_idx.shape[0]):
        probes.out_w[b, snap, k] = words[probes.w_idx[k]]


@njit(inline="always")
def _input_step(ie, ii, e, h, sh_e, sh_i, init_e, init_i):
    """Step 1 of one neuron: ring-buffer entries e, h join its inputs (a zero entry adds exactly 0)."""
    return (wrap32(ie + decay_s1615(ring_to_input(e, sh_e), init_e)),
            wrap32(ii + decay_s1615(ring_to_input(h, sh_i), init_i)))


@njit
def _add_inputs(brd, slot_e, slot_i, isyn_e, isyn_i, uniform_too):
    """Step 1 for every LIF neuron (or, ``uniform_too=False``, for the non-uniform populations only: ``_update``
    fuses it for the others); the slot is cleared."""
    par = brd.par
    for p in range(brd.pop_start.shape[0] - 1):
        if not brd.pop_lif[p] or not (uniform_too or not brd.pop_uniform[p]):
            continue
        a, z = brd.pop_start[p], brd.pop_start[p + 1]
        ie, ii, se, si = isyn_e[a:z], isyn_i[a:z], slot_e[a:z], slot_i[a:z]
        if brd.pop_uniform[p]:     # branch-free (a zero entry adds exactly 0): the loop vectorises
            sh_e, sh_i, ne, ni = par[P_SHIFT_E, a], par[P_SHIFT_I, a], par[P_INIT_E, a], par[P_INIT_I, a]
            for k in range(z - a):
                ie[k], ii[k] = _input_step(ie[k], ii[k], se[k], si[k], sh_e, sh_i, ne, ni)
                se[k] = 0
                si[k] = 0
        else:
            c = par[:, a:z]
            for k in range(z - a):
                ie[k], ii[k] = _input_step(ie[k], ii[k], se[k], si[k], c[P_SHIFT_E, k], c[P_SHIFT_I, k],
                                           c[P_INIT_E, k], c[P_INIT_I, k])
                se[k] = 0
                si[k] = 0
    _add_inputs_cells(brd, slot_e, slot_i, isyn_e, isyn_i)


@njit
def _add_inputs_cells(brd, slot_e, slot_i, isyn_e, isyn_i):
    """Step 1 for the populations of ``board_cells`` (their synapse type decides how an entry joins)."""
    par = brd.par
    for p in range(brd.pop_start.shape[0] - 1):
        m = brd.pop_model[p]
        if brd.pop_lif[p] or m == 0:
            continue
        for j in range(brd.pop_start[p], brd.pop_start[p + 1]):
            isyn_e[j] = join_input(m, isyn_e[j], slot_e[j], par[P_SHIFT_E, j], par[P_INIT_E, j])
            isyn_i[j] = join_input(m, isyn_i[j], slot_i[j], par[P_SHIFT_I, j], par[P_INIT_I, j])
            slot_e[j] = 0
            slot_i[j] = 0


@njit
def _update_cells(brd, v, isyn_e, isyn_i, refr, aux, fired):
    """Steps 3-5 for the populations of ``board_cells``."""
    for p in range(brd.pop_start.shape[0] - 1):
        m = brd.pop_model[p]
        if brd.pop_lif[p] or m == 0:
            continue
        for j in range(brd.pop_start[p], brd.pop_start[p + 1]):
            v[j], isyn_e[j], isyn_i[j], refr[j], aux[0, j], aux[1, j], fired[j] = neuron_tick(
                m, brd.pop_steps[p], brd.par[:, j], v[j], isyn_e[j], isyn_i[j], refr[j], aux[0, j], aux[1, j])


@njit(inline="always")
def _lif_step_split(v, ie, ii, r, v_rest, r_mem, exp_tc, i_offset, v_reset, v_thresh, t_refract, de, de_hi, di,
                    di_hi):
    """``_lif_step`` with the decays split (``split_u032``): the same integers, a loop that vectorises."""
    inp = wrap32(wrap32(ie - ii) + i_offset)
    alpha = wrap32(mul_s1615(inp, r_mem) + v_rest)
    v_new = wrap32(alpha - mul_s1615(exp_tc, wrap32(alpha - v)))
    active = r <= 0
    v = v_new if active else v
    r = r if active else wrap32(r - 1)
    f = v >= v_thresh
    return ((v_reset if f else v), decay_s1615_split(ie, de, de_hi), decay_s1615_split(ii, di, di_hi),
            (t_refract if f else r), f)


@njit(inline="always")
def _lif_step(v, ie, ii, r, v_rest, r_mem, exp_tc, i_offset, v_reset, v_thresh, t_refract, decay_e, decay_i):
    """Steps 3-5 of one neuron (neuron_model_lif_impl.h, threshold_type_static.h, exp_shaping), branch-free."""
    inp = wrap32(wrap32(ie - ii) + i_offset)
    alpha = wrap32(mul_s1615(inp, r_mem) + v_rest)
    v_new = wrap32(alpha - mul_s1615(exp_tc, wrap32(alpha - v)))
    active = r <= 0
    v = v_new if active else v
    r = r if active else wrap32(r - 1)
    f = v >= v_thresh
    return (v_reset if f else v), decay_s1615(ie, decay_e), decay_s1615(ii, decay_i), (t_refract if f else r), f


@njit
def _update(brd, slot_e, slot_i, v, isyn_e, isyn_i, refr, aux, fired, add_input):
    """Steps 3-5 for every LIF neuron (writes every flag of its range); with ``add_input`` step 1 too, fused into
    the same pass for a uniform population (ticks that record nothing). A uniform population reads its constants
    once (the loop then vectorises: int32 state, 32 x 32 -> 64-bit products)."""
    par = brd.par
    if add_input:
        _add_inputs(brd, slot_e, slot_i, isyn_e, isyn_i, False)
    for p in range(brd.pop_start.shape[0] - 1):
        if not brd.pop_lif[p]:
            continue
        a, z = brd.pop_start[p], brd.pop_start[p + 1]
        vv, ie, ii, rr, ff = v[a:z], isyn_e[a:z], isyn_i[a:z], refr[a:z], fired[a:z]
        if brd.pop_uniform[p]:
            i32 = np.int32       # the constants as int32 scalars (decay / init stay u0.32 in int64)
            v_rest, r_mem, exp_tc = i32(par[P_V_REST, a]), i32(par[P_R_MEM, a]), i32(par[P_EXP_TC, a])
            i_off, v_reset, v_th = i32(par[P_I_OFFSET, a]), i32(par[P_V_RESET, a]), i32(par[P_V_THRESH, a])
            t_ref = i32(par[P_T_REFRACT, a])
            (de, de_hi), (di, di_hi) = split_u032(par[P_DECAY_E, a]), split_u032(par[P_DECAY_I, a])
            if add_input:
                se, si = slot_e[a:z], slot_i[a:z]
                sh_e, sh_i = par[P_SHIFT_E, a], par[P_SHIFT_I, a]
                (ne, ne_hi), (ni, ni_hi) = split_u032(par[P_INIT_E, a]), split_u032(par[P_INIT_I, a])
                for k in range(z - a):
                    e = wrap32(ie[k] + decay_s1615_split(ring_to_input(se[k], sh_e), ne, ne_hi))
                    h = wrap32(ii[k] + decay_s1615_split(ring_to_input(si[k], sh_i), ni, ni_hi))
                    se[k] = 0
                    si[k] = 0
                    vv[k], ie[k], ii[k], rr[k], ff[k] = _lif_step_split(vv[k], e, h, rr[k], v_rest, r_mem, exp_tc,
                                                                        i_off, v_reset, v_th, t_ref, de, de_hi, di,
                                                                        di_hi)
            else:
                for k in range(z - a):
                    vv[k], ie[k], ii[k], rr[k], ff[k] = _lif_step_split(vv[k], ie[k], ii[k], rr[k], v_rest, r_mem,
                                                                        exp_tc, i_off, v_reset, v_th, t_ref, de,
                                                                        de_hi, di, di_hi)
        else:
            c = par[:, a:z]
            for k in range(z - a):
                vv[k], ie[k], ii[k], rr[k], ff[k] = _lif_step(
                    vv[k], ie[k], ii[k], rr[k], c[P_V_REST, k], c[P_R_MEM, k], c[P_EXP_TC, k], c[P_I_OFFSET, k],
                    c[P_V_RESET, k], c[P_V_THRESH, k], c[P_T_REFRACT, k], c[P_DECAY_E, k], c[P_DECAY_I, k])
    _update_cells(brd, v, isyn_e, isyn_i, refr, aux, fired)


@njit
def _deliver_static(j, t, brd, buf, sat):
    """Row j's static synapses: each uint16 word joins slot t + d; a sum past 0xFFFF saturates (rare: a branch)."""
    n_slots = buf.shape[0]
    t_slot = t % n_slots
    if brd.s_row_uniform[j]:      # one word, delay and receptor for the whole row: stream the post indices
        slot = t_slot + brd.s_row_delay[j]
        if slot >= n_slots:
            slot -= n_slots
        target = buf[slot, brd.s_row_rec[j]]
        w = brd.s_row_word[j]
        for s in range(brd.s_ptr[j], brd.s_ptr[j + 1]):
            i = brd.s_post[s]
            acc = target[i] + w
            if acc > RING_MAX:
                acc = RING_MAX
                sat[brd.pop_of[i]] += 1
            target[i] = np.int32(acc)
        return
    for s in range(brd.s_ptr[j], brd.s_ptr[j + 1]):
        i = brd.s_post[s]
        slot = t_slot + brd.s_delay[s]
        if slot >= n_slots:
            slot -= n_slots
        r = brd.s_rec[s]
        acc = buf[slot, r, i] + brd.s_word[s]
        if acc > RING_MAX:
            acc = RING_MAX
            sat[brd.pop_of[i]] += 1
        buf[slot, r, i] = np.int32(acc)


@njit
def board_sample(brd, stim, b, sample_id, n_steps, words, counts, out_t, out_i, n_out, probes, sat, state):
    """One sample for ``n_steps`` ticks. ``words``: this sample's plastic uint16 words (updated in place);
    ``sat[b, population]``: ring-buffer saturations. ``state`` (a ``BoardState``, snn/board_state.py): with rows,
    the sample runs ticks t0 .. t0 + n_steps - 1 on state[b] and leaves it there; without, it starts at tick 0."""
    n = brd.v0.shape[0]
    carry = state.v.shape[0] > 0
    t0 = state.t0 if carry else 0
    if carry:
        v, isyn_e, isyn_i, refr, buf = state.v[b], state.isyn[b, 0], state.isyn[b, 1], state.refr[b], state.buf[b]
        aux = state.aux[b]
        h_t, h_o, h_n, last_pre, r_pre = state.h_t[b], state.h_o[b], state.h_n[b], state.last_pre[b], state.r_pre[b]
        pois_next, pois_draw = state.pois_next[b], state.pois_draw[b]
    else:
        v = brd.v0.astype(np.int32)
        isyn_e = np.zeros(n, np.int32)
        isyn_i = np.zeros(n, np.int32)
        refr = np.zeros(n, np.int32)
        aux = brd.aux0.copy()
        buf = np.zeros((brd.n_slots, 2, n), np.int32)
        h_t = np.zeros((n, brd.hist), np.int64)
        h_o = np.zeros((n, brd.hist), np.int64)
        h_n = np.ones(n, np.int64)
        last_pre = np.zeros((n, brd.rules.shape[0]), np.int64)
        r_pre = np.zeros((n, brd.rules.shape[0]), np.int64)
        pois_next = np.empty(brd.pois_idx.shape[0], np.int64)
        pois_draw = np.zeros(brd.pois_idx.shape[0], np.int64)
    fired_words = np.zeros((n + 7) // 8, np.uint64)   # the flags, read back eight at a time
    fired = fired_words.view(np.bool_)
    spiking = np.empty(n + stim.prob_idx.shape[0], np.int64)
    has_plastic = brd.p_post.shape[0] > 0
    key = stream_key(stim.seed, sample_id)
    eb = np.int64(b) if stim.ev_ptr.shape[0] > 1 else np.int64(0)
    pb = np.int64(b) if stim.prob.shape[0] > 1 else np.int64(0)
    cap = out_t.shape[1]
    n_rec, n_snap = 0, 0
    pois = (brd.pois_idx, brd.pois_t1, brd.pois_p, brd.pois_dead, brd.pois_phases)
    if not carry or not state.started[b]:
        if carry:      # a fresh carried state: the initial values, as a run from tick 0 starts
            for i in range(n):
                v[i] = brd.v0[i]
                aux[0, i], aux[1, i] = brd.aux0[0, i], brd.aux0[1, i]
            h_n[:] = 1
            state.started[b] = True
        first_spikes(key, 0, brd.pois_idx, brd.pois_p, brd.pois_t0, pois_next, pois_draw)
    n_snaps = probes.out_v.shape[1]
    shift = brd.par[P_SHIFT_E:P_SHIFT_I + 1]
    sat_b = sat[b]
    for t in range(t0, t0 + n_steps):
        slot = t % brd.n_slots
        snap = n_snap < n_snaps and t % probes.every == 0
        if snap:       # record between the input and the update, as the board does
            _add_inputs(brd, buf[slot, 0], buf[slot, 1], isyn_e, isyn_i, True)
            _record(probes, b, n_snap, v, isyn_e, isyn_i)
        _update(brd, buf[slot, 0], buf[slot, 1], v, isyn_e, isyn_i, refr, aux, fired, not snap)
        n_sp = 0
        for w8 in range(fired_words.shape[0]):
            if fired_words[w8] != 0:
                for i in range(8 * w8, min(8 * w8 + 8, n)):
                    if fired[i]:
                        fired[i] = False
                        spiking[n_sp] = i
                        n_sp += 1
                        if has_plastic and brd.post_rule[i] >= 0:
                            r = brd.post_rule[i]
                            record_post_fixed(i, t, brd.luts_m[r], brd.sizes_m[r], h_t, h_o, h_n)
        n_sp = source_spikes(t, t0, stim, eb, pb, key, pois, pois_next, pois_draw, spiking, n_sp)
        for s in range(n_sp):
            j = spiking[s]
            counts[b, j] += 1
            if brd.record[j]:
                if n_rec < cap:
                    out_t[b, n_rec] = t
                    out_i[b, n_rec] = j
                n_rec += 1
            _deliver_static(j, t, brd, buf, sat_b)
            if has_plastic:
                deliver_plastic_fixed(j, t, brd.p_ptr, brd.p_post, words, brd.p_delay, brd.p_rec, brd.p_rule,
                                      brd.rules, brd.luts_p, brd.sizes_p, brd.luts_m, brd.sizes_m, shift,
                                      brd.row_rules_ptr, brd.row_rules, last_pre, r_pre, h_t, h_o, h_n, buf, sat_b, brd.pop_of)
        if snap:
            _record_words(probes, b, n_snap, words)
            n_snap += 1
    n_out[b] = n_rec


@njit
def board_serial(brd, stim, n_samples, sample_offset, n_steps, words, counts, out_t, out_i, n_out, probes, sat,
                 state):
    for b in range(n_samples):
        board_sample(brd, stim, b, sample_offset + b, n_steps, words[b], counts, out_t, out_i, n_out, probes, sat,
                     state)


@njit(parallel=True)
def board_batch(brd, stim, n_samples, sample_offset, n_steps, words, counts, out_t, out_i, n_out, probes, sat,
                state):
    for b in prange(n_samples):
        board_sample(brd, stim, b, sample_offset + b, n_steps, words[b], counts, out_t, out_i, n_out, probes, sat,
                     state)
