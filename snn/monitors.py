"""Results of a run: spike counts (always), spike times of recorded populations, learned plastic weights."""
import numpy as np

from .errors import SpecError


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
