"""The per-step schedules, each written out once. One call simulates one sample for ``n_steps`` steps;
``run_batch`` runs many independent samples in parallel (numba threads over samples).

Every schedule, per step t:
  1. neurons: this step's arrivals (ring-buffer slot t) enter the synaptic currents, the membrane updates,
     threshold and reset (the order inside this step is the cell type's kernel step, chosen per population
     by the registry's dispatch, kernels/dispatch.py);
  2. the spiking neurons are collected (``fired.take_fired``: a scan of the flags 32 at a time) and post spikes enter
     the STDP histories;
  3. source spikes of step t (fixed events, then Bernoulli draws of ``SpikeSourceInput`` rates, then
     ``SpikeSourcePoisson`` draws) join the neuron spikes;
  4. record (counts, and spike times of recorded neurons);
  5. delivery of every spike of step t: static rows, then plastic rows (STDP evaluated at the pre spike);
  6. probes: every ``every`` steps (steps whose stamp (t + offset) is a multiple of ``every``) the recorded
     membrane potentials and plastic weights are copied out; every ``guard_every`` steps and at the last step
     the state is checked for NaN / inf (one vectorised pass; on a hit the sample stops and reports).
A spike of step t through a synapse of delay d arrives in slot t + d, so a delay is at least one step.

Random draws: ``uniform(key, t, k)`` with k the input's position for ``SpikeSourceInput`` rates;
``uniform(key, m, POISSON_STREAM + global neuron id)`` for the m-th gap of a drawn source (a geometric number
of empty steps: the same law as a Bernoulli draw per step, one draw per spike instead of one per step; a gamma
source draws one gap per phase).
"""
from collections import namedtuple
import math

import numpy as np
from numba import prange

from ._config import njit
from .delivery import deliver_static
from .dispatch import step_population
from .fired import take_fired
from .rng import stream_key, uniform
from .short_term import initial_state
from .stdp import deliver_plastic, record_post
from ..registry import SCHEDULE_IDS

EXACT, SPINNAKER = SCHEDULE_IDS["exact"], SCHEDULE_IDS["spinnaker"]
POISSON_STREAM = np.uint64(1 << 40)
# Error codes a sample reports in ``err[b] = (code, step, neuron)``
OK, NON_FINITE = 0, 1

# What a run copies out besides spikes (arrays of one chunk of samples):
#   every, offset: snapshot at steps t with (t + offset) % every == 0 (offset = the schedule's stamp offset)
#   v_idx: global neuron ids whose V is recorded -> out_v[b, snapshot, k]; id + (r + 1) n reads the neuron's
#          synaptic state row r instead (row 0 / 1: the excitatory / inhibitory current or conductance)
#   w_idx: plastic synapse ids whose weight is recorded -> out_w[b, snapshot, k]
#   guard_every: steps between NaN / inf checks of the neuron state; err[b] = (code, step, neuron)
Probes = namedtuple("Probes", "every offset v_idx out_v w_idx out_w guard_every err")


@njit
def _geometric(u, p):
    """Failures before the first success of Bernoulli(p) trials, from one uniform u in [0, 1)."""
    if p >= 1.0:
        return 0
    if p <= 0.0:
        return 1 << 62
    g = math.floor(math.log1p(-u) / math.log1p(-p))
    return int(min(g, 4.0e18))


@njit
def renewal_steps(key, j, draw, p, phases):
    """Steps until ``phases`` runs of Bernoulli(p) trials have each ended at a success (each run takes at least one
    step), and the last draw used: draws draw + 1 .. draw + phases of source j's stream."""
    steps = 0
    for _ in range(phases):
        draw += 1
        steps += 1 + _geometric(uniform(key, draw, POISSON_STREAM + np.uint64(j)), p)
    return steps, draw


@njit
def first_spikes(key, t_from, pois_idx, pois_p, pois_t0, pois_next, pois_draw):
    """Each drawn source's first spike from step max(t_from, its t0): one phase, no dead time (a Poisson source's
    first gap; NEST's gamma_sup_generator starts in its last phase, ppd_sup_generator active)."""
    for k in range(pois_idx.shape[0]):
        steps, pois_draw[k] = renewal_steps(key, pois_idx[k], pois_draw[k] - 1, pois_p[k], 1)
        pois_next[k] = max(pois_t0[k], t_from) - 1 + steps


@njit
def source_spikes(t, t0, stim, eb, pb, key, pois, pois_next, pois_draw, spiking, n_sp):
    """Step 3 of every schedule: the source spikes of step t join ``spiking[:n_sp]`` (fixed events, then Bernoulli
    draws of ``SpikeSourceInput`` rates, then the drawn sources' spikes); returns the new count. ``t0``: the
    first step of a continued run (the events are stored from it). ``pois``: (idx, t1, p, dead, phases) of the
    drawn sources (snn/lowering.py); a source's next spike comes ``dead`` steps plus ``phases`` geometric runs
    after its last one."""
    pois_idx, pois_t1, pois_p, pois_dead, pois_phases = pois
    for e in range(stim.ev_ptr[eb, t - t0], stim.ev_ptr[eb, t - t0 + 1]):
        spiking[n_sp] = stim.ev_idx[e]
        n_sp += 1
    for k in range(stim.prob_idx.shape[0]):
        if uniform(key, t, k) < stim.prob[pb, k]:
            spiking[n_sp] = stim.prob_idx[k]
            n_sp += 1
    for k in range(pois_idx.shape[0]):
        if pois_next[k] == t:
            j = pois_idx[k]
            if t < pois_t1[k]:
                spiking[n_sp] = j
                n_sp += 1
            steps, pois_draw[k] = renewal_steps(key, j, pois_draw[k], pois_p[k], pois_phases[k])
            pois_next[k] = t + pois_dead[k] + steps
    return n_sp


@njit(inline="always")
def update_range(net, schedule, lo, hi, v, syn, refr, in_e, in_i, fired):
    """Step 1 for the neurons [lo, hi): each population's part of it by its cell type's kernel."""
    for p in range(net.pop_model.shape[0]):
        a, z = max(net.pop_start[p], lo), min(net.pop_start[p + 1], hi)
        if a < z:
            step_population(net.pop_model[p], schedule, a, z, net.coefs, net.pop_uniform[p], v, syn, refr, in_e,
                            in_i, fired)


@njit
def snapshot(probes, b, n_snap, v, syn, w_plastic, lo, hi):
    """Step 6, snapshot ``n_snap``: the probed state of the neurons [lo, hi); the plastic weights when lo is 0."""
    n = v.shape[0]
    for k in range(probes.v_idx.shape[0]):
        j = probes.v_idx[k]     # ids n.. (2n.., ...) read synaptic state row 0 (1, ...) instead of V
        i = j % n
        if lo <= i < hi:
            probes.out_v[b, n_snap, k] = v[j] if j < n else syn[j // n - 1, i]
    if lo == 0:
        for k in range(probes.w_idx.shape[0]):
            probes.out_w[b, n_snap, k] = w_plastic[probes.w_idx[k]]


@njit
def _non_finite(v, syn):
    """Index of the first neuron whose V or synaptic state is NaN or inf, or -1. The common (clean) case is
    one vectorisable pass per row (x - x is 0 for finite x and NaN otherwise); only a hit is searched again."""
    bad = False
    for i in range(v.shape[0]):
        x = v[i]
        bad |= (x - x) != 0.0
    for k in range(syn.shape[0]):
        row = syn[k]
        for i in range(v.shape[0]):
            x = row[i]
            bad |= (x - x) != 0.0
    if not bad:
        return -1
    for i in range(v.shape[0]):
        ok = np.isfinite(v[i])
        for k in range(syn.shape[0]):
            ok = ok and np.isfinite(syn[k, i])
        if not ok:
            return i
    return -1


@njit
def _sample(schedule, net, stim, b, sample_id, n_steps, w_plastic, counts, out_t, out_i, n_out, probes, state):
    n = net.coefs.shape[1]
    ftype = net.coefs.dtype
    # ``state`` (a ``RunState``, snn/run_state.py) carries a sample's dynamic state from one call to the next:
    # with rows (carry), the sample runs steps t0 .. t0 + n_steps - 1 on state[b] and leaves it there;
    # without rows, it starts fresh at step 0 on arrays of its own, as a run always did.
    carry = state.v.shape[0] > 0
    t0 = state.t0 if carry else 0
    if carry:
        v, syn, refr, buf = state.v[b], state.syn[b], state.refr[b], state.buf[b]
    else:
        v = net.v0.copy()
        syn = net.syn0.copy()     # synaptic state, rows as each cell type declares them
        refr = np.zeros(n, np.int32)
        buf = np.zeros((net.n_slots, 2, n), ftype)
    fired_words = np.zeros((n + 7) // 8, np.uint64)   # the flags, read back eight at a time
    fired = fired_words.view(np.bool_)
    spiking = np.empty(n + stim.prob_idx.shape[0], np.int64)
    if carry:
        h_t, h_o, h_n, last_pre, r_pre = state.h_t[b], state.h_o[b], state.h_n[b], state.last_pre[b], state.r_pre[b]
    else:
        h_t = np.zeros((n, net.hist), np.int64)
        h_o = np.zeros((n, net.hist), np.float64)
        h_n = np.ones(n, np.int64)
        last_pre = np.zeros(n, np.int64)
        r_pre = np.zeros(n, np.float64)
    p_state = state.p_state[b] if carry else initial_state(net.p_post.shape[0])    # short-term synapses
    has_plastic = net.p_post.shape[0] > 0
    key = stream_key(stim.seed, sample_id)
    eb = np.int64(b) if stim.ev_ptr.shape[0] > 1 else np.int64(0)
    pb = np.int64(b) if stim.prob.shape[0] > 1 else np.int64(0)
    cap = out_t.shape[1]
    n_rec = 0
    n_snap = 0
    # Poisson sources: the step of each one's next spike, drawn as a geometric gap (Bernoulli trials of
    # probability p per step, skipped to the next success); draw m of source j is uniform(key, m, stream + j)
    n_pois = net.pois_idx.shape[0]
    pois = (net.pois_idx, net.pois_t1, net.pois_p, net.pois_dead, net.pois_phases)
    if carry:
        pois_next, pois_draw = state.pois_next[b], state.pois_draw[b]
    else:
        pois_next = np.empty(n_pois, np.int64)
        pois_draw = np.zeros(n_pois, np.int64)
    if not carry or not state.started[b]:
        if carry:      # a fresh carried state: the initial values, as a run from step 0 starts
            v[:] = net.v0
            h_n[:] = 1
        first_spikes(key, 0, net.pois_idx, net.pois_p, net.pois_t0, pois_next, pois_draw)
        if carry:
            state.started[b] = True
    snapshots = probes.out_v.shape[1] > 0      # out_v and out_w hold the same number of snapshots
    guard = probes.guard_every
    for t in range(t0, t0 + n_steps):
        slot = t % net.n_slots
        in_e = buf[slot, 0]
        in_i = buf[slot, 1]
        update_range(net, schedule, 0, n, v, syn, refr, in_e, in_i, fired)
        n_sp = take_fired(fired_words, fired, spiking)      # kernels may only ever set flags; this clears them
        if has_plastic:
            for s in range(n_sp):
                i = spiking[s]
                record_post(i, t, net.post_tau_minus[i], h_t, h_o, h_n)
        n_sp = source_spikes(t, t0, stim, eb, pb, key, pois, pois_next, pois_draw, spiking, n_sp)
        for s in range(n_sp):
            j = spiking[s]
            counts[b, j] += 1
            if net.record[j]:
                if n_rec < cap:
                    out_t[b, n_rec] = t
                    out_i[b, n_rec] = j
                n_rec += 1
            deliver_static(j, t, net.s_ptr, net.s_post, net.s_w, net.s_delay, net.s_rec, net.s_row_uniform,
                           net.s_row_w, net.s_row_delay, net.s_row_rec, buf)
            if has_plastic:
                deliver_plastic(j, t, net.p_ptr, net.p_post, w_plastic, net.p_delay, net.p_rec, net.p_rule,
                                net.rules, last_pre, r_pre, h_t, h_o, h_n, p_state, key, buf)
        if snapshots and (t + probes.offset) % probes.every == 0 and n_snap < probes.out_v.shape[1]:
            snapshot(probes, b, n_snap, v, syn, w_plastic, 0, n)
            n_snap += 1
        if (t + 1) % guard == 0 or t == t0 + n_steps - 1:
            i = _non_finite(v, syn)
            if i >= 0:
                probes.err[b, 0] = NON_FINITE
                probes.err[b, 1] = t
                probes.err[b, 2] = i
                break
    n_out[b] = n_rec


@njit
def run_serial(schedule, net, stim, n_samples, sample_offset, n_steps, w_plastic, counts, out_t, out_i, n_out,
               probes, state):
    """``run_batch`` on the calling thread, for one sample (or one thread): no parallel region is started, so no
    worker thread spins beside the simulation."""
    for b in range(n_samples):
        _sample(schedule, net, stim, b, sample_offset + b, n_steps, w_plastic[b], counts, out_t, out_i, n_out,
                probes, state)


@njit(parallel=True)
def run_batch(schedule, net, stim, n_samples, sample_offset, n_steps, w_plastic, counts, out_t, out_i, n_out,
              probes, state):
    """Simulate samples 0..n_samples-1 (global ids sample_offset + b). ``w_plastic[b]`` holds sample b's plastic
    weights: they start as given and end as learned. ``probes``: snapshots and the numerical guard (``Probes``).
    ``state``: a ``RunState`` whose rows carry each sample's state across calls (no rows: start fresh)."""
    for b in prange(n_samples):
        _sample(schedule, net, stim, b, sample_offset + b, n_steps, w_plastic[b], counts, out_t, out_i, n_out,
                probes, state)
