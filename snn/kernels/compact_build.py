"""Building compact synapse tables in numba: blocks of "fixed total number" connections (PyNN's
FixedTotalNumberConnector with replacement, NEST's ``fixed_total_number`` with autapses and multapses) whose
weights and delays are normal distributions redrawn outside [low, high] (NEST's ``nest.math.redraw``).

Every draw is a counter-based uniform ``uniform(stream_key(seed, block), k, index)`` of the block's k-th synapse,
so the two passes (count the rows, then fill them) draw the same synapses without storing them, and the table
does not depend on the order of the work. Streams per synapse: 0 pre, 1 post, 2-3 one Box-Muller pair (weight,
delay), 4.. weight redraws, DELAY_STREAM.. delay redraws (two uniforms per normal draw).

Rows are presynaptic neurons (CSR); inside a row the synapses are sorted by postsynaptic neuron (a counting sort
of each block by post, then by row, blocks taken in the order of their post range, so a block's part of a row is
written in one sequential run instead of one scattered write per synapse), which lets a thread find its post
range by bisection; ``group_by_delay`` then groups each row by delay, keeping the post order inside a group.
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


@njit(inline="always")
def _standard_pair(key, k, stream):
    """Two independent standard normals from one Box-Muller draw of synapse k (uniforms ``stream``, +1)."""
    u1 = uniform(key, k, stream)
    u2 = uniform(key, k, stream + 1)
    rad = math.sqrt(-2.0 * math.log1p(-u1))
    return rad * math.cos(2.0 * math.pi * u2), rad * math.sin(2.0 * math.pi * u2)


@njit(inline="always")
def _weight_and_delay(key, k, wp, dp):
    """Weight and delay (ms) of synapse k: the first try of both from one Box-Muller pair, the redraws (rare: a
    bound 2 sd from the mean) from their own streams."""
    z_w, z_d = _standard_pair(key, k, 0 + 2)
    w = wp[0] + wp[1] * z_w
    if not wp[2] <= w <= wp[3]:
        w = _normal_redrawn(key, k, 4, wp[0], wp[1], wp[2], wp[3])
    d = dp[0] + dp[1] * z_d
    if not dp[2] <= d <= dp[3]:
        d = _normal_redrawn(key, k, DELAY_STREAM, dp[0], dp[1], dp[2], dp[3])
    return w, d


@njit
def fill_rows(seed, order, pre0, n_pre, post0, n_post, n_syn, w_par, d_par, dt, ptr, post, w, delay):
    """Pass 2: write every block's synapses into the CSR rows, blocks in ``order`` (ascending post range), each
    block's part of a row by ascending post. ``w_par[b] = (mean, sd, low, high)`` of the weight; ``d_par[b]`` the
    same for the delay in ms, rounded to whole steps (at least one). Returns the largest delay in steps, or -1
    when a delay exceeds what ``delay``'s integer type holds.

    Per block: the synapses are drawn again (counter-based, so the same ones), scattered by post, then by row
    (two counting sorts that carry the values, so every pass reads sequentially), and each row's run is written
    in one sweep."""
    fill = ptr[:-1].copy()
    d_cap = np.iinfo(delay.dtype).max
    d_max = 0
    for ob in range(order.shape[0]):
        b = order[ob]
        key = stream_key(seed, b)
        m = n_syn[b]
        np_, nr = n_post[b], n_pre[b]
        at = np.zeros(np_ + 1, np.int64)
        for k in range(m):
            at[_index(uniform(key, k, 1), np_) + 1] += 1
        for p in range(np_):
            at[p + 1] += at[p]
        a_post = np.empty(m, np.int32)
        a_row = np.empty(m, np.int32)
        a_k = np.empty(m, np.int64)
        for k in range(m):                      # by post (then k)
            p = _index(uniform(key, k, 1), np_)
            q = at[p]
            at[p] += 1
            a_post[q] = p
            a_row[q] = _index(uniform(key, k, 0), nr)
            a_k[q] = k
        row_at = np.zeros(nr + 1, np.int64)
        for q in range(m):
            row_at[a_row[q] + 1] += 1
        for r in range(nr):
            row_at[r + 1] += row_at[r]
        seg = row_at.copy()
        b_post = np.empty(m, np.int32)
        b_k = np.empty(m, np.int64)
        for q in range(m):                      # then stably by row
            x = seg[a_row[q]]
            seg[a_row[q]] += 1
            b_post[x] = a_post[q]
            b_k[x] = a_k[q]
        for r in range(nr):
            row = pre0[b] + r
            s = fill[row]
            for x in range(row_at[r], row_at[r + 1]):
                k = b_k[x]
                post[s] = post0[b] + b_post[x]
                wk, d_ms = _weight_and_delay(key, k, w_par[b], d_par[b])
                w[s] = wk
                d = max(1, np.int64(math.floor(d_ms / dt + 0.5)))
                if d > d_cap:
                    return -1
                delay[s] = d
                d_max = max(d_max, d)
                s += 1
            fill[row] = s
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
