"""``compact_run.run_compact`` with the work of one step split over threads (numba ``prange`` over thread ranks).

Thread k owns the neurons [bounds[k], bounds[k + 1]): it delivers, inside every pending delay group, only the
synapses whose post it owns (groups are sorted by post, so its part is found by bisection), draws the background
of its neurons and updates them. No two threads write the same input or state, and every neuron's input sums in
the serial order (delay group by delay group, spike order, row order), so the spikes are bit-identical whatever
the number of threads. The spiking neurons are then collected by the calling thread, in index order.

One parallel region per step: worth it when a step holds much more work than a thread start-up (tens of
microseconds): the microcircuit at scale >= 0.1, not a 4000-neuron network.
"""
import numpy as np
from numba import prange

from ._config import njit
from .compact_run import collect_fired, poisson_background
from .neurons import if_curr_exp_exact


@njit(inline="always")
def _deliver_range(lo, hi, post, w, target, p_lo, p_hi):
    """The synapses of group [lo, hi) (sorted by post) whose post lies in [p_lo, p_hi)."""
    a = lo + np.searchsorted(post[lo:hi], p_lo)
    b = lo + np.searchsorted(post[lo:hi], p_hi)
    for s in range(a, b):
        target[post[s]] += w[s]


@njit(parallel=True)
def run_compact_threads(pop_start, pop_uniform, coefs, v, n_steps, dptr, post, w, row_rec, record, counts, out_t,
                        out_i, bg_key, bg_cdf, bg_w, bg_delay, bounds):
    """``run_compact`` (same arguments, same results) over ``bounds.size - 1`` threads; ``bounds``: the first
    neuron of each thread's range, then n."""
    n = v.shape[0]
    d_max = dptr.shape[1] - 1
    ftype = v.dtype
    syn = np.zeros((2, n), ftype)           # i_e, i_i (the cell type's synapse_state rows)
    refr = np.zeros(n, np.int32)
    inp = np.zeros((2, n), ftype)
    fired_words = np.zeros((n + 7) // 8, np.uint64)
    fired = fired_words.view(np.bool_)
    ring = d_max + 1
    pending = np.empty((ring, n), np.int32)
    n_pending = np.zeros(ring, np.int64)
    cap = out_t.shape[0]
    n_rec = 0
    n_pop = pop_start.shape[0] - 1
    n_threads = bounds.shape[0] - 1
    for t in range(n_steps):
        for k in prange(n_threads):
            p_lo, p_hi = bounds[k], bounds[k + 1]
            for d in range(d_max, 0, -1):
                ts = t - d
                if ts < 0:
                    continue
                r = ts % ring
                for q in range(n_pending[r]):
                    j = pending[r, q]
                    _deliver_range(dptr[j, d - 1], dptr[j, d], post, w, inp[row_rec[j]], p_lo, p_hi)
            tb = t - bg_delay
            for p in range(n_pop):
                a, b = max(pop_start[p], p_lo), min(pop_start[p + 1], p_hi)
                if a >= b:
                    continue
                if tb >= 0 and bg_w[p] != 0.0:
                    poisson_background(tb, bg_key, a, b, bg_cdf[p], bg_w[p], inp[0])
                if_curr_exp_exact(a, b, coefs, pop_uniform[p], v, syn, refr, inp[0], inp[1], fired)
        r = t % ring
        n_pending[r], n_rec = collect_fired(t, fired_words, fired, pending[r], counts, record, out_t, out_i, n_rec,
                                            cap)
    return n_rec
