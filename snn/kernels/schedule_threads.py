"""One sample of the generic schedule (``schedules._sample``) split over K persistent threads.

Each of K Python threads calls ``sample_part`` once, for the whole run; ``rank`` owns the neurons
[bounds[rank], bounds[rank + 1]) (multiples of 64, so no two threads share a cache line of flags or state).
Per step t, thread ``rank``:
  1. updates its neurons (reading its part of ring slot t), collects its spiking neurons in index order into
     ``team.spikes[t % 2, rank]`` and counts them; thread 0 also draws step t's source spikes (``source_spikes``:
     they depend on no neuron) into ``team.sources[t % 2]``;
  -- barrier --
  2. thread 0 records the spike times (neurons of thread 0, 1, ..., then sources: the serial order);
  3. every thread delivers all of step t's spikes, in that order, but only the synapses whose post it owns
     (``team.split[j, rank] .. team.split[j, rank + 1]`` of row j, the row's synapses grouped by owner, in row
     order inside a group: ``snn/threads.py``), so no two threads write the same target;
  4. probes of its own neurons; every ``guard_every`` steps a NaN / inf check of its neurons, a second barrier,
     and every thread stops at the same step when any thread found one.
Each input then sums the same terms in the same order as in the serial kernel (spike order, row order), and each
neuron steps with the same arithmetic: the spikes and V are bit-identical whatever K. The spike lists alternate
between two buffers: a thread writes step t + 2's list only after the barrier of step t + 1, which every thread
reaches after delivering step t's.

No plastic synapses here (``snn/threads.py`` refuses them): an STDP update at a pre spike touches the pre's trace
and the post's history, which would need their own partition.
"""
from collections import namedtuple

import numpy as np

from ._config import njit
from .compact_run import collect_range, record_spikes
from .delivery import deliver_static_part
from .rng import stream_key
from .schedules import NON_FINITE, _non_finite, first_spikes, snapshot, source_spikes, update_range
from .spin_barrier import ABORT, atomic_add, barrier

# What the threads share besides the network and the sample's state: neuron bounds, the static rows' split by
# owner, the per-step spike lists (two buffers) and their lengths (``n_spikes[buffer, rank, 0]``: a cache line per
# thread), the first non-finite neuron each thread found
# (-1: none), and the barrier's words.
Team = namedtuple("Team", "bounds split spikes n_spikes sources n_sources bad sync")


@njit
def start_sample(net, stim, b, sample_id, state):
    """A carried state's initial values at its first call (as ``schedules._sample`` sets them)."""
    if not state.started[b]:
        state.v[b][:] = net.v0
        state.h_n[b][:] = 1
        first_spikes(stream_key(stim.seed, sample_id), 0, net.pois_idx, net.pois_p, net.pois_t0, state.pois_next[b],
                     state.pois_draw[b])
        state.started[b] = True


@njit
def sample_part(schedule, net, stim, b, sample_id, n_steps, counts, out_t, out_i, n_out, probes, state, rank, team,
                fired_words):
    """Thread ``rank``'s part of sample b (``state`` row b, started by ``start_sample``); arguments as
    ``schedules._sample``, plus the ``Team`` and the shared ``fired_words`` (n rounded up to 8, as uint64)."""
    n = net.coefs.shape[1]
    k_threads = team.bounds.shape[0] - 1
    lo, hi = team.bounds[rank], team.bounds[rank + 1]
    fired = fired_words.view(np.bool_)
    t0 = state.t0
    v, syn, refr, buf = state.v[b], state.syn[b], state.refr[b], state.buf[b]
    pois_next, pois_draw = state.pois_next[b], state.pois_draw[b]
    key = stream_key(stim.seed, sample_id)
    pois = (net.pois_idx, net.pois_t1, net.pois_p, net.pois_dead, net.pois_phases)
    eb = np.int64(b) if stim.ev_ptr.shape[0] > 1 else np.int64(0)
    pb = np.int64(b) if stim.prob.shape[0] > 1 else np.int64(0)
    no_weights = np.zeros(0, net.coefs.dtype)
    n_rec = 0
    n_snap = 0
    gen = 0
    snapshots = probes.out_v.shape[1] > 0
    for t in range(t0, t0 + n_steps):
        slot = t % net.n_slots
        update_range(net, schedule, lo, hi, v, syn, refr, buf[slot, 0], buf[slot, 1], fired)
        par = t & 1
        team.n_spikes[par, rank, 0] = collect_range(fired_words, fired, lo, hi, team.spikes[par, rank], counts[b])
        if rank == 0:
            n_src = source_spikes(t, t0, stim, eb, pb, key, pois, pois_next, pois_draw, team.sources[par], 0)
            team.n_sources[par] = n_src
            for q in range(n_src):
                counts[b, team.sources[par, q]] += 1
        gen = barrier(team.sync, k_threads, gen)
        if gen < 0:
            return
        if rank == 0:
            for m in range(k_threads + 1):
                row = team.spikes[par, m] if m < k_threads else team.sources[par]
                n_rec = record_spikes(t, row, team.n_spikes[par, m, 0] if m < k_threads else team.n_sources[par],
                                      net.record, out_t[b], out_i[b], n_rec)
        a, z = team.split[rank], team.split[rank + 1]
        for m in range(k_threads + 1):
            row = team.spikes[par, m] if m < k_threads else team.sources[par]
            for q in range(team.n_spikes[par, m, 0] if m < k_threads else team.n_sources[par]):
                j = row[q]
                deliver_static_part(j, t, a[j], z[j], net.s_post, net.s_w, net.s_delay, net.s_rec,
                                    net.s_row_uniform, net.s_row_w, net.s_row_delay, net.s_row_rec, buf)
        if snapshots and (t + probes.offset) % probes.every == 0 and n_snap < probes.out_v.shape[1]:
            snapshot(probes, b, n_snap, v, syn, no_weights, lo, hi)
            n_snap += 1
        if (t + 1) % probes.guard_every == 0 or t == t0 + n_steps - 1:
            i = _non_finite(v[lo:hi], syn[:, lo:hi])
            team.bad[rank] = -1 if i < 0 else lo + i
            gen = barrier(team.sync, k_threads, gen)
            if gen < 0:
                return
            first = -1
            for m in range(k_threads):
                if team.bad[m] >= 0 and first < 0:
                    first = team.bad[m]      # the lowest neuron: thread ranges ascend
            if first >= 0:
                if rank == 0:
                    probes.err[b, 0] = NON_FINITE
                    probes.err[b, 1] = t
                    probes.err[b, 2] = first
                break
    if rank == 0:
        n_out[b] = n_rec


def abort(team):
    """Make every thread waiting at the barrier return (a thread failed)."""
    atomic_add(team.sync, ABORT, 1)
