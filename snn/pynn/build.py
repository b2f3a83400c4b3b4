"""Lowering of the PyNN network to ``snn.spec.Network`` and one engine run from the carried state.

Populations keep their creation order (the engine's global neuron index is then the PyNN ID). A projection
becomes one ``spec.Projection`` per (pre population, post population) pair with its explicit connections
(``FromList``: index, index, |weight|, delay): PyNN gives current-based inhibitory weights negative, snn takes
magnitudes and lets the receptor set the sign. SpikeSourceArray populations run as ``SpikeSourceInput`` fed
with the events of each run's window, so spikes after a run's end wait for the next run.
"""
import math
from functools import reduce

import numpy as np

from .. import spec
from ..cells import CATALOGUE
from ..connectors import FromList
from ..engine import Simulator
from ..lowering import STAMP_OFFSET, lower
from ..plasticity import NestPairSTDP, SpikePairSTDP
from ..short_term import StochasticRelease, TsodyksMarkram
from ..run_state import remap_buffer
from ..spec import MAX_MAGNITUDE

ROW_NAMES = {0: "v", 1: "syn_exc", 2: "syn_inh", 3: "syn_row2"}


def _value(arr):
    """A scalar when all cells share the value (the engine lowers it once), else the per-cell array."""
    arr = np.asarray(arr, float)
    return float(arr[0]) if arr.size and np.all(arr == arr[0]) else arr


def _population(k, pop):
    ct = pop.celltype
    name = ct.snn_name
    params, init = {}, {}
    if not ct.snn_input:
        for p in CATALOGUE[name].defaults:
            # PyNN's "forever" (1e10 ms, 1e12 ms) is beyond the engine's largest magnitude, which is as long
            params[p] = _value(np.clip(np.asarray(pop._parameters[p], float), -MAX_MAGNITUDE, MAX_MAGNITUDE))
        for var in CATALOGUE[name].state:
            init[var] = _value(np.broadcast_to(pop.initial_values[var].evaluate(simplify=False), (pop.size,)))
    return spec.Population(f"p{k}", pop.size, name, params, init)


# NEST's time resolution (1 tic = 1 us): a spike time within half a tic of a grid point is on it
TIC = 1e-3


def grid_steps(times, dt):
    """Grid point (in steps) of each spike time as NEST's spike_generator with allow_offgrid_times (PyNN's
    setting) places it: the nearest grid point when within half a tic of it, else the next one up."""
    x = np.asarray(times, float) / dt
    near = np.rint(x)
    return np.where(np.abs(x - near) * dt < TIC / 2, near, np.ceil(x)).astype(np.int64)


def _source_events(pop, dt, stamp_offset=1):
    """(steps, indices, given times) of a SpikeSourceArray: a spike at grid point k (time k * dt) is emitted in
    step k - stamp_offset: in 'exact' (offset 1) in step k - 1, stamped k * dt at the end of the step (NEST's
    on-grid times); in 'spinnaker' (offset 0) in tick k, as the board's spike source array sends it."""
    steps, idx, given = [], [], []
    for i, seq in enumerate(pop._parameters["spike_times"]):
        times = np.asarray(getattr(seq, "value", seq), float).ravel()
        steps.append(grid_steps(times, dt) - stamp_offset)
        idx.append(np.full(times.size, i, np.int64))
        given.append(times)
    if not steps:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(steps), np.concatenate(idx), np.concatenate(given)


def given_times(events, size, steps, idx):
    """The given time of each source spike (step, index) from ``_source_events``'s ``events`` (``size``: the
    population's): what NEST's spike_generator with precise times records under spike_precision="off_grid".
    Two times in one step make one engine spike; it keeps the earlier."""
    ev_steps, ev_idx, ev_times = events
    keys = ev_steps * size + ev_idx
    order = np.lexsort((ev_times, keys))
    keys, first = np.unique(keys[order], return_index=True)
    return ev_times[order][first][np.searchsorted(keys, steps * size + idx)]


def _tau_psc(proj, state):
    """The post cell's tau_syn of each connection's receptor, what pyNN.nest hands NEST's tsodyks_synapse as
    tau_psc (pyNN/nest/projections.py)."""
    name = {"excitatory": "tau_syn_E", "inhibitory": "tau_syn_I"}[proj.receptor_type]
    values = np.concatenate([np.asarray(p._parameters[name], float) if name in p._parameters
                             else np.full(p.size, np.nan) for p in state.populations])
    tau = values[proj.global_ids()[1]]
    if np.isnan(tau).any():
        raise NotImplementedError(f"projection {proj.label!r}: a TsodyksMarkramSynapse needs a post cell type with "
                                  f"{name} (its current's time constant, NEST's tau_psc); "
                                  f"{type(proj.post.celltype).__name__} has none")
    return tau


def _rules(proj, state):
    """The rule of each connection of ``proj``: (distinct rules, index of each connection's rule); [None] for a
    static projection."""
    syn = proj.synapse_type
    if syn.snn_rule is None:
        return [None], np.zeros(len(proj), np.int64)
    if syn.snn_rule == "stdp":
        names = ("tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max")
        timing, weights = syn.timing_dependence, syn.weight_dependence
        if state.schedule == "spinnaker":     # sPyNNaker's own rules (SpikePairSTDP)
            if weights.snn_board is None:
                raise NotImplementedError(f"sPyNNaker has no {type(weights).__name__}; its STDP weight dependences "
                                          f"are AdditiveWeightDependence and MultiplicativeWeightDependence")
            table = np.column_stack([proj._attr[k] for k in names])
            unique, rule_of = np.unique(table, axis=0, return_inverse=True)
            rules = [SpikePairSTDP(tau_plus=r[0], tau_minus=r[1], A_plus=r[2], A_minus=r[3], w_min=abs(r[4]),
                                   w_max=abs(r[5]), timing=timing.snn_timing, weight_dependence=weights.snn_board)
                     for r in unique.tolist()]
            return rules, rule_of.ravel()
        if timing.snn_timing != "pair":
            raise NotImplementedError(f"{type(timing).__name__} is sPyNNaker's rule; snn.pynn runs NEST's "
                                      f"stdp_synapse (SpikePairRule): use snn.pynn.spinnaker for the board's rules")
        mu = weights.snn_mu
        columns = [proj._attr[k] for k in names] + [proj._attr[m] if isinstance(m, str) else m for m in mu]
    elif syn.snn_rule == "tsodyks_markram":
        columns = [proj._attr[k] for k in ("U", "tau_rec", "tau_facil")] + [_tau_psc(proj, state)]
    else:
        columns = [proj._attr["p"]]
    table = np.column_stack([np.broadcast_to(c, (len(proj),)) for c in columns])
    unique, rule_of = np.unique(table, axis=0, return_inverse=True)
    if syn.snn_rule == "stdp":
        rules = [NestPairSTDP(tau_plus=r[0], tau_minus=r[1], A_plus=r[2], A_minus=r[3], w_min=abs(r[4]),
                              w_max=abs(r[5]), mu_plus=r[6], mu_minus=r[7]) for r in unique.tolist()]
    elif syn.snn_rule == "tsodyks_markram":
        rules = [TsodyksMarkram(U=r[0], tau_rec=r[1], tau_facil=r[2], tau_psc=r[3]) for r in unique.tolist()]
    else:
        rules = [StochasticRelease(p=r[0]) for r in unique.tolist()]
    return rules, rule_of.ravel()


class Engine:
    """The lowered network of a ``State`` and its runs."""

    def __init__(self, state):
        self.state = state
        pops = state.populations
        self.labels = [f"p{k}" for k in range(len(pops))]
        starts = np.cumsum([0] + [p.size for p in pops])
        self.starts = starts
        projections = []
        self.plastic = []     # (spec projection label, PyNN projection, its connections there, rule)
        for n, proj in enumerate(state.projections):
            pre, post = proj.global_ids()
            w = np.abs(proj._attr["weight"])
            d = proj._attr["delay"]
            a = np.searchsorted(starts, pre, side="right") - 1
            b = np.searchsorted(starts, post, side="right") - 1
            rules, rule_of = _rules(proj, state)
            for pa in np.unique(a):
                for pb in np.unique(b[a == pa]):
                    for r, rule in enumerate(rules):
                        m = (a == pa) & (b == pb) & (rule_of == r)
                        if not m.any():
                            continue
                        rows = np.column_stack([pre[m] - starts[pa], post[m] - starts[pb], w[m], d[m]])
                        label = f"{n}:{pa}->{pb}:{r}"
                        projections.append(spec.Projection(self.labels[pa], self.labels[pb], FromList(rows),
                                                           receptor_type=proj.receptor_type, plasticity=rule,
                                                           label=label))
                        if rule is not None:
                            self.plastic.append((label, proj, m, rule))
        delays = [proj._attr["delay"].min() for proj in state.projections if len(proj)]
        if state.auto_min_delay and delays:
            state.min_delay = float(min(delays))
        self.net = spec.Network([_population(k, p) for k, p in enumerate(pops)], projections,
                                dt=state.dt, schedule=state.schedule, seed=state.rng_seed)
        spiking = [self.labels[k] for k, p in enumerate(pops) if p.recorder._ids("spikes").size]
        options = {}
        if state.schedule == "spinnaker":      # snn.pynn.spinnaker: the host encoding, sub-stepped populations
            steps = {self.labels[k]: p.n_steps_per_timestep for k, p in enumerate(pops)
                     if getattr(p, "n_steps_per_timestep", 1) != 1}
            options = dict(spinnaker_version=state.spinnaker_version, n_steps_per_timestep=steps or None)
        self.sim = Simulator(self.net, record=spiking, **options)
        self.stamp_offset = STAMP_OFFSET[state.schedule]
        self.fixed_point = getattr(self.sim.schedule, "setup", None) is not None    # the board's integers
        if self.fixed_point and state.current_sources:
            raise NotImplementedError("current sources (DCSource, ...) are not emulated in the board's fixed point "
                                      "yet; inject the current as i_offset")
        self.sources = {self.labels[k]: _source_events(p, state.dt, self.stamp_offset) for k, p in enumerate(pops)
                        if p.celltype.snn_input}
        self.injected = {}       # population index -> the i_offset its coefficients were last lowered with
        for src in state.current_sources:
            for pk in np.unique(np.searchsorted(starts, np.asarray(src.cells, np.int64), side="right") - 1):
                self.injected[int(pk)] = np.asarray(self.net.populations[pk].params.get("i_offset", 0.0))

    def _apply_currents(self, step):
        """Lower again the coefficients of the populations whose injected current changed at ``step``:
        i_offset + the sum of the sources' amplitudes during the step."""
        if not self.injected:
            return
        total = np.zeros(int(self.starts[-1]))
        for src in self.state.current_sources:
            if src.cells:
                np.add.at(total, np.asarray(src.cells, np.int64), src.amplitudes_at(np.array([step]))[0])
        for k, last in self.injected.items():
            a, z = int(self.starts[k]), int(self.starts[k + 1])
            pop = self.net.populations[k]
            i_eff = np.broadcast_to(np.asarray(pop.params["i_offset"], float), (z - a,)) + total[a:z]
            if np.array_equal(np.broadcast_to(last, (z - a,)), i_eff):
                continue
            one = spec.Population(pop.label, pop.size, pop.cell_type, {**pop.params, "i_offset": _value(i_eff)})
            coefs = lower(spec.Network([one], dt=self.net.dt, schedule=self.net.schedule))[0].coefs
            self.sim.lowered.coefs[:, a:z] = coefs
            self.sim.lowered.pop_uniform[k] = bool(np.all(coefs == coefs[:, :1]))
            self.injected[k] = i_eff

    def _stimuli(self, t0, n):
        out = {}
        for label, (steps, idx, _) in self.sources.items():
            x = np.zeros((1, self.net.population(label).size, n), np.bool_)
            m = (steps >= t0) & (steps < t0 + n)
            x[0, idx[m], steps[m] - t0] = True
            out[label] = x
        return out

    def _initial_state(self):
        st = self.sim.initial_state(1)
        if not hasattr(st, "syn"):        # the board's BoardState: synaptic inputs start at 0, as on the board
            return st
        for pop in self.state.populations:
            for var, row in getattr(pop.celltype, "state_rows", {}).items():
                if row and var in pop.initial_values:
                    values = np.broadcast_to(pop.initial_values[var].evaluate(simplify=False), (pop.size,))
                    st.syn[0, row - 1, np.asarray(pop.all_cells, int)] = values
        return st

    def _weights(self):
        """Start values of the plastic synapses: the projections' current weights (learned ones after a run)."""
        w = np.array(self.sim.initial_plastic_weights, copy=True)
        for label, proj, m, rule in self.plastic:
            w[self.sim.synapses[label].index] = np.clip(np.abs(proj._attr["weight"][m]), rule.w_min, rule.w_max)
        return w

    def run(self, t0, n):
        """Steps t0 .. t0 + n - 1 from the carried state; the data go to the recorders."""
        state = self.state
        run_state = state._run_state
        if run_state is None:
            run_state = self._initial_state()
        elif run_state.buf.shape[1] != self.sim.lowered.n_slots:
            run_state = remap_buffer(run_state, self.sim.lowered.n_slots)
        self._apply_currents(t0)
        requests, intervals = {}, []
        for k, pop in enumerate(state.populations):
            for name, (ids, row) in pop.recorder.signal_requests().items():
                if ids.size:
                    requests[(self.labels[k], ROW_NAMES[row])] = (pop, name, ids)
                    intervals.append(pop.recorder.every)
        every = reduce(math.gcd, intervals, 0) or 1
        record_v = {key: ids - self.starts[self.labels.index(key[0])] for key, (_, _, ids) in requests.items()}
        res = self.sim.run(n * state.dt, seed=state.rng_seed, stimuli=self._stimuli(t0, n), state=run_state,
                           record_v=record_v, every=every, memory_limit=0, plastic_weights=self._weights())
        state._run_state = res.state
        for label, proj, m, _ in self.plastic:       # learned weights back into the projection (PyNN's sign)
            sign = np.where(proj._attr["weight"][m] < 0, -1.0, 1.0)
            proj._attr["weight"][m] = sign * res.weights(label)[2]
        for k, pop in enumerate(state.populations):
            label = self.labels[k]
            spikes = (None, None)
            if label in self.sim.offsets and pop.recorder._ids("spikes").size:
                times, idx = res.spikes(label)
                gids = idx + self.starts[k]
                keep = np.isin(gids, pop.recorder._ids("spikes"))
                spikes = (gids[keep], np.round(times[keep], 10))
                if state.spike_precision == "off_grid" and label in self.sources:
                    steps = np.rint(times[keep] / state.dt).astype(np.int64) - self.stamp_offset
                    spikes = (gids[keep], given_times(self.sources[label], pop.size, steps, idx[keep]))
            signals = {}
            for key, (p, name, ids) in requests.items():
                if p is pop:
                    times, values = res.v(key)
                    steps = np.rint(times / state.dt).astype(np.int64) - self.stamp_offset
                    signals[name] = (ids, steps, values)
            pop.recorder._store(t0, spikes, signals)
