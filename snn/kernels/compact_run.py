"""One sample of a network with compact synapse tables (``snn/compact.py``): IF_curr_exp populations in the
'exact' schedule (NEST iaf_psc_exp order, ``neurons.if_curr_exp_exact``) and static synapses stored as int32 post,
float32 weight and a small-integer delay per synapse, the receptor per presynaptic row.

Per step t: the neurons take slot t of the ring buffer ``buf[slot, receptor, post]`` (and clear it), update,
threshold and reset; the spiking neurons are collected, counted and (if recorded) stamped; each spike's row is
delivered into slot t + delay. The order is the engine's 'exact' schedule (``kernels/schedules.py``), so a network
that both paths can hold gives the same spikes.
"""
import numpy as np

from ._config import njit
from .neurons import if_curr_exp_exact
from .rng import uniform


@njit(inline="always")
def deliver_row(j, t_slot, n_slots, ptr, post, w, delay, row_rec, buf):
    target = buf[:, row_rec[j]]
    for s in range(ptr[j], ptr[j + 1]):
        slot = t_slot + delay[s]
        if slot >= n_slots:
            slot -= n_slots
        target[slot, post[s]] += w[s]


@njit(inline="always")
def _poisson(u, lam, p0):
    """Poisson(lam) count from one uniform u (inverse transform; p0 = exp(-lam))."""
    k = 0
    p = p0
    f = p0
    while u > f and k < 1000:
        k += 1
        p *= lam / k
        f += p
    return k


@njit
def poisson_background(t, key, a, b, lam, p0, weight, slot, buf):
    """Excitatory background of neurons [a, b): a Poisson count of independent input spikes per neuron and step
    (``lam`` per step, one uniform ``uniform(key, t, i)`` each), times ``weight``, into ring slot ``slot``."""
    target = buf[slot, 0]
    for i in range(a, b):
        c = _poisson(uniform(key, t, i), lam, p0)
        if c:
            target[i] += c * weight


@njit
def run_compact(pop_start, pop_uniform, coefs, v, n_steps, n_slots, ptr, post, w, delay, row_rec, record,
                counts, out_t, out_i, bg_key, bg_lam, bg_w, bg_delay):
    """Advance ``v`` (in place) by ``n_steps``; spike counts per neuron into ``counts``; the spikes of recorded
    neurons as (step, neuron) into ``out_t``/``out_i`` up to their length. ``bg_lam[p]``, ``bg_w[p]``: Poisson
    background of population p (mean count per step, weight), arriving ``bg_delay`` steps after its draw.
    Returns the number of recorded spikes (more than the arrays hold when they overflowed)."""
    n = v.shape[0]
    ftype = v.dtype
    i_e = np.zeros(n, ftype)
    i_i = np.zeros(n, ftype)
    refr = np.zeros(n, np.int32)
    buf = np.zeros((n_slots, 2, n), ftype)
    fired_words = np.zeros((n + 7) // 8, np.uint64)
    fired = fired_words.view(np.bool_)
    spiking = np.empty(n, np.int64)
    cap = out_t.shape[0]
    n_rec = 0
    n_pop = pop_start.shape[0] - 1
    bg_p0 = np.exp(-bg_lam)
    for t in range(n_steps):
        slot = t % n_slots
        in_e = buf[slot, 0]
        in_i = buf[slot, 1]
        for p in range(pop_start.shape[0] - 1):
            if_curr_exp_exact(pop_start[p], pop_start[p + 1], coefs, pop_uniform[p], v, i_e, i_i, refr, in_e, in_i,
                              fired)
        bg_slot = slot + bg_delay
        if bg_slot >= n_slots:
            bg_slot -= n_slots
        for p in range(n_pop):
            if bg_lam[p] > 0.0:
                poisson_background(t, bg_key, pop_start[p], pop_start[p + 1], bg_lam[p], bg_p0[p], bg_w[p],
                                   bg_slot, buf)
        n_sp = 0
        for k in range(fired_words.shape[0]):
            if fired_words[k] != 0:
                for i in range(8 * k, min(8 * k + 8, n)):
                    if fired[i]:
                        fired[i] = False
                        spiking[n_sp] = i
                        n_sp += 1
        for s in range(n_sp):
            j = spiking[s]
            counts[j] += 1
            if record[j]:
                if n_rec < cap:
                    out_t[n_rec] = t
                    out_i[n_rec] = j
                n_rec += 1
            deliver_row(j, slot, n_slots, ptr, post, w, delay, row_rec, buf)
    return n_rec
