"""One sample of a network with compact synapse tables (``snn/compact.py``): IF_curr_exp populations in the
'exact' schedule (NEST iaf_psc_exp order, ``neurons.if_curr_exp_exact``), static synapses stored as an int32 post
index and a float32 weight, each row grouped by delay (``dptr``), the receptor once per row.

No delay ring buffer: a spike stays in the list of its step for d_max steps, and at step t the group of delay
t - t_spike of every pending spike is delivered into this step's input ``inp[receptor, post]`` (brian2's spike
queue in reverse: the queue holds spikes, not synapses). The writes then land in 2 x n floats, which stay in
cache, instead of a (slots x 2 x n) ring that does not (the microcircuit: 1.2 MB against 75 MB).

Per step t: (1) arrivals: for d = d_max..1, every spike of step t - d in spiking order, its delay-d group in row
order (so every input sums in the order of the engine's ring buffer: spike step, spike order, row order);
(2) the Poisson background drawn for step t - bg_delay; (3) the neurons read and clear ``inp``, update,
threshold and reset; (4) the spiking neurons are collected, counted, stamped and kept as step t's list.
"""
import math

import numpy as np

from ._config import njit
from .fired import take_fired
from .neurons import if_curr_exp_exact
from .rng import _GOLDEN, _INV53, _M1, _M2, _S11, mix64

CELL_TYPE = "IF_curr_exp"       # the one cell type these kernels update (neurons.if_curr_exp_exact)


@njit
def poisson_background(t, key, a, b, cdf, weight, target):
    """Excitatory background of neurons [a, b): a Poisson count of independent input spikes per neuron, times
    ``weight``, into ``target``. ``cdf[k] = P(count <= k)`` up to where it reaches 1 in float64 (``poisson_cdf``);
    the count is the number of entries a uniform exceeds (inverse transform without branches, so the loop
    vectorises). The uniform of neuron i at draw step t is ``mix64(mix64(key ^ mix64(t M1 + M2)) + i G)``: one
    mix per draw, a pure function of (key, t, i)."""
    kt = mix64(key ^ mix64(np.uint64(t) * _M1 + _M2))
    m = cdf.shape[0]
    for i in range(a, b):
        u = np.float64(mix64(kt + np.uint64(i) * _GOLDEN) >> _S11) * _INV53
        c = 0
        for k in range(m):
            c += u > cdf[k]
        target[i] += c * weight


def poisson_cdf(lam):
    """P(count <= k) of Poisson(lam) for k = 0, 1, ... until the tail beyond is below 1e-17 (a uniform's
    resolution; the sum itself may stall a few ulps under 1)."""
    out, p, f, k = [], math.exp(-lam), 0.0, 0
    while True:
        f += p
        out.append(min(f, 1.0))
        if f >= 1.0 or (k > lam and p * (k + 1) / (k + 1 - lam) < 1e-17) or k > 10000:
            return np.array(out)
        k += 1
        p *= lam / k


@njit(inline="always")
def deliver_group(lo, hi, post, w, target):
    for s in range(lo, hi):
        target[post[s]] += w[s]


@njit
def run_compact(pop_start, pop_uniform, coefs, v, n_steps, dptr, post, w, row_rec, record, counts, out_t, out_i,
                bg_key, bg_cdf, bg_w, bg_delay):
    """Advance ``v`` (in place) by ``n_steps``; spike counts per neuron into ``counts``; the spikes of recorded
    neurons as (step, neuron) into ``out_t``/``out_i`` up to their length. ``bg_cdf[p]``, ``bg_w[p]``: Poisson
    background of population p (count distribution per step, padded with 1.0; weight), arriving ``bg_delay``
    steps after its draw (none where ``bg_w[p]`` is 0).
    Returns the number of recorded spikes (more than the arrays hold when they overflowed)."""
    n = v.shape[0]
    d_max = dptr.shape[1] - 1
    ftype = v.dtype
    syn = np.zeros((2, n), ftype)           # i_e, i_i (the cell type's synapse_state rows)
    refr = np.zeros(n, np.int32)
    inp = np.zeros((2, n), ftype)
    fired_words = np.zeros((n + 7) // 8, np.uint64)
    fired = fired_words.view(np.bool_)
    ring = d_max + 1
    pending = np.empty((ring, n), np.int32)          # spikes of the last d_max steps, one list per step
    n_pending = np.zeros(ring, np.int64)
    n_rec = 0
    n_pop = pop_start.shape[0] - 1
    for t in range(n_steps):
        for d in range(d_max, 0, -1):
            ts = t - d
            if ts < 0:
                continue
            r = ts % ring
            for q in range(n_pending[r]):
                j = pending[r, q]
                deliver_group(dptr[j, d - 1], dptr[j, d], post, w, inp[row_rec[j]])
        for p in range(n_pop):
            update_population(p, pop_start[p], pop_start[p + 1], t - bg_delay, bg_key, bg_cdf, bg_w, pop_uniform,
                              coefs, v, syn, refr, inp, fired)
        r = t % ring
        n_pending[r] = collect_range(fired_words, fired, 0, n, pending[r], counts)
        n_rec = record_spikes(t, pending[r], n_pending[r], record, out_t, out_i, n_rec)
    return n_rec


@njit(inline="always")
def update_population(p, a, b, tb, bg_key, bg_cdf, bg_w, pop_uniform, coefs, v, syn, refr, inp, fired):
    """Neurons [a, b) of population p: the background drawn at step tb (none before step 0), then the update."""
    if tb >= 0 and bg_w[p] != 0.0:
        poisson_background(tb, bg_key, a, b, bg_cdf[p], bg_w[p], inp[0])
    if_curr_exp_exact(a, b, coefs, pop_uniform[p], v, syn, refr, inp[0], inp[1], fired)


@njit(inline="always")
def collect_range(fired_words, fired, lo, hi, out, counts):
    """The flags of neurons [lo, hi) (lo a multiple of 8; ``fired.take_fired``: cleared), listed in index order into
    ``out`` and counted; returns how many fired."""
    k0, k1 = lo // 8, (hi + 7) // 8
    n_sp = take_fired(fired_words[k0:k1], fired[8 * k0:8 * k1], out)
    for s in range(n_sp):
        out[s] += 8 * k0
        counts[out[s]] += 1
    return n_sp


@njit(inline="always")
def record_spikes(t, spikes, n_sp, record, out_t, out_i, n_rec):
    """The recorded ones of ``spikes[:n_sp]`` stamped with step t, up to the arrays' length; returns the count
    so far (more than the arrays hold when they overflowed)."""
    for q in range(n_sp):
        j = spikes[q]
        if record[j]:
            if n_rec < out_t.shape[0]:
                out_t[n_rec] = t
                out_i[n_rec] = j
            n_rec += 1
    return n_rec
