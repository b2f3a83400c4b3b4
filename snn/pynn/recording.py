"""Recorder of ``snn.pynn`` (as pyNN/brian2/recording.py): the engine hands each run's spikes and state
snapshots to the recorders (``_store``); pyNN.recording.Recorder turns them into neo segments.

Signals are sampled at t = 0 (the initial values), then every ``sampling_interval`` at the end of the step
(the engine's snapshot after the update, NEST's multimeter time), so a run of T ms holds T / interval + 1
samples, as on pyNN.nest. In the 'spinnaker' schedule (snn.pynn.spinnaker) at the start of every sampled tick
t = 0, interval, ... < T, as sPyNNaker records: T / interval samples.
"""
import numpy as np
from pyNN import recording

from . import simulator

_SYNAPTIC = {1: "syn_exc", 2: "syn_inh"}


class Recorder(recording.Recorder):
    _simulator = simulator

    def __init__(self, population, file=None):
        recording.Recorder.__init__(self, population, file)
        self._reset_data()

    def _reset_data(self):
        self._spike_ids, self._spike_times = [], []
        self._signals = {}          # variable name -> list of (ids, values (k, len(ids)))

    def _record(self, variable, new_ids, sampling_interval=None):
        if sampling_interval is not None:
            steps = sampling_interval / simulator.state.dt
            if abs(steps - round(steps)) > 1e-9 or round(steps) < 1:
                raise ValueError(f"sampling_interval={sampling_interval} ms must be a whole number of time steps "
                                 f"(dt={simulator.state.dt} ms)")
            self.sampling_interval = sampling_interval
        simulator.state.changed()

    @property
    def every(self):
        """Steps between two samples."""
        return int(round(self.sampling_interval / simulator.state.dt))

    def _ids(self, name):
        ids = [i for var, s in self.recorded.items() if var.name == name for i in s]
        return np.array(sorted(ids), np.int64)

    def signal_requests(self):
        """{variable name: (global ids, row)} of the state variables recorded (row: 0 v, 1 exc., 2 inh. synapse)."""
        rows = getattr(self.population.celltype, "state_rows", {})
        return {var.name: (self._ids(var.name), rows[var.name]) for var in self.recorded
                if var.name != "spikes" and self.recorded[var]}

    def initial_row(self, name, ids):
        """Initial values of ``name`` for ``ids`` (the sample at t = 0)."""
        pop = self.population
        values = pop.initial_values.get(name)
        if values is None:
            return np.zeros(ids.size)
        values = np.broadcast_to(np.asarray(values.evaluate(simplify=False), float), (pop.size,))
        return values[pop.id_to_index(ids)] if ids.size else np.zeros(0)

    def _store(self, first_step, spikes, signals):
        """One run's data: ``spikes`` = (global ids, times ms); ``signals`` = {name: (ids, steps, values)}."""
        ids, times = spikes
        if ids is not None and ids.size:
            self._spike_ids.append(ids)
            self._spike_times.append(times)
        board = simulator.state.schedule == "spinnaker"    # the board samples at the start of each tick
        for name, (ids, steps, values) in signals.items():
            keep = (steps + (0 if board else 1)) % self.every == 0
            values = values[keep]
            if first_step == 0 and not board:
                values = np.vstack([self.initial_row(name, ids)[None, :], values])
            self._signals.setdefault(name, []).append((ids, values))

    # --- pyNN.recording.Recorder's hooks ---------------------------------------------------------------------
    def _get_spiketimes(self, requested_ids, clear=False):
        if self._spike_ids:
            ids, times = np.concatenate(self._spike_ids), np.concatenate(self._spike_times)
        else:
            ids, times = np.zeros(0, np.int64), np.zeros(0)
        mask = np.isin(ids, np.asarray(requested_ids, np.int64))
        if clear:
            self._spike_ids, self._spike_times = [], []
        return ids[mask], times[mask].copy()

    def _get_all_signals(self, variable, ids, clear=False):
        ids = np.asarray(ids, np.int64)
        chunks = self._signals.get(variable.name, [])
        out = []
        for chunk_ids, values in chunks:
            col = {int(g): k for k, g in enumerate(chunk_ids)}
            block = np.full((values.shape[0], ids.size), np.nan)
            for k, g in enumerate(ids):
                if int(g) in col:
                    block[:, k] = values[:, col[int(g)]]
            out.append(block)
        data = np.vstack(out) if out else np.zeros((0, ids.size))
        if clear:
            self._clear_signals()
        return data, None

    def _local_count(self, variable, filter_ids=None):
        ids = self.filter_recorded(variable, filter_ids)
        all_ids = np.concatenate(self._spike_ids) if self._spike_ids else np.zeros(0, np.int64)
        counts = np.bincount(all_ids - self.population.first_id, minlength=self.population.size) \
            if all_ids.size else np.zeros(self.population.size, int)
        return {int(i): int(counts[self.population.id_to_index(i)]) for i in ids}

    def _clear_signals(self):
        """Keep the last sample of each signal: it is the first of the data recorded from now on."""
        for name, chunks in self._signals.items():
            if chunks:
                ids, values = chunks[-1]
                self._signals[name] = [(ids, values[-1:])] if values.shape[0] else []

    def _clear_simulator(self):
        self._spike_ids, self._spike_times = [], []
        self._clear_signals()

    def _reset(self):
        self._reset_data()
