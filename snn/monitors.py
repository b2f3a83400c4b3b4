"""Results of a run: spike counts (always), spike times of recorded populations, learned plastic weights."""
import numpy as np

from .errors import SpecError
from .resources import capacity_guess


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
    def __init__(self, sim, n_steps, seed, counts, times, index, plastic_weights):
        self.net = sim.net
        self._offsets = sim.offsets
        self._synapses = sim.synapses
        self._static_w = sim.lowered.s_w
        self.n_steps = n_steps
        self.duration = n_steps * sim.net.dt
        self.seed = seed
        self.counts_all = counts                 # (batch, all neurons), int64
        self._times, self._index = times, index  # per sample: spike times (ms) and global neuron ids
        self.plastic_weights = plastic_weights   # (batch, plastic synapses), learned

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
        """(times in ms, neuron index within the population) of one sample, in time order."""
        a, z = self._range(label)
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
