"""The generic schedules, 'exact' and 'spinnaker': the per-step order of ``snn/kernels/schedules.py``, with every
population's cell type stepping by its registry kernel. Own options: membrane-potential and weight probes
(``record_v``, ``record_weights``, ``every``); own result fields: the probes."""
import numba
import numpy as np

from .base import Schedule
from .team import TeamRunner
from ..kernels.schedules import run_batch, run_serial
from ..lowering import STAMP_OFFSET
from ..monitors import ProbePlan, non_finite_error, run_in_chunks
from ..registry import SCHEDULE_IDS
from ..run_state import check_state, no_state, take
from ..stimuli import take_samples
from ..threads import check_threads


class GenericSchedule(Schedule):
    OPTIONS = {"record_v": None, "record_weights": None, "every": 1, "state": None, "threads": 1}

    def __init__(self, sim):
        super().__init__(sim)
        self.name = sim.net.schedule
        self.stamp_offset = STAMP_OFFSET[self.name]
        self.schedule_id = SCHEDULE_IDS[self.name]

    def run(self, stim, batch, sample_offset, n_steps, w0, chunk, progress, record_v=None, record_weights=None,
            every=1, state=None, threads=1):
        """record_v: {population label: neuron indices (None: all)} whose membrane potential is copied out every
        ``every`` steps (``Result.v``); record_weights: names of plastic projections whose weights are copied out
        (``Result.weight_history``); state: a ``RunState`` to continue from (snn/run_state.py), updated in place
        and handed on as the result's ``state`` with its next step; threads: threads inside each sample
        (``schedules/team.py``; the samples then run one after another), the same results bit for bit."""
        sim = self.sim
        threads = check_threads(threads)
        team = self._team(threads) if threads > 1 else None
        if state is not None:
            check_state(state, sim.lowered, batch, sim.dtype)
        t0 = 0 if state is None else int(state.t0)
        run_state = no_state(sim.lowered, sim.dtype) if state is None else state
        w = np.array(np.broadcast_to(w0, (batch, w0.shape[-1])), dtype=sim.dtype)
        plan = ProbePlan(sim, n_steps, self.stamp_offset, record_v, record_weights, every, first_step=t0)
        n = sim.lowered.coefs.shape[1]
        counts = np.zeros((batch, n), np.int64)
        times, index = [None] * batch, [None] * batch
        out_v = np.zeros((batch, plan.steps.size, plan.v_idx.size), sim.dtype)
        out_w = np.zeros((batch, plan.steps.size, plan.w_idx.size), sim.dtype)

        def run_chunk(a, z, out_t, out_i, n_out):
            cnt, wb = np.zeros((z - a, n), np.int64), w[a:z].copy()
            probes = plan.arrays(z - a, sim.dtype)
            if team is not None:
                team.run(self.schedule_id, take_samples(stim, a, z), z - a, sample_offset + a, n_steps, cnt, out_t,
                         out_i, n_out, probes, take(run_state, a, z))
            else:
                runner = run_batch if z - a > 1 and numba.get_num_threads() > 1 else run_serial
                runner(self.schedule_id, sim.lowered, take_samples(stim, a, z), z - a, sample_offset + a, n_steps,
                       wb, cnt, out_t, out_i, n_out, probes, take(run_state, a, z))
            bad = np.flatnonzero(probes.err[:, 0])
            if bad.size:
                self._raise_non_finite(stim, a + int(bad[0]), sample_offset, n_steps, w,
                                       int(probes.err[bad[0], 1]))
            return cnt, wb, probes

        for a, z, (cnt, wb, probes), spikes in run_in_chunks(batch, chunk, int(sim.lowered.record.sum()), n_steps,
                                                             run_chunk, progress):
            counts[a:z], w[a:z] = cnt, wb
            out_v[a:z], out_w[a:z] = probes.out_v, probes.out_w
            for b, (steps, ids) in enumerate(spikes):
                times[a + b] = (steps + self.stamp_offset) * sim.net.dt
                index[a + b] = ids
        return dict(counts=counts, times=times, index=index, plastic_weights=w, probes=(plan, out_v, out_w),
                    state=None if state is None else state._replace(t0=np.int64(t0 + n_steps)))

    def _team(self, k):
        """The network prepared for ``k`` threads (once per k: the static table grouped by owner)."""
        teams = self.__dict__.setdefault("_teams", {})
        if k not in teams:
            teams[k] = TeamRunner(self.sim, k)
        return teams[k]

    def _raise_non_finite(self, stim, b, sample_offset, n_steps, w, seen_at):
        """Sample ``b`` went non-finite by step ``seen_at`` (the kernels check every few steps): rerun it alone
        with a check every step to name the first step and neuron, then raise NumericalError."""
        sim = self.sim
        n = sim.lowered.coefs.shape[1]
        steps = min(n_steps, seen_at + 1)
        out_t, out_i, n_out = np.zeros((1, 1), np.int64), np.zeros((1, 1), np.int32), np.zeros(1, np.int64)
        probes = ProbePlan(sim, steps, 0).arrays(1, sim.dtype, guard_every=1)
        run_serial(self.schedule_id, sim.lowered, take_samples(stim, b, b + 1), 1, sample_offset + b, steps,
                   w[b:b + 1].copy(), np.zeros((1, n), np.int64), out_t, out_i, n_out, probes,
                   no_state(sim.lowered, sim.dtype))
        step, neuron = int(probes.err[0, 1]), int(probes.err[0, 2])
        if probes.err[0, 0] == 0:     # not reproduced (a deterministic run always is): report what was seen
            step, neuron = seen_at, int(probes.err[0, 2])
        raise non_finite_error(sim, sample_offset + b, step, neuron)
