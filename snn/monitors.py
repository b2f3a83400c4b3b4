"""Results of a run: spike counts (always), spike times of recorded populations, learned plastic weights, and
sub-sampled snapshots of membrane potentials and plastic weights (``Probes``)."""
import numpy as np

from .cells import CATALOGUE
from .errors import NumericalError, SpecError
from .resources import capacity_guess

# Steps between two NaN / inf checks of the neuron state inside the kernels; a hit is then located to the step
# by rerunning the sample with a check every step (runs are deterministic).
GUARD_EVERY = 64
# State variables a probe can copy out (V, then synaptic state rows 0 and 1: the excitatory and inhibitory
# current (nA) or conductance (uS) of the cell type, its ``synapse_state``; 'syn_row2': its third row, e.g. AdEx's w)
STATE_ROWS = {"v": 0, "syn_exc": 1, "syn_inh": 2, "syn_row2": 3}


class ProbePlan:
    """What to copy out of a run besides spikes: ``record_v`` = {population label: neuron indices (None: all)},
    ``record_weights`` = plastic projection names, one snapshot every ``every`` steps, at the steps whose stamp
    (step + offset) * dt is a multiple of ``every * dt`` (offset: the schedule's spike-stamp offset, so a V
    snapshot and a spike stamped at the same time show the same step). A ``record_v`` key (label, variable)
    copies that state variable instead of V (``STATE_ROWS``: 'syn_exc', 'syn_inh'), read back with
    ``Result.v((label, variable))``. ``first_step``: the absolute step a continued run starts at."""

    def __init__(self, sim, n_steps, offset, record_v=None, record_weights=None, every=1, first_step=0):
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise SpecError(f"every={every!r} must be a positive whole number of time steps")
        self.every, self.offset = int(every), int(offset)
        self.v_labels, v_idx = {}, []
        n = sim.lowered.coefs.shape[1]
        for key, idx in (record_v or {}).items():
            # a key (label, variable) reads that state variable instead of V: ``STATE_ROWS``
            label, var = key if isinstance(key, tuple) and len(key) == 2 else (key, "v")
            if var not in STATE_ROWS:
                raise SpecError(f"record_v[{key!r}]: variable {var!r} is not one of {sorted(STATE_ROWS)}")
            pop = sim.net.population(label)
            if idx is None:
                idx = np.arange(pop.size)
            idx = np.atleast_1d(np.asarray(idx))
            if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer) or (idx.size and (
                    idx.min() < 0 or idx.max() >= pop.size)):
                raise SpecError(f"record_v[{label!r}] must be neuron indices in [0, {pop.size}), got {idx!r}")
            if CATALOGUE[pop.cell_type].is_source:
                raise SpecError(f"record_v[{label!r}]: {pop.cell_type} has no membrane potential")
            self.v_labels[key] = (sum(len(x) for x in v_idx), idx.astype(np.int64))
            v_idx.append(sim.offsets[label] + idx + STATE_ROWS[var] * n)
        self.w_names, w_idx = {}, []
        if isinstance(record_weights, str):
            record_weights = (record_weights,)
        for name in record_weights or ():
            m = sim.synapses.get(name)
            if m is None:
                raise SpecError(f"record_weights: no projection named {name!r}; have {sorted(sim.synapses)}")
            if m.table != "plastic":
                raise SpecError(f"record_weights: projection {name!r} is static; its weights never change")
            self.w_names[name] = (sum(len(x) for x in w_idx), len(m.index))
            w_idx.append(np.asarray(m.index, np.int64))
        self.v_idx = np.concatenate(v_idx).astype(np.int64) if v_idx else np.zeros(0, np.int64)
        self.w_idx = np.concatenate(w_idx).astype(np.int64) if w_idx else np.zeros(0, np.int64)
        steps = np.arange(first_step, first_step + n_steps)   # absolute steps (a continued run starts later)
        self.steps = steps[(steps + self.offset) % self.every == 0] if (self.v_idx.size or self.w_idx.size) \
            else np.zeros(0, np.int64)
        self.dt = sim.net.dt

    @property
    def times(self):
        """Time (ms) of each snapshot: (step + offset) * dt."""
        return (self.steps + self.offset) * self.dt

    def arrays(self, n_samples, ftype, guard_every=GUARD_EVERY):
        """The kernels' ``Probes`` for a chunk of ``n_samples`` samples."""
        from .kernels.schedules import Probes
        k = self.steps.size
        return Probes(self.every, self.offset, self.v_idx, np.zeros((n_samples, k, self.v_idx.size), ftype),
                      self.w_idx, np.zeros((n_samples, k, self.w_idx.size), ftype), int(guard_every),
                      np.zeros((n_samples, 3), np.int64))


def non_finite_error(sim, sample, step, neuron):
    """The NumericalError for a NaN / inf found in neuron ``neuron`` (global id) at ``step`` of ``sample``."""
    label = next(p.label for p in sim.net.populations
                 if sim.offsets[p.label] <= neuron < sim.offsets[p.label] + p.size)
    return NumericalError(
        f"NaN or inf in the state (membrane potential or synaptic input) of population {label!r}, neuron {neuron - sim.offsets[label]}, "
        f"at step {step} (t = {step * sim.net.dt:g} ms) of sample {sample}: check the weights, parameters and "
        f"time step (an unstable or overflowing value)", label=label, neuron=int(neuron - sim.offsets[label]),
        step=int(step), sample=int(sample))


def run_in_chunks(batch, chunk, n_recorded, n_steps, run_chunk, progress=False, desc="simulating"):
    """Run samples [0, batch) in chunks and collect their recorded spikes.

    ``run_chunk(a, z, out_t, out_i, n_out)`` simulates samples a..z-1 into spike buffers of a guessed capacity
    and returns whatever the caller keeps of the chunk; a chunk whose spikes overflowed is run again with room
    for all of them (runs are deterministic, so the rerun is the same run). Yields (a, z, kept, spikes) with
    spikes = [(steps, neuron ids)] per sample of the chunk."""
    chunk = batch if chunk is None else max(1, int(chunk))
    starts = range(0, batch, chunk)
    if progress:
        from tqdm.auto import tqdm
        starts = tqdm(starts, total=len(starts), unit="chunk", desc=desc)
    for a in starts:
        z = min(a + chunk, batch)
        cap = capacity_guess(n_recorded, n_steps)
        while True:
            out_t = np.zeros((z - a, cap), np.int64)
            out_i = np.zeros((z - a, cap), np.int32)
            n_out = np.zeros(z - a, np.int64)
            kept = run_chunk(a, z, out_t, out_i, n_out)
            if n_out.max(initial=0) <= cap:
                break
            cap = int(n_out.max())
        yield a, z, kept, [(out_t[b, :n_out[b]], out_i[b, :n_out[b]]) for b in range(z - a)]


class Result:
    """What a run hands back, built complete by the schedule: spike counts, spike times of recorded
    populations, plastic weights, and the schedule's own fields (``probes`` of the generic schedules: V and
    weight snapshots; 'nalsm': ``traces``, ``calcium``, ``modulator_state``)."""

    def __init__(self, sim, n_steps, seed, counts, times, index, plastic_weights, probes=None, **fields):
        self.net = sim.net
        self._offsets = sim.offsets
        self._synapses = sim.synapses
        self._static_w = sim.lowered.s_w
        self._recorded = sim.lowered.record      # per neuron: spike times kept (Simulator(record=...))
        self.n_steps = n_steps
        self.duration = n_steps * sim.net.dt
        self.seed = seed
        self.counts_all = counts                 # (batch, all neurons), int64
        self._times, self._index = times, index  # per sample: spike times (ms) and global neuron ids
        self.plastic_weights = plastic_weights   # (batch, plastic synapses), learned
        self._plan, self._v, self._w = probes if probes is not None else (None, None, None)
        for name, value in fields.items():       # the schedule's own result fields
            setattr(self, name, value)

    def v(self, label, sample=0):
        """Recorded membrane potentials of ``label``: (times ms (k,), values (k, recorded neurons)), the
        neurons in the order given to ``record_v`` (``v_index(label)``)."""
        if self._plan is None or label not in self._plan.v_labels:
            raise SpecError(f"V of {label!r} was not recorded; run with record_v={{{label!r}: indices}}")
        start, idx = self._plan.v_labels[label]
        return self._plan.times, self._v[self._sample(sample), :, start:start + idx.size]

    def gsyn(self, label, receptor="excitatory", sample=0):
        """Recorded synaptic input of ``label`` (the 'spinnaker' schedule in fixed point: the board's gsyn, the
        receptor's total input at the start of each tick, nA): (times ms (k,), values (k, recorded neurons)),
        the neurons as in ``v``."""
        if getattr(self, "_gsyn", None) is None:
            raise SpecError("gsyn is recorded by the 'spinnaker' schedule in fixed point only (record_v=...)")
        if receptor not in ("excitatory", "inhibitory"):
            raise SpecError(f"receptor={receptor!r} must be 'excitatory' or 'inhibitory'")
        times, _ = self.v(label, sample)
        start, idx = self._plan.v_labels[label]
        return times, self._gsyn[receptor == "inhibitory"][self._sample(sample), :, start:start + idx.size]

    def v_index(self, label):
        """Indices (within the population) of the neurons whose V was recorded."""
        if self._plan is None or label not in self._plan.v_labels:
            raise SpecError(f"V of {label!r} was not recorded")
        return self._plan.v_labels[label][1]

    def weight_history(self, projection, sample=0):
        """Recorded weights of a plastic projection: (times ms (k,), weights (k, synapses)), synapses in the
        order of ``weights(projection)``."""
        if self._plan is None or projection not in self._plan.w_names:
            raise SpecError(f"weights of {projection!r} were not recorded; run with record_weights=[{projection!r}]")
        start, k = self._plan.w_names[projection]
        return self._plan.times, self._w[self._sample(sample), :, start:start + k]

    @property
    def batch(self):
        return self.counts_all.shape[0]

    def _range(self, label):
        pop = self.net.population(label)
        a = self._offsets[label]
        return a, a + pop.size

    def _sample(self, sample):
        if not 0 <= sample < self.batch:
            raise SpecError(f"sample={sample!r} is out of range; this result holds {self.batch} samples")
        return sample

    def counts(self, label):
        """Spike counts of population ``label``: (batch, size)."""
        a, z = self._range(label)
        return self.counts_all[:, a:z]

    def spikes(self, label, sample=0):
        """(times in ms, neuron index within the population) of one sample, in time order. Raises SpecError for
        a population whose spike times were not recorded (``Simulator(net, record=[...])``; counts always are)."""
        a, z = self._range(label)
        if not self._recorded[a:z].all():
            raise SpecError(f"spike times of {label!r} were not recorded; build the Simulator with "
                            f"record=[..., {label!r}] (its spike counts are in counts({label!r}))")
        t, i = self._times[self._sample(sample)], self._index[self._sample(sample)]
        keep = (i >= a) & (i < z)
        return t[keep], (i[keep] - a).astype(np.int64)

    def spike_trains(self, label, sample=0):
        """Spike times per neuron of population ``label``: a list of arrays (ms)."""
        t, i = self.spikes(label, sample)
        size = self.net.population(label).size
        return [t[i == k] for k in range(size)]

    def weights(self, projection, sample=0):
        """Weights of a projection as (pre, post, weight) arrays (learned values for plastic synapses)."""
        try:
            m = self._synapses[projection]
        except KeyError:
            raise SpecError(f"no projection named {projection!r}; have {sorted(self._synapses)}") from None
        w = self.plastic_weights[self._sample(sample)] if m.table == "plastic" else self._static_w
        pre_off = self._offsets[self.net_projection(projection).pre]
        post_off = self._offsets[self.net_projection(projection).post]
        return m.pre - pre_off, m.post - post_off, np.asarray(w[m.index])

    def net_projection(self, name):
        for p in self.net.projections:
            if p.name == name:
                return p
        raise SpecError(f"no projection named {name!r}")
