"""The 'spinnaker' schedule in the board's integers: sPyNNaker's timer tick, neuron by neuron, bit for bit.

Per tick t (``c_main.c`` timer callback; ``synapses.c``; ``neuron_impl_standard.h``; ``neuron_model_lif_impl.h``):
  1. each neuron's ring-buffer entries of slot t (uint16) become s16.15 inputs, ``entry << shift[type]``, and are
     added through ``add_input_exp``: isyn += decay_s1615(input, init); the slot is cleared;
  2. recording, before the update: V (its value at the start of the tick) and gsyn = the total input per type;
  3. outside the refractory count: input = exc - inh + I_offset; alpha = input * R + V_rest;
     V = alpha - exp_TC * (alpha - V) (truncating accum multiplies); else the count runs down;
  4. V >= V_thresh: spike, V = V_reset, count = T_refract;
  5. isyn = decay_s1615(isyn, decay).
Then, as in the float schedules (``kernels/schedules.py``): post spikes enter the STDP histories, source spikes of
tick t join, and every spike of tick t is delivered: static rows add their uint16 words to slot t + d, plastic rows
are updated first (``kernels/stdp_fixed.py``). A sum with bit 16 set saturates to 0xFFFF and is counted per
post population (the board's "Times_synaptic_weights_have_saturated").
"""
from collections import namedtuple

import numpy as np
from numba import prange

from ._config import njit
from .fixed_point import decay_s1615, mul_s1615, ring_add, ring_to_input, wrap32
from .rng import stream_key, uniform
from .schedules import POISSON_STREAM, _geometric
from .stdp_fixed import deliver_plastic_fixed, record_post_fixed

Board = namedtuple("Board", "n_slots is_lif pop_of v0 v_rest r_mem exp_tc i_offset v_reset v_thresh t_refract decay "
                            "init shift s_ptr s_post s_word s_delay s_rec p_ptr p_post p_delay p_rec p_rule rules "
                            "luts_p sizes_p luts_m sizes_m post_rule hist record pois_idx pois_p pois_t0 pois_t1")
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


@njit
def _add_inputs(brd, slot_e, slot_i, isyn_e, isyn_i):
    """Step 1 for every neuron: this tick's ring-buffer entries join the synaptic inputs; the slot is cleared."""
    for i in range(isyn_e.shape[0]):
        e, h = slot_e[i], slot_i[i]
        if e != 0:
            isyn_e[i] = wrap32(isyn_e[i] + decay_s1615(ring_to_input(e, brd.shift[0, i]), brd.init[0, i]))
            slot_e[i] = 0
        if h != 0:
            isyn_i[i] = wrap32(isyn_i[i] + decay_s1615(ring_to_input(h, brd.shift[1, i]), brd.init[1, i]))
            slot_i[i] = 0


@njit
def _update(brd, v, isyn_e, isyn_i, refr, fired):
    """Steps 3-5 for every LIF neuron."""
    for i in range(v.shape[0]):
        if not brd.is_lif[i]:
            continue
        vi = v[i]
        if refr[i] <= 0:
            inp = wrap32(wrap32(isyn_e[i] - isyn_i[i]) + brd.i_offset[i])
            alpha = wrap32(mul_s1615(inp, brd.r_mem[i]) + brd.v_rest[i])
            vi = wrap32(alpha - mul_s1615(brd.exp_tc[i], wrap32(alpha - vi)))
        else:
            refr[i] -= 1
        if vi >= brd.v_thresh[i]:
            fired[i] = True
            vi = brd.v_reset[i]
            refr[i] = brd.t_refract[i]
        v[i] = vi
        isyn_e[i] = decay_s1615(isyn_e[i], brd.decay[0, i])
        isyn_i[i] = decay_s1615(isyn_i[i], brd.decay[1, i])


@njit
def _deliver_static(j, t, brd, buf, sat):
    n_slots = buf.shape[0]
    for s in range(brd.s_ptr[j], brd.s_ptr[j + 1]):
        i = brd.s_post[s]
        slot = (t + brd.s_delay[s]) % n_slots
        r = brd.s_rec[s]
        buf[slot, r, i], hit = ring_add(buf[slot, r, i], brd.s_word[s])
        sat[brd.pop_of[i]] += hit


@njit
def board_sample(brd, stim, b, sample_id, n_steps, words, counts, out_t, out_i, n_out, probes, sat):
    """One sample for ``n_steps`` ticks. ``words``: this sample's plastic uint16 words (updated in place);
    ``sat[b, population]``: ring-buffer saturations."""
    n = brd.v0.shape[0]
    v = brd.v0.copy()
    isyn_e = np.zeros(n, np.int64)
    isyn_i = np.zeros(n, np.int64)
    refr = np.zeros(n, np.int64)
    buf = np.zeros((brd.n_slots, 2, n), np.int64)
    fired = np.zeros(n, np.bool_)
    spiking = np.empty(n + stim.prob_idx.shape[0], np.int64)
    h_t = np.zeros((n, brd.hist), np.int64)
    h_o = np.zeros((n, brd.hist), np.int64)
    h_n = np.ones(n, np.int64)
    last_pre = np.zeros(n, np.int64)
    r_pre = np.zeros(n, np.int64)
    has_plastic = brd.p_post.shape[0] > 0
    key = stream_key(stim.seed, sample_id)
    eb = np.int64(b) if stim.ev_ptr.shape[0] > 1 else np.int64(0)
    pb = np.int64(b) if stim.prob.shape[0] > 1 else np.int64(0)
    cap = out_t.shape[1]
    n_rec, n_snap = 0, 0
    n_pois = brd.pois_idx.shape[0]
    pois_next = np.empty(n_pois, np.int64)
    pois_draw = np.zeros(n_pois, np.int64)
    for k in range(n_pois):
        pois_next[k] = max(brd.pois_t0[k], 0) + _geometric(
            uniform(key, 0, POISSON_STREAM + np.uint64(brd.pois_idx[k])), brd.pois_p[k])
    n_snaps = probes.out_v.shape[1]
    sat_b = sat[b]
    for t in range(n_steps):
        slot = t % brd.n_slots
        _add_inputs(brd, buf[slot, 0], buf[slot, 1], isyn_e, isyn_i)
        snap = n_snap < n_snaps and t % probes.every == 0
        if snap:
            _record(probes, b, n_snap, v, isyn_e, isyn_i)
        _update(brd, v, isyn_e, isyn_i, refr, fired)
        n_sp = 0
        for i in range(n):
            if fired[i]:
                fired[i] = False
                spiking[n_sp] = i
                n_sp += 1
                if has_plastic and brd.post_rule[i] >= 0:
                    r = brd.post_rule[i]
                    record_post_fixed(i, t, brd.luts_m[r], brd.sizes_m[r], h_t, h_o, h_n)
        for e in range(stim.ev_ptr[eb, t], stim.ev_ptr[eb, t + 1]):
            spiking[n_sp] = stim.ev_idx[e]
            n_sp += 1
        for k in range(stim.prob_idx.shape[0]):
            if uniform(key, t, k) < stim.prob[pb, k]:
                spiking[n_sp] = stim.prob_idx[k]
                n_sp += 1
        for k in range(n_pois):
            if pois_next[k] == t:
                j = brd.pois_idx[k]
                if t < brd.pois_t1[k]:
                    spiking[n_sp] = j
                    n_sp += 1
                pois_draw[k] += 1
                pois_next[k] = t + 1 + _geometric(uniform(key, pois_draw[k], POISSON_STREAM + np.uint64(j)),
                                                  brd.pois_p[k])
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
                                      brd.rules, brd.luts_p, brd.sizes_p, brd.luts_m, brd.sizes_m, brd.shift,
                                      last_pre, r_pre, h_t, h_o, h_n, buf, sat_b, brd.pop_of)
        if snap:
            _record_words(probes, b, n_snap, words)
            n_snap += 1
    n_out[b] = n_rec


@njit
def board_serial(brd, stim, n_samples, sample_offset, n_steps, words, counts, out_t, out_i, n_out, probes, sat):
    for b in range(n_samples):
        board_sample(brd, stim, b, sample_offset + b, n_steps, words[b], counts, out_t, out_i, n_out, probes, sat)


@njit(parallel=True)
def board_batch(brd, stim, n_samples, sample_offset, n_steps, words, counts, out_t, out_i, n_out, probes, sat):
    for b in prange(n_samples):
        board_sample(brd, stim, b, sample_offset + b, n_steps, words[b], counts, out_t, out_i, n_out, probes, sat)
