"""The engine: lowers a ``spec.Network`` once, then runs batches of independent samples.

    sim = Simulator(net)                       # lowered and validated once
    res = sim.run(100.0, batch=8, seed=1)      # 8 independent samples, numba threads over samples
    res = sim.run(100.0, threads=2)            # one sample split over 2 threads (snn/threads.py), same spikes
    res.spike_trains("exc", sample=0)          # spike times (ms) per neuron

Spike times are stamped where the schedule puts them: 'spinnaker' at the tick t (t * dt, as the board records),
'exact' at the end of the step (t + 1) * dt, as NEST does. Same seed, same spikes, whatever the batch size,
chunking or thread count: every random draw is a function of (seed, global sample index, step, neuron).
"""

import numpy as np

from .errors import NumericalError, SpecError
from .lowering import lower
from .monitors import Result
from .registry import SCHEDULE_IDS  # noqa: F401 (re-exported: the generic schedules' ids)
from .resources import check_run, estimate_run, memory_limit
from .run_state import fresh_state
from .schedules import schedule_for
from .stimuli import lower_stimuli, silent_inputs
from .validate import check_run_args, finite_array



class Simulator:
    """A network lowered to arrays, ready to run. ``dtype``: float32 or float64 state and weights.
    ``record``: labels of populations whose spike times are kept (None: all; counts are always kept).
    ``schedule``: the object that owns the run of ``net.schedule`` (``snn.schedules``).
    ``arithmetic`` ('spinnaker' schedule): 'fixed' (default) computes in the board's integers, bit for bit;
    'float64' the same order in real numbers. ``spinnaker_version``: the sPyNNaker emulated, its host encoding
    and STDP: '2019' (5.x), '2021' (6.x) or '2022' (7-era STDP, the default); see snn/spinnaker_host.py. ``n_steps_per_timestep``: {population label: neuron updates
    per tick} (sPyNNaker's additional parameter; fixed point only)."""

    def __init__(self, net, dtype=np.float64, record=None, arithmetic="fixed", spinnaker_version=None,
                 n_steps_per_timestep=None):
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise SpecError(f"dtype={dtype!r} is not supported; use numpy.float32 or numpy.float64")
        self.net = net
        self.dtype = np.dtype(dtype)
        self.lowered, self.initial_plastic_weights, self.synapses, self.offsets = lower(net, self.dtype, record)
        spinnaker_only = arithmetic != "fixed" or spinnaker_version is not None or n_steps_per_timestep
        if net.schedule != "spinnaker" and spinnaker_only:
            raise SpecError(f"arithmetic, spinnaker_version and n_steps_per_timestep are options of the 'spinnaker' "
                            f"schedule, not {net.schedule!r}")
        if arithmetic == "float64" and any(n != 1 for n in (n_steps_per_timestep or {}).values()):
            raise SpecError("n_steps_per_timestep is emulated in the board's fixed point only (arithmetic='fixed')")
        self.arithmetic, self.spinnaker_version = arithmetic, spinnaker_version
        self.n_steps_per_timestep = n_steps_per_timestep
        self.schedule = schedule_for(self)

    def run(self, duration, batch=1, stimuli=None, seed=0, sample_offset=0, plastic_weights=None,
            chunk=None, progress=False, memory_limit=None, **options):
        """Simulate ``batch`` independent samples for ``duration`` ms.

        Options of every schedule:
        stimuli: {label: array} for ``SpikeSourceInput`` populations: a bool array (batch or 1, size, steps) of
        spikes per step, or a float array (batch or 1, size) of per-step spike probabilities (Bernoulli).
        plastic_weights: start values of the plastic synapses, (n_plastic,) or (batch, n_plastic); default: the
        network's initial weights. Each sample starts from them; the learned weights are in the result.
        seed, sample_offset (the global index of sample 0), chunk (samples per chunk), progress (a bar).
        memory_limit: bytes the run may take (default: 80% of physical memory, or $SNN_MEMORY_LIMIT; 0: no
        check). A run estimated above it is refused before anything is allocated (``ResourceError``).
        A NaN or inf in a neuron's state stops the run with ``snn.errors.NumericalError`` (population, neuron,
        step).

        Options of one schedule (``**options``; ``snn.schedules``): 'exact' / 'spinnaker': ``record_v`` =
        {population label: neuron indices (None: all)} whose membrane potential is copied out every ``every``
        steps (``Result.v``), ``record_weights`` = plastic projections whose weights are copied out
        (``Result.weight_history``), ``threads`` = K threads inside each sample (static synapses; neuron ranges and
        post-synaptic ranges, ``snn/threads.py``; the same results bit for bit as one thread), ``state`` = a ``RunState`` (``initial_state(batch)`` or a previous result's
        ``.state``) to continue from: the run covers steps state.t0 .. state.t0 + n_steps - 1 (absolute spike
        and probe times; SpikeSourceArray times outside them are left to other calls) and the result's
        ``state`` continues it (snn/run_state.py; pass the previous ``plastic_weights`` too). 'nalsm': ``carry_over`` (samples in sequence, each from the weights,
        traces and calcium the previous one left; the result holds one row of them), ``traces`` / ``calcium``
        (start values, (n,) or (batch, n); default 0), ``keep_weights`` (False: each sample's learned weights
        are dropped and no (batch, synapses) array is made: feature extraction).
        """
        net = self.net
        n_steps, batch = check_run_args(net.dt, duration, batch, seed, sample_offset, chunk)
        options = self.schedule.options(batch, **options)
        stimuli = silent_inputs(net) if stimuli is None else stimuli     # no stimuli: every input silent
        if not isinstance(stimuli, dict):
            raise SpecError(f"stimuli must be a dict {{population label: array}}, got {type(stimuli).__name__}")
        shapes = {k: _shape(v) for k, v in stimuli.items()}
        n_stim = sum(net.population(k).size for k, sh in shapes.items() if isinstance(k, str) and
                     k in self.offsets and len(sh) == 2)
        shared = all(len(sh) != 3 or sh[0] == 1 for sh in shapes.values())
        parts = estimate_run(self.lowered, self.initial_plastic_weights.size, batch, n_steps, chunk,
                             n_stim_inputs=n_stim, events_shared=shared, traces=self.schedule.keeps_traces,
                             ftype_size=self.dtype.itemsize)
        check_run(parts, _limit(memory_limit), what=f"run(duration={duration}, batch={batch})")
        state = options.get("state")     # a continued run ('exact' / 'spinnaker'): its steps start at state.t0
        stim = lower_stimuli(net, self.offsets, stimuli, batch, n_steps, self.schedule.stamp_offset, seed,
                             first_step=None if state is None else int(state.t0))
        if plastic_weights is None:
            w0 = self.initial_plastic_weights
        else:
            w0 = finite_array("plastic_weights", plastic_weights, self.dtype)
        if w0.ndim not in (1, 2) or w0.shape[-1] != self.initial_plastic_weights.shape[0] or \
                (w0.ndim == 2 and w0.shape[0] not in (1, batch)):
            raise SpecError(f"plastic_weights has shape {w0.shape}; expected ({self.initial_plastic_weights.size},)"
                            f" or ({batch}, {self.initial_plastic_weights.size})")
        fields = self.schedule.run(stim, batch, sample_offset, n_steps, w0, chunk, progress, **options)
        _check_finite(*(fields.get(k) for k in ("plastic_weights", "traces", "calcium", "modulator_state")))
        return Result(self, n_steps, seed, **fields)


    def initial_state(self, batch=1):
        """A ``RunState`` at t = 0 for ``batch`` samples, for ``run(..., state=)`` ('exact' / 'spinnaker'; in the
        'spinnaker' schedule's fixed point the board's integer ``BoardState``, snn/board_state.py)."""
        own = getattr(self.schedule, "initial_state", None)
        board = own(batch) if own is not None else None
        return board if board is not None else fresh_state(self.lowered, batch, self.dtype)


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
