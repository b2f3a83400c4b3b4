"""Run-time input: fixed spike times of ``SpikeSourceArray`` populations and per-sample stimuli of
``SpikeSourceInput`` populations, lowered to the arrays the kernels read.

Events become, per sample, a list of global neuron ids sorted by step with offsets ``ev_ptr[b, t]``; Bernoulli
rates become ``prob[b, k]`` for input neuron ``prob_idx[k]`` (drawn in the kernel from the counter RNG).
"""
from collections import namedtuple

import numpy as np

from .cells import CATALOGUE
from .errors import SpecError

Stimuli = namedtuple("Stimuli", "ev_ptr ev_idx prob prob_idx seed")


def _array_source_events(pop, n_steps, stamp_offset, dt):
    """(step, index) pairs of a SpikeSourceArray's spike_times (ms)."""
    st = pop.parameters()["spike_times"]
    per_neuron = [st] * pop.size if len(st) == 0 or np.ndim(st[0]) == 0 else list(st)
    if len(per_neuron) != pop.size:
        raise SpecError(f"population {pop.label!r}: spike_times has {len(per_neuron)} lists for {pop.size} neurons")
    steps, idx = [], []
    for i, times in enumerate(per_neuron):
        s = np.rint(np.asarray(times, float) / dt).astype(np.int64) - stamp_offset
        bad = (s < 0) | (s >= n_steps)
        if bad.any():
            first = np.asarray(times, float)[bad][0]
            lo = stamp_offset * dt
            raise SpecError(f"population {pop.label!r}: spike time {first} ms of neuron {i} lies outside the run "
                            f"[{lo}, {lo + (n_steps - 1) * dt}] ms")
        if np.unique(s).size != s.size:
            raise SpecError(f"population {pop.label!r}: neuron {i} has two spikes in one time step")
        steps.append(s)
        idx.append(np.full(s.size, i))
    return (np.concatenate(steps), np.concatenate(idx)) if steps else (np.zeros(0, int), np.zeros(0, int))


def lower_stimuli(net, offsets, stimuli, batch, n_steps, stamp_offset, seed):
    unknown = set(stimuli) - {p.label for p in net.populations if CATALOGUE[p.cell_type].source == "input"}
    if unknown:
        raise SpecError(f"stimuli given for {sorted(unknown)}, which are not SpikeSourceInput populations")
    if not (isinstance(seed, (int, np.integer)) and 0 <= seed < 2 ** 63):
        raise SpecError(f"seed={seed!r} must be an integer in [0, 2**63)")
    shared_steps, shared_ids, per_sample, probs, prob_ids = [], [], [], [], []
    for pop in net.populations:
        off = offsets[pop.label]
        source = CATALOGUE[pop.cell_type].source
        if source == "fixed":
            s, i = _array_source_events(pop, n_steps, stamp_offset, net.dt)
            shared_steps.append(s)
            shared_ids.append(i + off)
        elif source == "input":
            if pop.label not in stimuli:
                continue  # a silent input
            try:
                x = np.asarray(stimuli[pop.label])
            except (TypeError, ValueError):
                raise SpecError(f"stimulus {pop.label!r}: not an array (ragged or mixed nested lists)") from None
            if x.ndim == 3 and x.dtype in (np.bool_, np.uint8):
                if x.shape[0] not in (1, batch) or x.shape[1] != pop.size or x.shape[2] < n_steps:
                    raise SpecError(f"stimulus {pop.label!r}: events of shape {x.shape}; expected "
                                    f"({batch} or 1, {pop.size}, >= {n_steps} steps)")
                per_sample.append((x[:, :, :n_steps] != 0, off))
            elif x.ndim == 2 and np.issubdtype(x.dtype, np.floating):
                if x.shape[0] not in (1, batch) or x.shape[1] != pop.size:
                    raise SpecError(f"stimulus {pop.label!r}: rates of shape {x.shape}; expected "
                                    f"({batch} or 1, {pop.size})")
                if not np.all((x >= 0) & (x <= 1)):
                    raise SpecError(f"stimulus {pop.label!r}: spike probabilities per step must lie in [0, 1]")
                probs.append(np.broadcast_to(x, (batch, pop.size)) if x.shape[0] != 1 else x)
                prob_ids.append(np.arange(pop.size) + off)
            else:
                raise SpecError(f"stimulus {pop.label!r}: give a bool array (samples, neurons, steps) of spikes or "
                                f"a float array (samples, neurons) of per-step probabilities; got {x.dtype} {x.shape}")
    s0 = np.concatenate(shared_steps) if shared_steps else np.zeros(0, np.int64)
    i0 = np.concatenate(shared_ids) if shared_ids else np.zeros(0, np.int64)
    n_ev = batch if any(x.shape[0] > 1 for x, _ in per_sample) else 1
    ptrs, ids = [], []
    base = 0
    for b in range(n_ev):
        steps, idx = [s0], [i0]
        for x, off in per_sample:
            i, t = np.nonzero(x[b if x.shape[0] > 1 else 0])
            steps.append(t)
            idx.append(i + off)
        steps, idx = np.concatenate(steps), np.concatenate(idx)
        order = np.lexsort((idx, steps))
        ids.append(idx[order])
        ptrs.append(base + np.searchsorted(steps[order], np.arange(n_steps + 1)))
        base += order.size
    if probs:
        pb = batch if any(p.shape[0] > 1 for p in probs) else 1
        prob = np.concatenate([np.broadcast_to(p, (pb, p.shape[1])) for p in probs], axis=1)
        prob_idx = np.concatenate(prob_ids)
    else:
        prob, prob_idx = np.zeros((1, 0)), np.zeros(0, np.int64)
    return Stimuli(np.asarray(ptrs, np.int64), np.concatenate(ids).astype(np.int32),
                   np.ascontiguousarray(prob, np.float64), prob_idx.astype(np.int32), np.uint64(seed))


def take_samples(stim, a, z):
    """The stimuli of samples a..z-1 (shared stimuli stay shared)."""
    ev_ptr = stim.ev_ptr[a:z] if stim.ev_ptr.shape[0] > 1 else stim.ev_ptr
    prob = stim.prob[a:z] if stim.prob.shape[0] > 1 else stim.prob
    return Stimuli(np.ascontiguousarray(ev_ptr), stim.ev_idx, np.ascontiguousarray(prob), stim.prob_idx, stim.seed)
