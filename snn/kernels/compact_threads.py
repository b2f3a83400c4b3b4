"""``compact_run.run_compact`` on K persistent threads (``snn/threads.py``): each thread runs the whole time loop over
its own neurons [bounds[rank], bounds[rank + 1]) and the threads meet at a spin barrier once a step.

Per step t, thread ``rank``: delivers, inside every pending delay group, only the synapses whose post it owns
(groups are sorted by post, so its part is found by bisection), draws the background of its neurons, updates them
and lists its spiking neurons in index order (``pending[t % ring, rank]``); then the barrier; then thread 0 records
step t's spikes. Step t's spikes are every thread's list in rank order: index order, as in ``run_compact``. No two
threads write the same input or state, and every neuron's input sums in the serial order (delay group by delay
group, spike order, row order), so the spikes are bit-identical whatever the number of threads. A thread writes
the list of step t only after the barrier of step t - 1, when no thread reads step t - ring any more (ring =
d_max + 1), so the lists need no second buffer.

This replaced numba ``prange`` over the thread ranks, one parallel region per step: in one invocation on the loaded
2-core machine (scale 0.1, full in-degrees, 200 ms) it took 1.51 s wall and 0.48 CPU s where the region per step
took 1.67 s and 0.57 CPU s (one thread: 0.66 s, 0.23 CPU s), with the same spikes.
"""
from collections import namedtuple

import numpy as np

from ._config import njit
from .compact_run import collect_range, record_spikes, update_population
from .spin_barrier import barrier

# The shared arrays of the threads: neuron bounds (multiples of 64), the synaptic state, refractory counters, this
# step's input, the fired flags (as uint64 words), the spike lists of the last d_max + 1 steps per thread
# (``pending[step % ring, rank]``, lengths ``n_pending[step % ring, rank, 0]``: a cache line per thread), the
# recorded-spike count (written by thread 0 at the end) and the barrier's words.
CompactTeam = namedtuple("CompactTeam", "bounds syn refr inp fired_words pending n_pending n_rec sync")


@njit(inline="always")
def _deliver_range(lo, hi, post, w, target, p_lo, p_hi):
    """The synapses of group [lo, hi) (sorted by post) whose post lies in [p_lo, p_hi)."""
    a = lo + np.searchsorted(post[lo:hi], p_lo)
    b = lo + np.searchsorted(post[lo:hi], p_hi)
    for s in range(a, b):
        target[post[s]] += w[s]


@njit
def run_compact_part(pop_start, pop_uniform, coefs, v, n_steps, dptr, post, w, row_rec, record, counts, out_t,
                     out_i, bg_key, bg_cdf, bg_w, bg_delay, rank, team):
    """Thread ``rank``'s part of ``run_compact`` (same arguments, then the rank and the ``CompactTeam``)."""
    d_max = dptr.shape[1] - 1
    ring = d_max + 1
    k_threads = team.bounds.shape[0] - 1
    lo, hi = team.bounds[rank], team.bounds[rank + 1]
    inp, fired_words = team.inp, team.fired_words
    fired = fired_words.view(np.bool_)
    n_rec = 0
    gen = 0
    for t in range(n_steps):
        for d in range(d_max, 0, -1):
            ts = t - d
            if ts < 0:
                continue
            r = ts % ring
            for m in range(k_threads):
                for q in range(team.n_pending[r, m, 0]):
                    j = team.pending[r, m, q]
                    _deliver_range(dptr[j, d - 1], dptr[j, d], post, w, inp[row_rec[j]], lo, hi)
        for p in range(pop_start.shape[0] - 1):
            a, b = max(pop_start[p], lo), min(pop_start[p + 1], hi)
            if a < b:
                update_population(p, a, b, t - bg_delay, bg_key, bg_cdf, bg_w, pop_uniform, coefs, v, team.syn,
                                  team.refr, inp, fired)
        r = t % ring
        team.n_pending[r, rank, 0] = collect_range(fired_words, fired, lo, hi, team.pending[r, rank], counts)
        gen = barrier(team.sync, k_threads, gen)
        if gen < 0:
            return
        if rank == 0:
            for m in range(k_threads):
                n_rec = record_spikes(t, team.pending[r, m], team.n_pending[r, m, 0], record, out_t, out_i, n_rec)
    if rank == 0:
        team.n_rec[0] = n_rec
