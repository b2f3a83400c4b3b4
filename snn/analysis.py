"""Network analysis on spike rasters: branching factor (the NALSM definition), firing rates, the coefficient of
variation of inter-spike intervals, neuronal avalanches, the astrocyte signal of a NALSM run reconstructed
from its spikes, and the kernel-quality rank of spike-count features.

Rasters are (times, ids) pairs: spike times as integer time steps and neuron ids in [0, n). Adjacency is given
as (pre, post) index arrays of the synapses among those n neurons.
"""
from collections import namedtuple

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


def cv_isi(times, ids, n, min_spikes=3):
    """Coefficient of variation of the inter-spike intervals of each of ``n`` neurons: std / mean of the
    differences of its sorted spike times (population std, ddof = 0). NaN for a neuron with fewer than
    ``min_spikes`` spikes (two intervals at least by default: one interval has no spread to measure).
    A Poisson train has CV 1, a clock 0. Returns an (n,) float array."""
    times, ids = np.asarray(times, float), np.asarray(ids, np.int64)
    if times.shape != ids.shape:
        raise SpecError("times and ids must have the same length")
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        raise SpecError(f"neuron ids must lie in [0, {n})")
    if int(min_spikes) < 2:
        raise SpecError(f"min_spikes={min_spikes!r} must be >= 2 (an interval needs two spikes)")
    out = np.full(n, np.nan)
    order = np.lexsort((times, ids))
    t, k = times[order], ids[order]
    bounds = np.searchsorted(k, np.arange(n + 1))
    for i in range(n):
        ti = t[bounds[i]:bounds[i + 1]]
        if ti.size >= min_spikes:
            isi = np.diff(ti)
            m = isi.mean()
            out[i] = isi.std() / m if m > 0 else np.nan
    return out


Avalanches = namedtuple("Avalanches", "sizes durations bin_width counts")


def avalanches(times, bin_width, t_start=None, t_stop=None, complete_only=True):
    """Neuronal avalanches of a raster (Beggs & Plenz 2003): spike ``times`` (any neurons) are counted in bins
    [t_start + k * bin_width, t_start + (k + 1) * bin_width); an avalanche is a maximal run of consecutive
    non-empty bins. Its size is the number of spikes in the run, its duration the number of bins (times
    ``bin_width`` for a time). ``t_start`` / ``t_stop`` default to the first spike and just past the last one.
    ``complete_only``: drop runs that touch the first or last bin (their start or end was not observed).
    Returns Avalanches(sizes, durations (in bins), bin_width, counts per bin), in time order."""
    times = np.asarray(times, float).ravel()
    if not bin_width > 0:
        raise SpecError(f"bin_width={bin_width!r} must be > 0")
    if times.size == 0 and (t_start is None or t_stop is None):
        return Avalanches(np.zeros(0, np.int64), np.zeros(0, np.int64), float(bin_width), np.zeros(0, np.int64))
    lo = float(times.min()) if t_start is None else float(t_start)
    hi = float(times.max()) + bin_width if t_stop is None else float(t_stop)
    if not hi > lo:
        raise SpecError(f"t_stop={hi!r} must be after t_start={lo!r}")
    n_bins = int(np.ceil((hi - lo) / bin_width - 1e-9))
    keep = (times >= lo) & (times < hi)
    b = np.floor((times[keep] - lo) / bin_width + 1e-9).astype(np.int64)
    counts = np.bincount(np.minimum(b, n_bins - 1), minlength=n_bins)
    active = np.concatenate([[False], counts > 0, [False]])
    edges = np.flatnonzero(np.diff(active.astype(np.int8)))
    starts, stops = edges[0::2], edges[1::2]          # run = bins [start, stop)
    if complete_only and starts.size:
        ok = (starts > 0) & (stops < n_bins)
        starts, stops = starts[ok], stops[ok]
    c = np.concatenate([[0], np.cumsum(counts)])
    return Avalanches((c[stops] - c[starts]).astype(np.int64), (stops - starts).astype(np.int64),
                      float(bin_width), counts)


def distribution(values):
    """Empirical distribution of integer values (avalanche sizes or durations): (values, probabilities)."""
    v, k = np.unique(np.asarray(values, np.int64), return_counts=True)
    return v, k / max(k.sum(), 1)


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


KernelRank = namedtuple("KernelRank", "mean ranks draws")


def kernel_rank(counts, labels, per_class, resamples, rng):
    """NALSM's kernel-quality rank (specs/nalsm.md 5; the "SP" of clean inputs, the "AP" of noisy ones): the
    mean over ``resamples`` draws of the matrix rank (``numpy.linalg.matrix_rank``, its default tolerance) of
    the (n_neurons x k) spike-count matrix of k samples: ``per_class`` random samples of every class, without
    replacement (all of a class that has fewer). ``counts``: (n_samples, n_neurons); ``rng``: a numpy
    Generator. Returns KernelRank(mean, ranks per draw, draws (resamples, k) sample indices)."""
    counts = np.asarray(counts, np.float64)
    labels = np.asarray(labels)
    if counts.ndim != 2 or labels.shape != (counts.shape[0],) or counts.shape[0] == 0:
        raise SpecError(f"counts must be (n_samples >= 1, n_neurons) with one label per sample; got "
                        f"{counts.shape} and {labels.shape} labels")
    for name, v in (("per_class", per_class), ("resamples", resamples)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise SpecError(f"{name}={v!r} must be an integer >= 1")
    if not isinstance(rng, np.random.Generator):
        raise SpecError(f"rng={rng!r} must be a numpy Generator (seeds are explicit)")
    members = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    draws = np.array([np.concatenate([rng.permutation(m)[:per_class] for m in members])
                      for _ in range(int(resamples))])
    ranks = np.array([np.linalg.matrix_rank(counts[d].T) for d in draws])
    return KernelRank(float(ranks.mean()), ranks, draws)
