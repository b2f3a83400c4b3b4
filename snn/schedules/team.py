"""The generic schedule's samples on K threads each (``run(..., threads=K)``): one sample after another, each split
by neuron range and post-synaptic range over K persistent threads (``snn/threads.py``,
``kernels/schedule_threads.py``); the same spikes, V and probes as one thread, bit for bit."""
import numpy as np

from ..cells import CATALOGUE
from ..errors import SpecError
from ..kernels.schedule_threads import Team, sample_part, start_sample
from ..kernels.spin_barrier import new_sync
from ..run_state import fresh_state
from ..threads import compile_for, neuron_bounds, run_team, split_rows


class TeamRunner:
    """A lowered network prepared for ``k`` threads: neuron bounds and the static table grouped by owner."""

    def __init__(self, sim, k):
        low = sim.lowered
        if low.p_post.shape[0] > 0:
            raise SpecError(f"threads={k}: a network with plastic synapses runs on one thread per sample (STDP "
                            f"updates a pre's trace and a post's history at once); use threads=1")
        n = low.coefs.shape[1]
        # A source's step is empty: balance the ranges by the neurons that update
        weight = np.ones(n)
        for p in sim.net.populations:
            if CATALOGUE[p.cell_type].is_source:
                weight[sim.offsets[p.label]:sim.offsets[p.label] + p.size] = 0.0
        self.k, self.bounds = k, neuron_bounds(n, k, weight)
        order, self.split = split_rows(low.s_ptr, low.s_post, self.bounds)
        self.net = low._replace(s_post=low.s_post[order], s_w=low.s_w[order], s_delay=low.s_delay[order],
                                s_rec=low.s_rec[order])
        self.dtype = sim.dtype

    def run(self, schedule_id, stim, n_samples, sample_offset, n_steps, counts, out_t, out_i, n_out, probes, state):
        """``kernels.schedules.run_serial``'s arguments (no plastic weights); ``state`` with no rows: fresh."""
        net, k = self.net, self.k
        n = net.coefs.shape[1]
        if state.v.shape[0] == 0:
            state = fresh_state(net, n_samples, self.dtype)
        widest = int(np.diff(self.bounds).max())
        for b in range(n_samples):
            start_sample(net, stim, b, sample_offset + b, state)
            team = Team(self.bounds, self.split, np.empty((2, k, widest), np.int64), np.zeros((2, k, 8), np.int64),
                        np.empty((2, n + stim.prob_idx.shape[0]), np.int64), np.zeros(2, np.int64),
                        np.zeros(k, np.int64), new_sync())
            fired_words = np.zeros((n + 7) // 8, np.uint64)
            args = [(schedule_id, net, stim, b, sample_offset + b, n_steps, counts, out_t, out_i, n_out, probes,
                     state, rank, team, fired_words) for rank in range(k)]
            compile_for(sample_part, args[0])
            run_team(sample_part, args, team.sync)
