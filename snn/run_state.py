"""The dynamic state of a run, carried from one ``Simulator.run`` call to the next (PyNN's incremental
``run(50); run(50)``): membrane potentials, synaptic state, refractory counters, the delay ring buffer, the STDP
histories, the state of the short-term synapses (``p_state``: u, x, y, last spike; snn/kernels/short_term.py) and
the position of every Poisson source in its random stream, per sample, and the next step ``t0``.

    state = sim.initial_state(batch=1)
    r1 = sim.run(50.0, state=state)          # steps 0 .. 499 at dt = 0.1
    r2 = sim.run(50.0, state=r1.state)       # steps 500 .. 999: the same spikes as one run(100.0)

Plastic weights are not part of it: they are the result's ``plastic_weights`` and go back in as
``plastic_weights=``. The arrays are updated in place by the kernels (``started`` marks a sample's first call,
where the kernel sets the initial values, as a fresh run does).
"""
from collections import namedtuple

import numpy as np

from .errors import SpecError
from .kernels.short_term import initial_state

RunState = namedtuple("RunState", "t0 started v syn refr buf h_t h_o h_n last_pre r_pre pois_next pois_draw p_state")


def _arrays(lowered, rows, ftype):
    n = lowered.coefs.shape[1]
    n_pois = lowered.pois_idx.shape[0]
    return (np.zeros(rows, np.bool_), np.zeros((rows, n), ftype), np.zeros((rows, lowered.n_syn, n), ftype),
            np.zeros((rows, n), np.int32),
            np.zeros((rows, lowered.n_slots, 2, n), ftype), np.zeros((rows, n, lowered.hist), np.int64),
            np.zeros((rows, n, lowered.hist), np.float64), np.ones((rows, n), np.int64),
            np.zeros((rows, n), np.int64), np.zeros((rows, n), np.float64),
            np.zeros((rows, n_pois), np.int64), np.zeros((rows, n_pois), np.int64),
            np.zeros((rows, lowered.p_post.shape[0], 4), np.float64))


def fresh_state(lowered, batch, ftype):
    """The state of ``batch`` samples at t = 0 (the kernels set the other initial values on the first call)."""
    state = RunState(np.int64(0), *_arrays(lowered, batch, ftype))
    state.syn[:] = lowered.syn0     # state variables kept as synaptic-state rows (Izhikevich's u)
    state.p_state[:] = initial_state(lowered.p_post.shape[0])
    return state


def no_state(lowered, ftype):
    """The empty state the kernels read as 'start fresh at step 0 on arrays of your own'."""
    return RunState(np.int64(0), *_arrays(lowered, 0, ftype))


def take(state, a, z):
    """Rows a..z-1 of a carried state (views: the kernels update the caller's arrays)."""
    if state.v.shape[0] == 0:
        return state
    return RunState(state.t0, *(x[a:z] for x in state[1:]))


def check_state(state, lowered, batch, ftype):
    """``state`` fits this lowered network and batch, or a SpecError says how it does not."""
    if not isinstance(state, RunState):
        raise SpecError(f"state must be a RunState (Simulator.initial_state() or a result's .state), "
                        f"got {type(state).__name__}")
    want = fresh_state(lowered, batch, ftype)
    for name, have, need in zip(RunState._fields[1:], state[1:], want[1:]):
        if have.shape != need.shape or have.dtype != need.dtype:
            raise SpecError(f"state.{name} has shape {have.shape} ({have.dtype}); this network and batch={batch} "
                            f"need {need.shape} ({need.dtype}): a state belongs to the network it was made for")


def remap_buffer(state, n_slots):
    """The state with its delay ring buffer resized to ``n_slots`` (a longer delay added between calls): the
    pending arrivals keep their absolute steps."""
    rows, old, _, n = state.buf.shape
    if old == n_slots:
        return state
    if n_slots < old:
        raise SpecError(f"the ring buffer cannot shrink from {old} to {n_slots} slots while spikes are in flight")
    buf = np.zeros((rows, n_slots, 2, n), state.buf.dtype)
    for s in range(int(state.t0), int(state.t0) + old):
        buf[:, s % n_slots] = state.buf[:, s % old]
    return state._replace(buf=buf)


def redraw_poisson(state, old, new, seed, sample_offset=0):
    """The drawn sources whose law (probability, dead time, phases), start or end differ between the lowered
    networks ``old`` and ``new`` (parameters set between two calls) draw their pending next spike again from the
    current step, as a first spike (one phase, kernels/schedules.py ``first_spikes``): a Poisson process is
    memoryless, so this is the new rate's law from now on (NEST's poisson_generator, which draws every step,
    changes rate at once too); a gamma or dead-time source restarts its process. The draws are the next ones of
    the source's own counter stream, so a rerun gives the same spikes."""
    from .kernels.rng import stream_key
    from .kernels.schedules import first_spikes
    def law(low, k):
        return low.pois_p[k], low.pois_t0[k], low.pois_t1[k], low.pois_dead[k], low.pois_phases[k]

    before = {int(j): law(old, k) for k, j in enumerate(old.pois_idx)}
    changed = np.array([k for k, j in enumerate(new.pois_idx) if before.get(int(j)) != law(new, k)], np.int64)
    if changed.size == 0:
        return
    for b in range(state.pois_next.shape[0]):
        if not state.started[b]:
            continue
        key = stream_key(np.uint64(seed), np.uint64(sample_offset + b))
        nxt, draw = state.pois_next[b, changed], state.pois_draw[b, changed] + 1
        first_spikes(key, int(state.t0), new.pois_idx[changed], new.pois_p[changed], new.pois_t0[changed], nxt, draw)
        state.pois_next[b, changed], state.pois_draw[b, changed] = nxt, draw