"""sPyNNaker-exact pair STDP (7-era semantics, specs/ca3_cam.md 3.2): deferred, evaluated at presynaptic spikes.

Per neuron we keep the post-spike history (times and post traces, ``hist`` entries of which entry 0 is the
t = 0 placeholder) and the last presynaptic spike with its trace. Rule table columns: see ``RULE_COLUMNS``.
"""
import math

from ._config import njit
from .short_term import released, tsodyks_fraction

RULE_COLUMNS = ("tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max", "kind", "mu_plus", "mu_minus")
_TP, _TM, _AP, _AM, _WMIN, _WMAX, _KIND, _MUP, _MUM = range(9)
# kind 0: sPyNNaker's rule (SpikePairSTDP); kind 1: NEST's stdp_synapse (NestPairSTDP, snn/plasticity.py);
# kind 2: NEST's tsodyks_synapse, kind 3: NEST's bernoulli_synapse (snn/short_term.py; weights stay fixed)
KIND_TSODYKS, KIND_RELEASE = 2.0, 3.0


@njit
def record_post(i, t, rules_tau_minus, h_t, h_o, h_n):
    """Append post spike (i, t) with its all-to-all trace o(t) = o(prev) e^(-(t - prev)/tau_minus) + 1.
    When the history is full the oldest real spike (entry 1) is dropped; entry 0 stays the placeholder."""
    n = h_n[i]
    cap = h_t.shape[1]
    prev_o = 0.0
    if n > 1:
        prev_o = h_o[i, n - 1] * math.exp(-(t - h_t[i, n - 1]) / rules_tau_minus)
    if n == cap:
        for k in range(1, cap - 1):
            h_t[i, k] = h_t[i, k + 1]
            h_o[i, k] = h_o[i, k + 1]
        n = cap - 1
    h_t[i, n] = t
    h_o[i, n] = prev_o + 1.0
    h_n[i] = n + 1


@njit
def update_at_pre(w, rule, delay, last_pre, r_last, T, i, h_t, h_o, h_n):
    """New weight of one plastic synapse onto post neuron i when its presynaptic neuron spikes at T.

    ``last_pre`` (L) and ``r_last`` (r(L)) describe the previous presynaptic spike (L = 0, r = 0 if none)."""
    if rule[_KIND] == 1.0:
        return _update_nest(w, rule, delay, last_pre, r_last, T, i, h_t, h_o, h_n)
    n = h_n[i]
    lo, hi = last_pre - delay, T - delay
    # The history (entries 1 .. n-1) is in increasing time order: scan back from the newest entry to the window
    # (L - d, T - d] instead of over all entries (usually 0-3 of them lie in the window).
    k = n - 1
    while k >= 1 and h_t[i, k] > lo:
        k -= 1
    # 1. potentiation by every post spike p with L - d < p <= T - d, in time order
    for m in range(k + 1, n):
        p = h_t[i, m]
        if p > hi:
            break
        dt = p + delay - last_pre
        if dt > 0:
            w = min(w + rule[_AP] * r_last * math.exp(-dt / rule[_TP]), rule[_WMAX])
    # 2. depression by the latest real post spike q <= T - d (a lag of 0 is allowed)
    k = n - 1
    while k >= 1 and h_t[i, k] > hi:
        k -= 1
    if k >= 1:
        dt = T - (h_t[i, k] + delay)
        w = max(w - rule[_AM] * h_o[i, k] * math.exp(-dt / rule[_TM]), rule[_WMIN])
    return w


@njit
def _update_nest(w, rule, delay, last_pre, r_last, T, i, h_t, h_o, h_n):
    """NEST's stdp_synapse::send (models/stdp_synapse.h): facilitation by each post spike in (L - d, T - d]
    with K+ of the previous pre spike, then depression by K- of the post spikes strictly before T - d."""
    n = h_n[i]
    lo, hi = last_pre - delay, T - delay
    w_max, w_min = rule[_WMAX], rule[_WMIN]
    k = n - 1
    while k >= 1 and h_t[i, k] > lo:
        k -= 1
    for m in range(k + 1, n):
        p = h_t[i, m]
        if p > hi:
            break
        x = w / w_max + rule[_AP] * (1.0 - w / w_max) ** rule[_MUP] * r_last * math.exp(-(p + delay - last_pre)
                                                                                       / rule[_TP])
        w = min(x * w_max, w_max)
    k = n - 1
    while k >= 1 and h_t[i, k] >= hi:
        k -= 1
    if k >= 1:
        k_minus = h_o[i, k] * math.exp(-(hi - h_t[i, k]) / rule[_TM])
        x = w / w_max - rule[_AM] * (w / w_max) ** rule[_MUM] * k_minus
        w = max(x * w_max, w_min)
    return w


@njit
def deliver_plastic(j, t, ptr, post, w, delay, rec, rule_of, rules, last_pre, r_pre, h_t, h_o, h_n, p_state, key,
                    buf):
    """Presynaptic spike of neuron j at step t: update each plastic synapse of its row, transmit the updated
    weight, then advance j's presynaptic trace r(t) = r(L) e^(-(t - L)/tau_plus) + 1. Short-term synapses
    (kinds 2, 3: snn/kernels/short_term.py) keep their weight and transmit a part of it."""
    n_slots = buf.shape[0]
    L = last_pre[j]
    r_last = r_pre[j]
    tau_plus = 0.0
    for s in range(ptr[j], ptr[j + 1]):
        rule = rules[rule_of[s]]
        slot = (t + delay[s]) % n_slots
        if rule[_KIND] < KIND_TSODYKS:          # STDP: the weight changes, all of it is transmitted
            tau_plus = rule[_TP]
            w[s] = update_at_pre(w[s], rule, delay[s], L, r_last, t, post[s], h_t, h_o, h_n)
            buf[slot, rec[s], post[s]] += w[s]
        elif rule[_KIND] == KIND_TSODYKS:
            # NEST's spike stamp: the end of step t (the 'exact' schedule, the only one that runs it)
            buf[slot, rec[s], post[s]] += w[s] * tsodyks_fraction(p_state[s], rule, t + 1.0)
        elif released(key, t, s, rule[0]):
            buf[slot, rec[s], post[s]] += w[s]
    if tau_plus > 0.0:
        r_pre[j] = r_last * math.exp(-(t - L) / tau_plus) + 1.0
        last_pre[j] = t
