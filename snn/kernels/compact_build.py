"""Building compact synapse tables in numba: blocks of "fixed total number" connections (PyNN's
FixedTotalNumberConnector with replacement, NEST's ``fixed_total_number`` with autapses and multapses) whose
weights and delays are normal distributions redrawn outside [low, high] (NEST's ``nest.math.redraw``).

Every draw is a counter-based uniform ``uniform(stream_key(seed, block), k, index)`` of the block's k-th synapse,
so the two passes (count the rows, then fill them) draw the same synapses without storing them, and the table
does not depend on the order of the work. Streams per synapse: 0 pre, 1 post, 2.. weight redraws, DELAY_STREAM..
delay redraws (two uniforms per normal draw, Box-Muller).

Rows are presynaptic neurons (CSR); inside a row the synapses are sorted by postsynaptic neuron (a counting sort
of each block by post, blocks taken in the order of their post range), which keeps the ring-buffer writes of one
spike in address order and lets a thread find its post range in a row by bisection.
"""
import math

import numpy as np

from ._config import njit
from .rng import stream_key, uniform

DELAY_STREAM = 1 << 20
MAX_REDRAWS = 1000      # then the value is clipped (a redraw beyond 1000 tries needs a bound ~3 sd inside the mass)


@njit(inline="always")
def _index(u, n):
    k = np.int64(u * n)
    return k if k < n else n - 1


@njit
def _normal_redrawn(key, k, stream, mean, sd, low, high):
    """A normal draw of synapse k, redrawn while outside [low, high] (NEST's ``redraw``), clipped after
    MAX_REDRAWS tries."""
    x = mean
    for r in range(MAX_REDRAWS):
        u1 = uniform(key, k, stream + 2 * r)
        u2 = uniform(key, k, stream + 2 * r + 1)
        x = mean + sd * math.sqrt(-2.0 * math.log1p(-u1)) * math.cos(2.0 * math.pi * u2)
        if low <= x <= high:
            return x
    return min(max(x, low), high)


@njit
def count_rows(seed, pre0, n_pre, n_syn, n_rows):
    """Synapses per presynaptic row over every block (pass 1)."""
    counts = np.zeros(n_rows, np.int64)
    for b in range(pre0.shape[0]):
        key = stream_key(seed, b)
        for k in range(n_syn[b]):
            counts[pre0[b] + _index(uniform(key, k, 0), n_pre[b])] += 1
    return counts


@njit
def fill_rows(seed, order, pre0, n_pre, post0, n_post, n_syn, w_par, d_par, dt, ptr, post, w, delay):
    """Pass 2: write every block's synapses into the CSR rows, blocks in ``order`` (ascending post range), each
    block's synapses by ascending post. ``w_par[b] = (mean, sd, low, high)`` of the weight; ``d_par[b]`` the
    same for the delay in ms, rounded to whole steps (at least one). Returns the largest delay in steps, or -1
    when a delay exceeds what ``delay``'s integer type holds."""
    fill = ptr[:-1].copy()
    d_cap = np.iinfo(delay.dtype).max
    d_max = 0
    for ob in range(order.shape[0]):
        b = order[ob]
        key = stream_key(seed, b)
        m = n_syn[b]
        np_ = n_post[b]
        posts = np.empty(m, np.int32)
        start = np.zeros(np_ + 1, np.int64)
        for k in range(m):
            p = _index(uniform(key, k, 1), np_)
            posts[k] = p
            start[p + 1] += 1
        for p in range(np_):
            start[p + 1] += start[p]
        by_post = np.empty(m, np.int64)       # synapse ids of the block, by ascending post (then k)
        for k in range(m):
            by_post[start[posts[k]]] = k
            start[posts[k]] += 1
        for q in range(m):
            k = by_post[q]
            row = pre0[b] + _index(uniform(key, k, 0), n_pre[b])
            s = fill[row]
            fill[row] += 1
            post[s] = post0[b] + posts[k]
            w[s] = _normal_redrawn(key, k, 2, w_par[b, 0], w_par[b, 1], w_par[b, 2], w_par[b, 3])
            d_ms = _normal_redrawn(key, k, DELAY_STREAM, d_par[b, 0], d_par[b, 1], d_par[b, 2], d_par[b, 3])
            d = max(1, np.int64(math.floor(d_ms / dt + 0.5)))
            if d > d_cap:
                return -1
            delay[s] = d
            d_max = max(d_max, d)
    return d_max


@njit
def group_by_delay(ptr, post, w, delay, d_max):
    """Reorder every row by delay (stable: by post inside one delay) and return ``dptr`` (n, d_max + 1): the
    synapses of row j with delay d steps are ``dptr[j, d - 1]:dptr[j, d]`` (so ``dptr[j, 0] = ptr[j]`` and
    ``dptr[j, d_max] = ptr[j + 1]``). Delivery then walks one delay group per pending spike and step."""
    n = ptr.shape[0] - 1
    dptr = np.empty((n, d_max + 1), np.int64)
    for j in range(n):
        a, b = ptr[j], ptr[j + 1]
        cnt = np.zeros(d_max + 1, np.int64)
        for s in range(a, b):
            cnt[delay[s]] += 1
        dptr[j, 0] = a
        for d in range(1, d_max + 1):
            dptr[j, d] = dptr[j, d - 1] + cnt[d]
        if b - a < 2:
            continue
        pos = dptr[j, :].copy()
        tmp_p = post[a:b].copy()
        tmp_w = w[a:b].copy()
        tmp_d = delay[a:b].copy()
        for q in range(b - a):
            s = pos[tmp_d[q] - 1]
            pos[tmp_d[q] - 1] += 1
            post[s] = tmp_p[q]
            w[s] = tmp_w[q]
            delay[s] = tmp_d[q]
    return dptr
