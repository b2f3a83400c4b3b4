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

from .errors import NumericalError, SpecError
from .kernels.schedules import run_batch, run_serial
from .lowering import STAMP_OFFSET, lower
from .monitors import ProbePlan, Result, non_finite_error, run_in_chunks
from .resources import check_run, estimate_run, memory_limit
from .run_state import check_state, fresh_state, no_state, take
from .stimuli import lower_stimuli, take_samples
from .validate import check_run_args, finite_array

from .registry import SCHEDULE_IDS  # noqa: E402  (re-exported: the generic schedules' ids)


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
            chunk=None, progress=False, carry_over=False, traces=None, record_v=None, record_weights=None,
            every=1, memory_limit=None, keep_weights=True, calcium=None, state=None):
        """Simulate ``batch`` independent samples for ``duration`` ms.

        stimuli: {label: array} for ``SpikeSourceInput`` populations: a bool array (batch or 1, size, steps) of
        spikes per step, or a float array (batch or 1, size) of per-step spike probabilities (Bernoulli).
        plastic_weights: start values of the plastic synapses, (n_plastic,) or (batch, n_plastic); default: the
        network's initial weights. Each sample starts from them; the learned weights are in the result.
        carry_over ('nalsm' schedule): run the samples in sequence, each starting from the weights, plasticity
        traces and calcium the previous one left (the result holds one row of final weights, traces, calcium).
        traces ('nalsm' schedule): start values of the per-neuron STDP traces, (n,) or (batch, n); default 0.
        calcium ('nalsm' schedule): start values of the per-neuron calcium of a ``CalciumGate``, shaped as traces;
        default 0.
        record_v: {population label: neuron indices (None: all)} whose membrane potential is copied out every
        ``every`` steps ('exact' and 'spinnaker' schedules): ``Result.v(label)``.
        record_weights: names of plastic projections whose weights are copied out every ``every`` steps:
        ``Result.weight_history(name)``.
        A NaN or inf in a neuron's state stops the run with ``snn.errors.NumericalError`` (population, neuron,
        step).
        memory_limit: bytes the run may take (default: 80% of physical memory, or $SNN_MEMORY_LIMIT; 0: no
        check). A run estimated above it is refused before anything is allocated (``ResourceError``).
        keep_weights ('nalsm' schedule, independent samples): False drops each sample's learned weights (the
        result's ``plastic_weights`` is None) and never makes a (batch, synapses) array: feature extraction.
        state ('exact' and 'spinnaker' schedules): a ``RunState`` (``initial_state(batch)`` or a previous result's
        ``.state``) to continue from: the run covers steps state.t0 .. state.t0 + n_steps - 1, spike and probe
        times are absolute, SpikeSourceArray times outside those steps are left to other calls, and the
        result's ``state`` continues it (snn/run_state.py). Pass the previous ``plastic_weights`` too.
        """
        net = self.net
        n_steps, batch = check_run_args(net.dt, duration, batch, seed, sample_offset, chunk, carry_over)
        stimuli = {} if stimuli is None else stimuli
        if not isinstance(stimuli, dict):
            raise SpecError(f"stimuli must be a dict {{population label: array}}, got {type(stimuli).__name__}")
        shapes = {k: _shape(v) for k, v in stimuli.items()}
        n_stim = sum(net.population(k).size for k, sh in shapes.items() if isinstance(k, str) and
                     k in self.offsets and len(sh) == 2)
        shared = all(len(sh) != 3 or sh[0] == 1 for sh in shapes.values())
        parts = estimate_run(self.lowered, self.initial_plastic_weights.size, batch, n_steps, chunk,
                             n_stim_inputs=n_stim, events_shared=shared, traces=self._ext is not None,
                             ftype_size=self.dtype.itemsize)
        check_run(parts, _limit(memory_limit), what=f"run(duration={duration}, batch={batch})")
        if state is not None:
            if self._ext is not None:
                raise SpecError("state= (continuing a run) is an option of the 'exact' and 'spinnaker' schedules")
            check_state(state, self.lowered, batch, self.dtype)
        t0 = 0 if state is None else int(state.t0)
        stim = lower_stimuli(net, self.offsets, stimuli, batch, n_steps, STAMP_OFFSET[net.schedule], seed,
                             first_step=None if state is None else t0)
        if plastic_weights is None:
            w0 = self.initial_plastic_weights
        else:
            w0 = finite_array("plastic_weights", plastic_weights, self.dtype)
        if w0.ndim not in (1, 2) or w0.shape[-1] != self.initial_plastic_weights.shape[0] or \
                (w0.ndim == 2 and w0.shape[0] not in (1, batch)):
            raise SpecError(f"plastic_weights has shape {w0.shape}; expected ({self.initial_plastic_weights.size},)"
                            f" or ({batch}, {self.initial_plastic_weights.size})")
        traces = self._neuron_state("traces", traces, 1 if carry_over else batch)
        calcium = self._neuron_state("calcium", calcium, 1 if carry_over else batch)
        if traces is not None and self._ext is not None and self._ext.gate[0] and traces.min() < 0:
            raise SpecError("traces must be >= 0 in a network with a CalciumGate (it passes each STDP term by "
                            "its sign, which is the rate's only for traces >= 0)")
        if self._ext is not None:
            from .schedule_nalsm import run_nalsm
            shared_w = not keep_weights and not carry_over and (w0.ndim == 1 or w0.shape[0] == 1)
            w = np.array(w0.reshape(1, -1) if shared_w else np.broadcast_to(w0, (batch, w0.shape[-1])),
                         dtype=self.dtype)
            counts, times, index, w, x, c, mod = run_nalsm(self, stim, batch, sample_offset, n_steps, w, traces,
                                                           carry_over, chunk, progress, keep_weights=not shared_w,
                                                           calcium=calcium)
            _check_finite(w, x, c, mod)
            res = Result(self, n_steps, seed, counts, [t * net.dt for t in times], index, w)
            res.traces = x                 # final STDP traces (batch or 1, n)
            res.calcium = c                # final calcium (batch or 1, n; zeros without a CalciumGate)
            res.modulator_state = mod      # final (A, w_A, b_A) of the astrocyte per sample (zeros if none)
            return res
        w = np.array(np.broadcast_to(w0, (batch, w0.shape[-1])), dtype=self.dtype)
        if carry_over or traces is not None or calcium is not None or not keep_weights:
            raise SpecError(f"carry_over, traces, calcium and keep_weights are options of the 'nalsm' schedule, "
                            f"not {net.schedule!r}")
        plan = ProbePlan(self, n_steps, STAMP_OFFSET[net.schedule], record_v, record_weights, every, first_step=t0)
        run_state = no_state(self.lowered, self.dtype) if state is None else state
        n = self.lowered.coefs.shape[1]
        counts = np.zeros((batch, n), np.int64)
        times, index = [None] * batch, [None] * batch
        out_v = np.zeros((batch, plan.steps.size, plan.v_idx.size), self.dtype)
        out_w = np.zeros((batch, plan.steps.size, plan.w_idx.size), self.dtype)

        def run_chunk(a, z, out_t, out_i, n_out):
            cnt, wb = np.zeros((z - a, n), np.int64), w[a:z].copy()
            probes = plan.arrays(z - a, self.dtype)
            runner = run_batch if z - a > 1 and numba.get_num_threads() > 1 else run_serial
            runner(SCHEDULE_IDS[net.schedule], self.lowered, take_samples(stim, a, z), z - a, sample_offset + a,
                   n_steps, wb, cnt, out_t, out_i, n_out, probes, take(run_state, a, z))
            bad = np.flatnonzero(probes.err[:, 0])
            if bad.size:
                self._raise_non_finite(stim, a + int(bad[0]), sample_offset, n_steps, w, plan,
                                       int(probes.err[bad[0], 1]))
            return cnt, wb, probes

        for a, z, (cnt, wb, probes), spikes in run_in_chunks(batch, chunk, int(self.lowered.record.sum()), n_steps,
                                                             run_chunk, progress):
            counts[a:z], w[a:z] = cnt, wb
            out_v[a:z], out_w[a:z] = probes.out_v, probes.out_w
            for b, (steps, ids) in enumerate(spikes):
                times[a + b] = (steps + STAMP_OFFSET[net.schedule]) * net.dt
                index[a + b] = ids
        _check_finite(w)
        res = Result(self, n_steps, seed, counts, times, index, w)
        res._set_probes(plan, out_v, out_w)
        res.state = None if state is None else state._replace(t0=np.int64(t0 + n_steps))
        return res

    def initial_state(self, batch=1):
        """A ``RunState`` at t = 0 for ``batch`` samples, to pass as ``run(..., state=)`` ('exact' and
        'spinnaker' schedules)."""
        return fresh_state(self.lowered, batch, self.dtype)

    def _neuron_state(self, name, value, rows):
        """``traces`` / ``calcium`` as given: None, or a finite (n,) or (1 or rows, n) float64 array."""
        if value is None:
            return None
        value = finite_array(name, value, np.float64)
        n = self.lowered.coefs.shape[1]
        if value.ndim not in (1, 2) or value.shape[-1] != n or (value.ndim == 2 and value.shape[0] not in (1, rows)):
            raise SpecError(f"{name} have shape {value.shape}; expected ({n},) or ({rows}, {n})")
        return value

    def _raise_non_finite(self, stim, b, sample_offset, n_steps, w, plan, seen_at):
        """Sample ``b`` went non-finite by step ``seen_at`` (the kernels check every few steps): rerun it alone
        with a check every step to name the first step and neuron, then raise NumericalError."""
        n = self.lowered.coefs.shape[1]
        steps = min(n_steps, seen_at + 1)
        out_t, out_i, n_out = np.zeros((1, 1), np.int64), np.zeros((1, 1), np.int32), np.zeros(1, np.int64)
        probes = ProbePlan(self, steps, 0).arrays(1, self.dtype, guard_every=1)
        run_serial(SCHEDULE_IDS[self.net.schedule], self.lowered, take_samples(stim, b, b + 1), 1,
                   sample_offset + b, steps, w[b:b + 1].copy(), np.zeros((1, n), np.int64), out_t, out_i, n_out,
                   probes, no_state(self.lowered, self.dtype))
        step, neuron = int(probes.err[0, 1]), int(probes.err[0, 2])
        if probes.err[0, 0] == 0:     # not reproduced (a deterministic run always is): report what was seen
            step, neuron = seen_at, int(probes.err[0, 2])
        raise non_finite_error(self, sample_offset + b, step, neuron)


def _check_finite(*arrays):
    """A run never hands back NaN or infinite state silently."""
    for a in arrays:
        if a is not None and a.size and not np.all(np.isfinite(a)):
            raise NumericalError("the run produced NaN or infinite plastic weights, traces or modulator state; "
                                  "check the magnitudes of weights, rates and plasticity parameters")


def _shape(value):
    """Shape of a stimulus as given (() when it is not an array; lower_stimuli then says why)."""
    try:
        return np.shape(value)
    except (TypeError, ValueError):
        return ()


def _limit(override):
    return memory_limit(override)
