"""Pair and nearest-pair STDP, additive and multiplicative weights, in the board's integers
(``neuron/plasticity/stdp/``, the 7-era sources; the 6.x pair-additive rule as a variant, see below).

Deferred, as ``synapse_dynamics_stdp_mad_impl.c`` does it: a post spike only enters its neuron's history (time and
int16 trace, ``post_events.h``: 16 entries, entry 0 the t = 0 placeholder); at a presynaptic spike every synapse
of the row is updated with the post spikes p of the window (last_pre - d, T - d] (``timing_apply_post_spike``,
with the previous history entry as its last post time) and then with the latest post spike <= T - d
(``timing_apply_pre_spike``, any lag >= 0), the delay d counted as dendritic. The pre history (time, trace) is
the row's: one per presynaptic neuron and rule (the board keeps one per row, and a row holds one rule).

Timing (the value handed to the weight rule, s4.11):
  pair    (``timing_pair_impl.h``): traces trace <- trace * LUT[dt] >> 11 + 2048 (int16); potentiation
          r(last_pre) * LUT_plus[p + d - last_pre] >> 11 for a positive lag, depression o(p) * LUT_minus[T - p - d]
          >> 11;
  nearest (``timing_nearest_pair_impl.h``): no traces; potentiation LUT_plus[p + d - last_pre], set to 0 unless
          p is the first post spike after the pre spike (p + d - prev < p + d - last_pre, prev the previous post
          spike, undelayed, as the C compares them); depression LUT_minus[T - p - d].
Weights: the uint16 word shifted left by the ring buffer's shift is an accum (``weight_get_initial``);
  additive       (``weight_additive_one_term_impl.h``): w += a2_plus * (x << 4) clamped to w_max,
                 w -= a2_minus * (x << 4) clamped to w_min;
  multiplicative (``weight_multiplicative_impl.h``): w += ((w_max - w) * a2_plus) * (x << 4),
                 w -= ((w - w_min) * a2_minus) * (x << 4), unclamped;
every product an accum multiply (truncating). The new word is the accum's bits >> shift (``weight_get_final``).

sPyNNaker 6.x (``spinnaker_version`` '2019' / '2021', pair + additive only), where three things differ:
  ``weight_additive_one_term_impl.h`` 6.x: the weight stays the uint16 word (no shift); potentiation and
          depression only sum their timing values, and ``weight_get_final`` applies them once,
          w + STDP_FIXED_MUL_16X16(sum+, a2_plus) - STDP_FIXED_MUL_16X16(sum-, a2_minus), then clamps to
          [w_min, w_max] (sum then clamp); a2_plus, a2_minus, w_min, w_max are ints in the word's units;
  ``timing_pair_impl.h`` 6.x ``timing_apply_pre_spike``: depression only if time_since_last_post > 0.
"""
from ._config import njit
from .fixed_point import (STDP_FIXED_POINT_ONE, lut_decay, mul_accum_fixed, mul_s1615, ring_add, stdp_mul_16x16,
                          wrap16, wrap32)

# Columns of the integer rule table: a2_plus, a2_minus, w_min, w_max (accum bits; 6.x: word units), the timing rule
# and the weight dependence (indices into snn.plasticity.TIMINGS / WEIGHT_DEPENDENCES), the era (7-era or 6.x)
R_AP, R_AM, R_WMIN, R_WMAX, R_TIMING, R_WEIGHT, R_ERA = range(7)
NEAREST, MULTIPLICATIVE = 1, 1
ERA_7, ERA_6 = 0, 1


@njit
def record_post_fixed(i, t, lut, lut_size, h_t, h_o, h_n):
    """post_events_add + timing_add_post_spike: trace = last_trace * LUT_minus[t - last] >> 11 + 2048 (the
    nearest-pair rule keeps no trace: its value is never read)."""
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
def potentiate(w, rule, x):
    """weight_one_term_apply_potentiation of the rule's weight dependence, x in s4.11."""
    if rule[R_WEIGHT] == MULTIPLICATIVE:
        scale = mul_s1615(wrap32(rule[R_WMAX] - w), rule[R_AP])
        return wrap32(w + mul_accum_fixed(scale, x))
    return min(wrap32(w + mul_accum_fixed(rule[R_AP], x)), rule[R_WMAX])


@njit(inline="always")
def depress(w, rule, x):
    """weight_one_term_apply_depression of the rule's weight dependence, x in s4.11."""
    if rule[R_WEIGHT] == MULTIPLICATIVE:
        scale = mul_s1615(wrap32(w - rule[R_WMIN]), rule[R_AM])
        return wrap32(w - mul_accum_fixed(scale, x))
    return max(wrap32(w - mul_accum_fixed(rule[R_AM], x)), rule[R_WMIN])


@njit(inline="always")
def final_6x(w, rule, sum_p, sum_m):
    """weight_get_final of 6.x ``weight_additive_one_term_impl.h``: the summed terms applied once, then clamped."""
    w = w + stdp_mul_16x16(sum_p, rule[R_AP]) - stdp_mul_16x16(sum_m, rule[R_AM])
    return min(rule[R_WMAX], max(w, rule[R_WMIN]))


@njit(inline="always")
def _update_synapse(w, rule, lut_p, size_p, lut_m, size_m, d, last_pre, r_last, T, i, h_t, h_o, h_n):
    """plasticity_update_synapse for one synapse onto post neuron i: ``w`` accum bits in, accum bits out (6.x:
    the word in, the word out)."""
    nearest = rule[R_TIMING] == NEAREST
    six = rule[R_ERA] == ERA_6
    sum_p = sum_m = 0
    n = h_n[i]
    begin = last_pre - d if last_pre >= d else 0
    end = T - d if T >= d else 0
    k = n - 1
    while k >= 1 and h_t[i, k] > begin:
        k -= 1
    # post spikes p with begin < p <= end, in time order (timing_apply_post_spike)
    last = k                  # index of the latest post event <= end seen so far (0: the placeholder)
    for m in range(k + 1, n):
        p = h_t[i, m]
        if p > end:
            break
        lag = p + d - last_pre                       # time_since_last_pre
        if lag > 0:
            if nearest:
                x = lut_decay(lag, lut_p, size_p)
                if p + d - h_t[i, last] < lag:       # time_since_last_post: not the first post after the pre
                    x = 0
            else:
                x = stdp_mul_16x16(r_last, lut_decay(lag, lut_p, size_p))
            if six:
                sum_p = wrap32(sum_p + x)
            else:
                w = potentiate(w, rule, x)
        last = m
    lag = T - (h_t[i, last] + d)
    if last >= 1 and (lag > 0 or not six):    # a real post spike exists: depression by the latest one <= end
        if nearest:
            x = lut_decay(lag, lut_m, size_m)
        else:
            x = stdp_mul_16x16(h_o[i, last], lut_decay(lag, lut_m, size_m))
        if six:
            sum_m = wrap32(sum_m + x)
        else:
            w = depress(w, rule, x)
    return final_6x(w, rule, sum_p, sum_m) if six else w


@njit
def deliver_plastic_fixed(j, t, ptr, post, words, delay, rec, rule_of, rules, luts_p, sizes_p, luts_m, sizes_m,
                          shift, row_rules_ptr, row_rules, last_pre, r_pre, h_t, h_o, h_n, buf, sat, pop_of):
    """Presynaptic spike of neuron j at tick t through its plastic row: each synapse is updated from the row's
    previous pre spike and trace of its rule, written back as a uint16 word, and that word is added to the ring
    buffer slot t + d (saturating); then the pre history of each rule of the row advances (timing_add_pre_spike:
    trace * LUT_plus[t - last] >> 11 + 2048)."""
    n_slots = buf.shape[0]
    for s in range(ptr[j], ptr[j + 1]):
        r = rule_of[s]
        i = post[s]
        sh = 0 if rules[r, R_ERA] == ERA_6 else shift[rec[s], i]      # 6.x: the rule works on the word
        w = wrap32(words[s] << sh)
        w = _update_synapse(w, rules[r], luts_p[r], sizes_p[r], luts_m[r], sizes_m[r], delay[s], last_pre[j, r],
                            r_pre[j, r], t, i, h_t, h_o, h_n)
        words[s] = (w >> sh) & 0xFFFF
        slot = (t + delay[s]) % n_slots
        buf[slot, rec[s], i], hit = ring_add(buf[slot, rec[s], i], words[s])
        sat[pop_of[i]] += hit
    for q in range(row_rules_ptr[j], row_rules_ptr[j + 1]):
        r = row_rules[q]
        r_pre[j, r] = wrap16(stdp_mul_16x16(r_pre[j, r], lut_decay(t - last_pre[j, r], luts_p[r], sizes_p[r]))
                             + STDP_FIXED_POINT_ONE)
        last_pre[j, r] = t
