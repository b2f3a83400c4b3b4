"""The engine: lowers a ``spec.Network`` once, then runs batches of independent samples.

    sim = Simulator(net)                       # lowered and validated once
    res = sim.run(100.0, batch=8, seed=1)      # 8 independent samples, numba threads over samples
    res.spike_trains("exc", sample=0)          # spike times (ms) per neuron

Spike times are stamped where the schedule puts them: 'spinnaker' at the tick t (t * dt, as the board records),
'exact' at the end of the step (t + 1) * dt, as NEST does. Same seed, same spikes, whatever the batch size,
chunking or thread count: every random draw is a function of (seed, global sample index, step, neuron).
"""
import numba
import numpy as np

from .cells import CATALOGUE
from .errors import SpecError
from .kernels.schedules import EXACT, SPINNAKER, run_batch, run_serial
from .lowering import lower
from .monitors import Result, run_in_chunks
from .stimuli import lower_stimuli, take_samples

SCHEDULE_IDS = {"exact": EXACT, "spinnaker": SPINNAKER}
STAMP_OFFSET = {"exact": 1, "spinnaker": 0, "nalsm": 0}   # spike time = (step + offset) * dt


class Simulator:
    """A network lowered to arrays, ready to run. ``dtype``: float32 or float64 state and weights.
    ``record``: labels of populations whose spike times are kept (None: all; counts are always kept)."""

    def __init__(self, net, dtype=np.float64, record=None):
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise SpecError(f"dtype={dtype!r} is not supported; use numpy.float32 or numpy.float64")
        self.net = net
        self.dtype = np.dtype(dtype)
        self.lowered, self.initial_plastic_weights, self.synapses, self.offsets = lower(net, self.dtype, record)
        self._ext = None
        if net.schedule == "nalsm":   # its own kernel and extra arrays: snn/schedule_nalsm.py
            from .schedule_nalsm import lower_extras
            self._ext = lower_extras(net, self.lowered, self.offsets)

    def run(self, duration, batch=1, stimuli=None, seed=0, sample_offset=0, plastic_weights=None,
            chunk=None, progress=False, carry_over=False, traces=None, keep_weights=True):
        """Simulate ``batch`` independent samples for ``duration`` ms.

        stimuli: {label: array} for ``SpikeSourceInput`` populations: a bool array (batch or 1, size, steps) of
        spikes per step, or a float array (batch or 1, size) of per-step spike probabilities (Bernoulli).
        plastic_weights: start values of the plastic synapses, (n_plastic,) or (batch, n_plastic); default: the
        network's initial weights. Each sample starts from them; the learned weights are in the result.
        carry_over ('nalsm' schedule): run the samples in sequence, each starting from the weights and plasticity
        traces the previous one left (the result holds one row of final weights and traces).
        traces ('nalsm' schedule): start values of the per-neuron STDP traces, (n,) or (batch, n); default 0.
        keep_weights ('nalsm' schedule, independent samples): False drops each sample's learned weights (the
        result's ``plastic_weights`` is None) and never makes a (batch, synapses) array: feature extraction.
        """
        net = self.net
        n_steps = int(round(duration / net.dt))
        if n_steps <= 0 or abs(n_steps * net.dt - duration) > 1e-6 * max(1.0, duration):
            raise SpecError(f"duration={duration!r} ms must be a positive whole number of steps (dt={net.dt} ms)")
        if int(batch) != batch or batch < 1:
            raise SpecError(f"batch={batch!r} must be a positive integer")
        batch = int(batch)
        stim = lower_stimuli(net, self.offsets, stimuli or {}, batch, n_steps, STAMP_OFFSET[net.schedule], seed)
        w0 = self.initial_plastic_weights if plastic_weights is None else np.asarray(plastic_weights, self.dtype)
        if w0.shape[-1] != self.initial_plastic_weights.shape[0] or w0.ndim not in (1, 2) or \
                (w0.ndim == 2 and w0.shape[0] not in (1, batch)):
            raise SpecError(f"plastic_weights has shape {w0.shape}; expected ({self.initial_plastic_weights.size},)"
                            f" or ({batch}, {self.initial_plastic_weights.size})")
        if self._ext is not None:
            from .schedule_nalsm import run_nalsm
            shared = not keep_weights and not carry_over and (w0.ndim == 1 or w0.shape[0] == 1)
            w = np.array(w0.reshape(1, -1) if shared else np.broadcast_to(w0, (batch, w0.shape[-1])),
                         dtype=self.dtype)
            counts, times, index, w, x, mod = run_nalsm(self, stim, batch, sample_offset, n_steps, w, traces,
                                                   carry_over, chunk, progress, keep_weights=not shared)
            res = Result(self, n_steps, seed, counts, [t * net.dt for t in times], index, w)
            res.traces = x                 # final STDP traces (batch or 1, n)
            res.modulator_state = mod      # final (A, w_A, b_A) of the astrocyte per sample (zeros if none)
            return res
        w = np.array(np.broadcast_to(w0, (batch, w0.shape[-1])), dtype=self.dtype)
        if carry_over or traces is not None or not keep_weights:
            raise SpecError(f"carry_over, traces and keep_weights are options of the 'nalsm' schedule, not "
                            f"{net.schedule!r}")
        n = self.lowered.coefs.shape[1]
        counts = np.zeros((batch, n), np.int64)
        times, index = [None] * batch, [None] * batch

        def run_chunk(a, z, out_t, out_i, n_out):
            cnt, wb = np.zeros((z - a, n), np.int64), w[a:z].copy()
            runner = run_batch if z - a > 1 and numba.get_num_threads() > 1 else run_serial
            runner(SCHEDULE_IDS[net.schedule], self.lowered, take_samples(stim, a, z), z - a, sample_offset + a,
                   n_steps, wb, cnt, out_t, out_i, n_out)
            return cnt, wb

        for a, z, (cnt, wb), spikes in run_in_chunks(batch, chunk, int(self.lowered.record.sum()), n_steps,
                                                     run_chunk, progress):
            counts[a:z], w[a:z] = cnt, wb
            for b, (steps, ids) in enumerate(spikes):
                times[a + b] = (steps + STAMP_OFFSET[net.schedule]) * net.dt
                index[a + b] = ids
        return Result(self, n_steps, seed, counts, times, index, w)


def cell_types():
    """Names of the cell types in the catalogue."""
    return sorted(CATALOGUE)
