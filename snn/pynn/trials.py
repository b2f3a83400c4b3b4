"""Batches through the PyNN front end: the network built with snn.pynn, run as many independent trials in one
engine call (numba threads over trials), each from t = 0 with the initial values.

    import snn.pynn as sim
    ...build populations and projections, record()...
    blocks = sim.run_trials(200.0, trials=16)     # {population label: neo.Block, one segment per trial}
    net = sim.to_spec()                            # the same network as an snn.spec.Network

Trials differ only in their random draws (the Poisson sources: trial k is sample k of the engine, seeded by
``setup(rng_seed=...)``), as independent samples of ``snn.engine.Simulator.run(batch=...)`` do. The PyNN
timeline (``get_current_time``, the recorders' data) is left as it was. Current sources that change during the
trials are not supported here (run them one by one with ``sim.run``).
"""
import neo
import numpy as np
import quantities as pq

from ..errors import SpecError
from . import simulator
from .build import ROW_NAMES, Engine


def to_spec():
    """The current PyNN network as the ``snn.spec.Network`` the engine runs (populations p0, p1, ... in
    creation order; projections labelled 'k:a->b:r')."""
    return Engine(simulator.state).net


def run_trials(duration, trials, populations=None):
    """Run ``trials`` independent trials of ``duration`` ms; returns {label: neo.Block} for the recorded
    populations (``populations``: a subset of them), one neo.Segment per trial with the recorded spike trains
    and signals, annotated with the trial index."""
    state = simulator.state
    n = int(round(duration / state.dt))
    if n <= 0 or abs(n * state.dt - duration) > 1e-9 * max(1.0, duration):
        raise SpecError(f"run_trials(duration={duration!r}) must be a positive whole number of steps "
                        f"(dt={state.dt} ms)")
    if not (isinstance(trials, (int, np.integer)) and trials >= 1):
        raise SpecError(f"run_trials(trials={trials!r}) must be a positive integer")
    if any(src._change_steps(0, n) or np.any(src.amplitudes_at(np.array([0]))) for src in state.current_sources
           if src.cells):
        raise SpecError("run_trials does not take current sources that are on or change during the trials")
    engine = Engine(state)
    pops = populations or [p for p in state.populations if p.recorder.recorded]
    record_v, keys = {}, []
    for pop in pops:
        k = state.populations.index(pop)
        for name, (ids, row) in pop.recorder.signal_requests().items():
            key = (engine.labels[k], ROW_NAMES[row])
            record_v[key] = ids - engine.starts[k]
            keys.append((pop, name, key, ids))
    every = 1
    res = engine.sim.run(duration, batch=int(trials), seed=state.rng_seed, stimuli=engine._stimuli(0, n),
                         record_v=record_v, every=every, plastic_weights=engine._weights())
    blocks = {}
    for pop in pops:
        k = state.populations.index(pop)
        label = engine.labels[k]
        block = neo.Block(name=pop.label, simulator="snn", trials=int(trials))
        spike_ids = pop.recorder._ids("spikes")
        for b in range(int(trials)):
            seg = neo.Segment(name=f"trial{b:03d}", trial=b)
            if spike_ids.size:
                times, idx = res.spikes(label, sample=b)
                for g in spike_ids:
                    i = int(g - engine.starts[k])
                    seg.spiketrains.append(neo.SpikeTrain(np.round(times[idx == i], 10) * pq.ms,
                                                          t_start=0 * pq.ms, t_stop=duration * pq.ms,
                                                          source_population=pop.label, source_index=i,
                                                          channel_id=int(g)))
            for p, name, key, ids in keys:
                if p is pop:
                    _, values = res.v(key, sample=b)
                    first = pop.recorder.initial_row(name, ids)[None, :]
                    seg.analogsignals.append(neo.AnalogSignal(
                        np.vstack([first, values]), units=pop.find_units(type("V", (), {"name": name})),
                        t_start=0 * pq.ms, sampling_period=state.dt * pq.ms, name=name,
                        source_population=pop.label, channel_ids=ids))
            block.segments.append(seg)
        blocks[pop.label] = block
    return blocks
