"""Network analysis on spike rasters: branching factor (the NALSM definition), neuronal avalanches, firing rates,
and the astrocyte signal of a NALSM run reconstructed from its spikes.

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


def avalanches(times, n_steps, bin=1):
    """Neuronal avalanches of one raster: the population's spikes are counted in consecutive bins of ``bin``
    time steps over [0, n_steps); an avalanche is a maximal run of non-empty bins between empty ones (a run
    touching the start or the end of the recording counts as it is). Returns (sizes, durations): spikes per
    avalanche and its length in bins, in time order. ``times``: spike times as integer time steps."""
    times = np.asarray(times, np.int64).ravel()
    if isinstance(bin, bool) or int(bin) != bin or bin < 1:
        raise SpecError(f"bin={bin!r} must be a whole number of time steps >= 1")
    if isinstance(n_steps, bool) or int(n_steps) != n_steps or n_steps < 1:
        raise SpecError(f"n_steps={n_steps!r} must be a positive whole number of time steps")
    bin, n_steps = int(bin), int(n_steps)
    if times.size and (times.min() < 0 or times.max() >= n_steps):
        raise SpecError(f"spike times must lie in [0, n_steps={n_steps}); got [{times.min()}, {times.max()}]")
    n_bins = -(-n_steps // bin)
    counts = np.bincount(times // bin, minlength=n_bins)
    edges = np.diff(np.r_[0, (counts > 0).astype(np.int8), 0])
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    cum = np.r_[0, np.cumsum(counts)]
    return (cum[stops] - cum[starts]).astype(np.int64), (stops - starts).astype(np.int64)


def astrocyte_signal(result, sample=0):
    """The astrocyte's depression rate A after every step of one sample of a 'nalsm'-schedule run, rebuilt from
    the recorded spikes of the populations it listens to (``Astrocyte.trajectory``; A depends on the spike
    counts alone). Those populations must have been recorded; ``density`` < 1 (a random subset) is not
    supported here. Returns (times in ms, A)."""
    from .plasticity import Astrocyte
    net = result.net
    mods = [m for m in net.modulators if isinstance(m, Astrocyte)]
    if not mods:
        raise SpecError("the network has no Astrocyte modulator")
    mod = mods[0]
    if mod.density < 1.0:
        raise SpecError(f"astrocyte_signal needs density=1 (every neuron listened to); got {mod.density}")

    def per_step(labels):
        n = np.zeros(result.n_steps, np.int64)
        for label in labels:
            t, _ = result.spikes(label, sample)
            n += np.bincount(np.round(t / net.dt).astype(np.int64), minlength=result.n_steps)[:result.n_steps]
        return n
    A = mod.trajectory(per_step(mod.plus), per_step(mod.minus), net.dt)
    return np.arange(result.n_steps) * net.dt, A
