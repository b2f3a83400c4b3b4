"""The 'nalsm' schedule (kernel: ``snn/kernels/nalsm_schedule.py``): its extra arrays (by-post index of the
plastic synapses, astrocyte weights, trace and calcium-gate constants), its options and its result fields.

Two ways to run many samples:

- independent (default): samples in parallel, each from the given weights and traces (per-sample copies);
  ``keep_weights=False`` drops each sample's learned weights (feature extraction: no (batch, synapses) array);
- ``carry_over=True``: samples in sequence, weights, traces and calcium carried from each sample to the next
  (one copy).

Options: ``carry_over``, ``traces`` and ``calcium`` (start values per neuron, (n,) or (batch or 1, n); default
0), ``keep_weights``. Result fields besides spikes and weights: ``traces`` (final STDP traces), ``calcium`` (final
calcium of a ``CalciumGate``, zeros without one), ``modulator_state`` (final (A, w_A, b_A) of the astrocyte per
sample, zeros without one).
"""
from collections import namedtuple

import numba
import numpy as np

from .base import Schedule
from ..cells import CATALOGUE
from ..errors import SpecError
from ..kernels.nalsm_schedule import AGE_CAP, nalsm_batch, nalsm_chain, nalsm_serial
from ..lowering import STAMP_OFFSET, by_post
from ..monitors import run_in_chunks
from ..plasticity import Astrocyte, CalciumGate, TraceSTDP
from ..stimuli import take_samples
from ..validate import check_flag, finite_array

NalsmArrays = namedtuple("NalsmArrays", "q_ptr q_syn q_pre q_rule p_pre is_cell astro_w astro trace gate exp_age")


def lower_arrays(net, low, offsets):
    """The schedule's own arrays (``NalsmArrays``), from the network and its lowered form."""
    n = low.coefs.shape[1]
    q_ptr, q_syn, p_pre = by_post(low.p_ptr, low.p_post.astype(np.int64), n)
    q_pre = np.ascontiguousarray(p_pre[q_syn])            # by-post copies: the STDP row pass reads them in order
    q_rule = np.ascontiguousarray(low.p_rule[q_syn])
    is_cell = np.zeros(n, np.bool_)
    for p in net.populations:
        is_cell[offsets[p.label]:offsets[p.label] + p.size] = not CATALOGUE[p.cell_type].is_source
    rules = [p.plasticity for p in net.projections if p.plasticity is not None]
    trace = np.array([0.0, 1.0])
    if rules:
        if not all(isinstance(r, TraceSTDP) for r in rules):
            raise SpecError("the 'nalsm' schedule runs TraceSTDP rules only")
        pairs = {(r.a, r.decay) for r in rules}
        if len(pairs) > 1:
            raise SpecError(f"TraceSTDP rules of one network must share a and decay (one trace per neuron); "
                            f"got (a, decay) = {sorted(pairs)}")
        trace = np.array(pairs.pop(), np.float64)
    astro_w = np.zeros(n, np.int8)
    astro = np.zeros(6)
    gate = np.zeros(5)
    for mod in net.modulators:
        if isinstance(mod, CalciumGate):
            gate[:] = [1.0, mod.tau_C / net.dt, mod.theta - mod.width, mod.theta, mod.theta + mod.width]
        if isinstance(mod, Astrocyte):
            rng = np.random.default_rng([int(net.seed), 0xA57])
            for labels, sign in ((mod.plus, 1), (mod.minus, -1)):
                for lab in labels:
                    size = net.population(lab).size
                    idx = np.arange(size) if mod.density >= 1.0 else \
                        np.sort(rng.choice(size, int(round(mod.density * size)), replace=False))
                    astro_w[offsets[lab] + idx] = sign
            astro[:] = [1.0, mod.w_A, mod.b_A, mod.tau_A / net.dt, mod.A0, mod.decay]
    exp_age = np.exp(-np.arange(AGE_CAP + 1, dtype=np.float64))
    return NalsmArrays(q_ptr, q_syn, q_pre, q_rule, p_pre, is_cell, astro_w, astro, trace, gate, exp_age)


def _neuron_state(name, given, rows, n):
    """Per-neuron state (traces, calcium) for ``rows`` samples: zeros, or ``given`` (n,) / (rows, n) copied."""
    if given is None:
        return np.zeros((rows, n), np.float64)
    return np.array(np.broadcast_to(np.asarray(given, np.float64), (rows, n)))


class NalsmSchedule(Schedule):
    name = "nalsm"
    stamp_offset = STAMP_OFFSET["nalsm"]
    OPTIONS = {"carry_over": False, "traces": None, "calcium": None, "keep_weights": True}
    keeps_traces = True

    def __init__(self, sim):
        super().__init__(sim)
        self.arrays = lower_arrays(sim.net, sim.lowered, sim.offsets)

    def options(self, batch, **given):
        opts = super().options(batch, **given)
        check_flag("carry_over", opts["carry_over"])
        check_flag("keep_weights", opts["keep_weights"])
        rows = 1 if opts["carry_over"] else batch
        n = self.sim.lowered.coefs.shape[1]
        for name in ("traces", "calcium"):
            if opts[name] is not None:
                value = finite_array(name, opts[name], np.float64)
                if value.ndim not in (1, 2) or value.shape[-1] != n or (value.ndim == 2 and
                                                                        value.shape[0] not in (1, rows)):
                    raise SpecError(f"{name} have shape {value.shape}; expected ({n},) or ({rows}, {n})")
                opts[name] = value
        if opts["traces"] is not None and self.arrays.gate[0] and opts["traces"].min() < 0:
            raise SpecError("traces must be >= 0 in a network with a CalciumGate (it passes each STDP term by "
                            "its sign, which is the rate's only for traces >= 0)")
        return opts

    def run(self, stim, batch, sample_offset, n_steps, w0, chunk, progress, carry_over=False, traces=None,
            calcium=None, keep_weights=True):
        sim = self.sim
        shared = not keep_weights and not carry_over and (w0.ndim == 1 or w0.shape[0] == 1)
        w = np.array(w0.reshape(1, -1) if shared else np.broadcast_to(w0, (batch, w0.shape[-1])), dtype=sim.dtype)
        if carry_over:
            w = np.ascontiguousarray(w[:1])
        n = sim.lowered.coefs.shape[1]
        rows = 1 if carry_over else batch
        x = _neuron_state("traces", traces, rows, n)
        c = _neuron_state("calcium", calcium, rows, n)
        counts = np.zeros((batch, n), np.int64)
        mod = np.zeros((batch, 3))
        times, index = [None] * batch, [None] * batch

        def run_chunk(a, z, out_t, out_i, n_out):
            cnt, mo = np.zeros((z - a, n), np.int64), np.zeros((z - a, 3))
            kernel = nalsm_chain if carry_over else \
                nalsm_batch if z - a > 1 and numba.get_num_threads() > 1 else nalsm_serial
            wb = w if shared else w.copy() if carry_over else w[a:z].copy()
            xb, cb = (x.copy(), c.copy()) if carry_over else (x[a:z].copy(), c[a:z].copy())
            args = (sim.lowered, self.arrays, take_samples(stim, a, z), z - a, sample_offset + a, n_steps, wb, xb,
                    cb, cnt, out_t, out_i, n_out, mo)
            kernel(*args) if carry_over else kernel(*args, shared)
            return cnt, mo, wb, xb, cb

        for a, z, (cnt, mo, wb, xb, cb), spikes in run_in_chunks(batch, chunk, int(sim.lowered.record.sum()),
                                                                 n_steps, run_chunk, progress):
            counts[a:z], mod[a:z] = cnt, mo
            if carry_over:
                w, x, c = wb, xb, cb
            else:
                x[a:z], c[a:z] = xb, cb
                if not shared:
                    w[a:z] = wb
            for b, (steps, ids) in enumerate(spikes):
                times[a + b], index[a + b] = (steps + self.stamp_offset) * sim.net.dt, ids
        return dict(counts=counts, times=times, index=index, plastic_weights=None if shared else w, traces=x,
                    calcium=c, modulator_state=mod)
