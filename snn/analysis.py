"""Network analysis on spike rasters: branching factor (the NALSM definition), firing rates.

Rasters are (times, ids) pairs: spike times as integer time steps and neuron ids in [0, n). Adjacency is given
as (pre, post) index arrays of the synapses among those n neurons.
"""
import numpy as np
from scipy import sparse

from .errors import SpecError


def _adjacency(pre, post, n):
    pre, post = np.asarray(pre, np.int64), np.asarray(post, np.int64)
    if pre.shape != post.shape or (pre.size and (min(pre.min(), post.min()) < 0 or max(pre.max(), post.max()) >= n)):
        raise SpecError(f"adjacency (pre, post) must be equal-length index arrays in [0, {n})")
    a = sparse.coo_matrix((np.ones(pre.size), (post, pre)), shape=(n, n)).tocsr()
    a.data[:] = 1.0                    # a set of synapses: duplicate pairs count once
    return a                           # a[i, j] = 1 iff j -> i


def branching_factor(times, ids, n, pre, post, t_start=25, t_stop=225, window=4):
    """Branching factor of one raster as the NALSM code measures it (specs/nalsm.md 3.4).

    Only spikes with t_start <= t < t_stop count. For each spike of neuron k at t in [t_start + window,
    t_stop - window): ancestors = spikes of k's presynaptic neurons in [t - window, t) (at least 1),
    descendants = spikes of k's postsynaptic neurons in [t + 1, t + 1 + window); ratio = descendants /
    ancestors. Average the ratios per neuron, then over the neurons that have such spikes. NaN if none has.
    """
    times, ids = np.asarray(times, np.int64), np.asarray(ids, np.int64)
    if times.shape != ids.shape:
        raise SpecError("times and ids must have the same length")
    a = _adjacency(pre, post, n)
    keep = (times >= t_start) & (times < t_stop)
    t, k = times[keep] - t_start, ids[keep]
    T = t_stop - t_start
    raster = sparse.coo_matrix((np.ones(t.size), (k, t)), shape=(n, T)).toarray()
    c = np.concatenate([np.zeros((n, 1)), np.cumsum(raster, axis=1)], axis=1)   # c[:, u] = spikes in [0, u)
    u = np.arange(T)
    before = c[:, u] - c[:, np.maximum(u - window, 0)]                          # [u - window, u)
    hi = np.minimum(u + 1 + window, T)
    after = c[:, hi] - c[:, np.minimum(u + 1, T)]                              # [u + 1, u + 1 + window)
    anc = a @ before                   # per (neuron, step): spikes of its presynaptic neurons before
    desc = a.T @ after                 # spikes of its postsynaptic targets after
    sel = (t >= window) & (t < T - window)
    ts, ks = t[sel], k[sel]
    ratio = desc[ks, ts] / np.maximum(anc[ks, ts], 1.0)
    if ratio.size == 0:
        return float("nan")
    per_neuron = np.bincount(ks, ratio, n)[np.unique(ks)] / np.bincount(ks, minlength=n)[np.unique(ks)]
    return float(per_neuron.mean())


def mean_branching_factor(rasters, n, pre, post, **kw):
    """Mean of :func:`branching_factor` over samples, each a (times, ids) pair (NaN samples skipped)."""
    vals = [branching_factor(t, i, n, pre, post, **kw) for t, i in rasters]
    vals = [v for v in vals if v == v]
    return float(np.mean(vals)) if vals else float("nan")


def firing_rates(counts, duration_ms):
    """Spike counts (..., n) over ``duration_ms`` -> rates in Hz."""
    return np.asarray(counts, float) * (1000.0 / float(duration_ms))
