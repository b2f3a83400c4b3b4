"""Pair STDP, additive weights, in the board's integers (``neuron/plasticity/stdp/``).

Deferred, as ``synapse_dynamics_stdp_mad_impl.c`` does it: a post spike only enters its neuron's history (time and
int16 trace, ``post_events.h``: 16 entries, entry 0 the t = 0 placeholder); at a presynaptic spike every synapse
of the row is updated with the post spikes of the window (last_pre - d, T - d] (potentiation, only for positive
lags: ``timing_apply_post_spike``) and then the latest post spike <= T - d (depression, any lag >= 0:
``timing_apply_pre_spike`` of the 7-era ``timing_pair_impl.h``), the delay d counted as dendritic.
Traces (``timing_pair_impl.h``): trace <- trace * LUT[dt] >> 11 + 2048, int16. Weights
(``weight_additive_one_term_impl.h``): the uint16 word shifted left by the ring buffer's shift is an accum;
``w += a2_plus * (r << 4)`` clamped to w_max, ``w -= a2_minus * (o << 4)`` clamped to w_min, each update clamped;
the new word is the accum's bits >> shift.
"""
from ._config import njit
from .fixed_point import (STDP_FIXED_POINT_ONE, lut_decay, mul_accum_fixed, ring_add, stdp_mul_16x16, wrap16,
                          wrap32)

# Columns of the integer rule table: a2_plus, a2_minus, w_min, w_max (accum bits)
R_AP, R_AM, R_WMIN, R_WMAX = 0, 1, 2, 3


@njit
def record_post_fixed(i, t, lut, lut_size, h_t, h_o, h_n):
    """post_events_add + timing_add_post_spike: trace = last_trace * LUT_minus[t - last] >> 11 + 2048."""
    n = h_n[i]
    cap = h_t.shape[1]
    last_t = h_t[i, n - 1]
    trace = wrap16(stdp_mul_16x16(h_o[i, n - 1], lut_decay(t - last_t, lut, lut_size)) + STDP_FIXED_POINT_ONE)
    if n == cap:              # full: shuffle down, entry 0 (the placeholder) stays
        for k in range(1, cap - 1):
            h_t[i, k] = h_t[i, k + 1]
            h_o[i, k] = h_o[i, k + 1]
        n = cap - 1
    h_t[i, n] = t
    h_o[i, n] = trace
    h_n[i] = n + 1


@njit(inline="always")
def _update_synapse(w, rule, lut_p, size_p, lut_m, size_m, d, last_pre, r_last, T, i, h_t, h_o, h_n):
    """plasticity_update_synapse for one synapse onto post neuron i: ``w`` accum bits in, accum bits out."""
    n = h_n[i]
    begin = last_pre - d if last_pre >= d else 0
    end = T - d if T >= d else 0
    k = n - 1
    while k >= 1 and h_t[i, k] > begin:
        k -= 1
    # post spikes p with begin < p <= end, in time order: potentiation by the last pre trace
    last = k                  # index of the latest post event <= end seen so far (0: the placeholder)
    for m in range(k + 1, n):
        p = h_t[i, m]
        if p > end:
            break
        last = m
        lag = p + d - last_pre
        if lag > 0:
            decayed = stdp_mul_16x16(r_last, lut_decay(lag, lut_p, size_p))
            w = wrap32(w + mul_accum_fixed(rule[R_AP], decayed))
            w = min(w, rule[R_WMAX])
    if last >= 1:             # a real post spike exists: depression by the latest one <= end
        lag = T - (h_t[i, last] + d)
        decayed = stdp_mul_16x16(h_o[i, last], lut_decay(lag, lut_m, size_m))
        w = wrap32(w - mul_accum_fixed(rule[R_AM], decayed))
        w = max(w, rule[R_WMIN])
    return w


@njit
def deliver_plastic_fixed(j, t, ptr, post, words, delay, rec, rule_of, rules, luts_p, sizes_p, luts_m, sizes_m,
                          shift, last_pre, r_pre, h_t, h_o, h_n, buf, sat, pop_of):
    """Presynaptic spike of neuron j at tick t through its plastic row: the pre trace advances (timing_add_pre_spike,
    with the LUT of the row's first rule), each synapse is updated from the previous pre spike and trace, written
    back as a uint16 word, and that word is added to the ring buffer slot t + d (saturating)."""
    n_slots = buf.shape[0]
    a, z = ptr[j], ptr[j + 1]
    if z == a:
        return
    L = last_pre[j]
    r_last = r_pre[j]
    r0 = rule_of[a]
    r_pre[j] = wrap16(stdp_mul_16x16(r_last, lut_decay(t - L, luts_p[r0], sizes_p[r0])) + STDP_FIXED_POINT_ONE)
    last_pre[j] = t
    for s in range(a, z):
        r = rule_of[s]
        i = post[s]
        sh = shift[rec[s], i]
        w = wrap32(words[s] << sh)
        w = _update_synapse(w, rules[r], luts_p[r], sizes_p[r], luts_m[r], sizes_m[r], delay[s], L, r_last, t, i,
                            h_t, h_o, h_n)
        words[s] = (w >> sh) & 0xFFFF
        slot = (t + delay[s]) % n_slots
        buf[slot, rec[s], i], hit = ring_add(buf[slot, rec[s], i], words[s])
        sat[pop_of[i]] += hit
