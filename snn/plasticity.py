"""Synaptic plasticity rules and plasticity modulators (data only; the kernels live in ``snn/kernels/``).

Each rule names the schedules that run it (``schedules``) and lowers itself to one row of floats (``row``) whose
columns its kernel reads (``columns``).
"""
from dataclasses import dataclass


import numpy as np

from .errors import SpecError
from .short_term import StochasticRelease, TsodyksMarkram
from .validate import field_problems

TIMINGS = ("pair", "nearest")                       # sPyNNaker's SpikePairRule / SpikeNearestPairRule
WEIGHT_DEPENDENCES = ("additive", "multiplicative")  # AdditiveWeightDependence / MultiplicativeWeightDependence


@dataclass(frozen=True)
class SpikePairSTDP:
    """Pair STDP as sPyNNaker (7-era) executes it on the board.

    Deferred and event-driven: post spikes only enter a history of ``history`` entries (one is the t=0
    placeholder); every weight change is computed at the next presynaptic spike, with the synaptic delay counted
    as dendritic. See specs/ca3_cam.md section 3.2.

    ``timing``: 'pair' (all pairs through traces, ``timing_pair_impl.h``) or 'nearest' (nearest pairs only,
    ``timing_nearest_pair_impl.h``). ``weight_dependence``: 'additive' (``A_plus``/``A_minus`` absolute weight
    steps, not multiplied by ``w_max``, every single update clamped to [w_min, w_max]) or 'multiplicative'
    (``weight_multiplicative_impl.h``: steps of ``A_plus (w_max - w)`` and ``A_minus (w - w_min)``, unclamped).
    Other settings than pair + additive run only in the 'spinnaker' schedule's fixed point (the board's integers).
    """
    tau_plus: float = 20.0
    tau_minus: float = 20.0
    A_plus: float = 0.01
    A_minus: float = 0.01
    w_min: float = 0.0
    w_max: float = 1.0
    history: int = 16
    timing: str = "pair"
    weight_dependence: str = "additive"

    schedules = ("spinnaker",)
    # registry entry: PyNN's STDPMechanism(SpikePairRule, AdditiveWeightDependence) on these backends
    # (hardware/pynn.py maps the parameters), brian2's classic traces (hardware/brian2_ref.py)
    pynn_name = ("SpikePairRule", "AdditiveWeightDependence")
    pynn_backends = ("spinnaker", "nest", "mock")
    brian2 = True
    refusal = None
    columns = ("tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max")

    def row(self, dt):
        return [self.tau_plus / dt, self.tau_minus / dt, self.A_plus, self.A_minus, self.w_min, self.w_max]

    def problems(self):
        out = field_problems(self, self.columns)
        if not (isinstance(self.history, int) and not isinstance(self.history, bool)):
            out.append(f"SpikePairSTDP history={self.history!r} must be an integer")
        if out:
            return out
        for name in ("tau_plus", "tau_minus"):
            if not getattr(self, name) > 0:
                out.append(f"SpikePairSTDP {name}={getattr(self, name)!r} must be > 0")
        if not self.w_min <= self.w_max:
            out.append(f"SpikePairSTDP w_min={self.w_min!r} must be <= w_max={self.w_max!r}")
        if int(self.history) < 2:
            out.append(f"SpikePairSTDP history={self.history!r} must be >= 2 (one entry is the t=0 placeholder)")
        if self.timing not in TIMINGS:
            out.append(f"SpikePairSTDP timing={self.timing!r} is not one of {TIMINGS}")
        if self.weight_dependence not in WEIGHT_DEPENDENCES:
            out.append(f"SpikePairSTDP weight_dependence={self.weight_dependence!r} is not one of "
                       f"{WEIGHT_DEPENDENCES}")
        return out

    @property
    def float_kernel(self):
        """The float kernels (``kernels/stdp.py``) compute pair timing with additive weights only."""
        return (self.timing, self.weight_dependence) == (TIMINGS[0], WEIGHT_DEPENDENCES[0])


@dataclass(frozen=True)
class TraceSTDP:
    """All-to-all trace STDP, additive, applied every step (the NALSM rule, specs/nalsm.md 3.1).

    One trace per neuron, x <- decay * (x + a * s), read *before* this step's update. For synapse j -> i with
    signed weight w (spikes s of this step):

        mirrored=False (excitatory or input source):  dw =  eta_plus * x_j * s_i  -  eta_minus * x_i * s_j
        mirrored=True  (inhibitory source, w <= 0):   dw = -eta_minus * x_j * s_i  +  eta_plus * x_i * s_j

    so ``eta_plus`` scales every change that raises w and ``eta_minus`` every change that lowers it; then w is
    clipped to [w_min, w_max] (signed). ``eta_minus=None`` ties the depression rate to ``eta_plus`` (pure STDP).
    An ``Astrocyte`` in the network replaces ``eta_minus`` by its state A; a ``CalciumGate`` lets each term pass
    only in its window of the post neuron's calcium. ``lr_decay`` multiplies the rates
    once per step after the update (1.0: constant). Rates restart at their values at every sample.
    Weights are signed, so the rule runs where the post cell type has one current ('nalsm' schedule).
    """
    a: float = 0.1
    decay: float = 0.9047744744744745
    eta_plus: float = 0.15
    eta_minus: float = None
    w_min: float = 0.0
    w_max: float = 3.0
    mirrored: bool = False
    lr_decay: float = 1.0

    schedules = ("nalsm",)
    pynn_name, pynn_backends, brian2 = None, (), False
    refusal = ("TraceSTDP (all-to-all trace rule updated every step) is not a PyNN standard plasticity rule",
               "SpikePairSTDP (SpikePairRule + AdditiveWeightDependence), or static weights learned in the engine "
               "and exported")
    columns = ("a", "decay", "eta_plus", "eta_minus", "w_min", "w_max", "mirrored", "lr_decay")

    def row(self, dt):
        eta_minus = self.eta_plus if self.eta_minus is None else self.eta_minus
        return [self.a, self.decay, self.eta_plus, eta_minus, self.w_min, self.w_max, float(self.mirrored),
                self.lr_decay]

    def problems(self):
        out = field_problems(self, ("a", "decay", "eta_plus", "eta_minus", "w_min", "w_max", "lr_decay"),
                               allow_none=("eta_minus",))
        if out:
            return out
        if not 0.0 <= self.decay <= 1.0:
            out.append(f"TraceSTDP decay={self.decay!r} must lie in [0, 1] (the trace multiplier per step)")
        if not 0.0 <= self.lr_decay <= 1.0:
            out.append(f"TraceSTDP lr_decay={self.lr_decay!r} must lie in [0, 1]")
        if not self.w_min <= self.w_max:
            out.append(f"TraceSTDP w_min={self.w_min!r} must be <= w_max={self.w_max!r}")
        for name in ("a", "eta_plus", "eta_minus"):
            v = getattr(self, name)
            if v is not None and not v >= 0:
                out.append(f"TraceSTDP {name}={v!r} must be >= 0")
        return out


@dataclass(frozen=True)
class Astrocyte:
    """One scalar astrocyte per sample that sets the depression rate of every ``TraceSTDP`` synapse (the NALSM
    "leaky integrate and modulate" unit, specs/nalsm.md 3.2). Per step, after plasticity:

        A <- A + (w_A * (sum of spikes of ``plus`` populations - sum of spikes of ``minus``) + b_A - A) / tau_A

    then A, w_A and b_A are multiplied by ``decay`` (1.0: constant). A starts each sample at ``A0``, w_A at
    ``w_A`` and b_A at ``b_A``; A is not clipped. ``density`` < 1 listens to a random subset of
    round(density * size) neurons of each listed population (drawn from the network seed), the connection-density
    ablation. tau_A in ms.
    """
    # registry entry: what a PyNN backend says (hardware/capabilities.py); class attributes, not fields
    refusal = ("the astrocyte modulator sets a network-wide STDP depression rate every step from all spikes; PyNN "
               "has no such global modulator",
               "the same network without the modulator (constant depression rate), or static weights learned in "
               "the engine and exported as FromList weights")

    plus: tuple
    minus: tuple = ()
    w_A: float = 0.015
    b_A: float = 0.15
    tau_A: float = 100.0
    A0: float = 0.15
    density: float = 1.0
    decay: float = 1.0

    def trajectory(self, n_plus, n_minus, dt=1.0):
        """A after each step, given the spike counts per step of the ``plus`` and ``minus`` neurons (the update
        of the 'nalsm' schedule's step 10-11, written out in numpy). Returns an array as long as the counts."""
        n_plus, n_minus = np.asarray(n_plus, np.float64), np.asarray(n_minus, np.float64)
        if n_plus.shape != n_minus.shape or n_plus.ndim != 1:
            raise SpecError(f"n_plus and n_minus must be 1-D and equally long, got {n_plus.shape}, {n_minus.shape}")
        tau = self.tau_A / dt
        A, wA, bA = float(self.A0), float(self.w_A), float(self.b_A)
        out = np.empty(n_plus.size)
        for t in range(n_plus.size):
            A = A + (wA * (n_plus[t] - n_minus[t]) + bA - A) / tau
            A, wA, bA = A * self.decay, wA * self.decay, bA * self.decay
            out[t] = A
        return out

    def problems(self, labels=()):
        out = field_problems(self, ("w_A", "b_A", "tau_A", "A0", "density", "decay"))
        for side in ("plus", "minus"):
            v = getattr(self, side)
            if isinstance(v, str) or not isinstance(v, (tuple, list)):
                out.append(f"Astrocyte {side}={v!r} must be a tuple of population labels")
        if out:
            return out
        if not self.tau_A > 0:
            out.append(f"Astrocyte tau_A={self.tau_A!r} must be > 0 (ms)")
        if not 0.0 < self.density <= 1.0:
            out.append(f"Astrocyte density={self.density!r} must lie in (0, 1]")
        if not 0.0 <= self.decay <= 1.0:
            out.append(f"Astrocyte decay={self.decay!r} must lie in [0, 1]")
        for lab in tuple(self.plus) + tuple(self.minus):
            if labels and lab not in labels:
                out.append(f"Astrocyte listens to {lab!r}, which names no population; have {list(labels)}")
        return out


@dataclass(frozen=True)
class CalciumGate:
    """Activity-dependent gating of every ``TraceSTDP`` synapse by its postsynaptic neuron's calcium, the
    "AP-STDP" of the LSM+AP-STDP baseline (specs/nalsm.md 3.5). Per neuron and step, after the spikes and before
    plasticity (s: this step's spike):

        C <- C - C / tau_C + s          (with tau_C = 1000 ms at dt = 1 ms, C is about the rate in Hz)

    A term of the rule that raises w passes only where theta < C_post < theta + width (LTP window), a term that
    lowers w only where theta - width < C_post < theta (LTD window); elsewhere it is dropped. Both terms of a
    step are gated separately, then added and clipped once. C is per-neuron state that runs carry like the
    traces (``Simulator.run(calcium=...)``, ``Result.calcium``); it starts at 0 unless given. tau_C in ms.
    """
    refusal = ("the calcium gate (LSM+AP-STDP) lets STDP act only in windows of each neuron's running rate; PyNN "
               "has no such rule", "static weights learned in the engine (phase 1) and exported as FromList weights")

    theta: float = 37.0
    width: float = 22.0
    tau_C: float = 1000.0

    def problems(self, labels=()):
        out = field_problems(self, ("theta", "width", "tau_C"))
        if out:
            return out
        if not self.width > 0:
            out.append(f"CalciumGate width={self.width!r} must be > 0 (the half-width of the windows)")
        if not self.tau_C > 0:
            out.append(f"CalciumGate tau_C={self.tau_C!r} must be > 0 (ms)")
        return out


@dataclass(frozen=True)
class NestPairSTDP:
    """Pair STDP as NEST's ``stdp_synapse`` computes it (what pyNN.nest runs for an ``STDPMechanism`` of
    ``SpikePairRule`` and an Additive / Multiplicative weight dependence), evaluated at presynaptic spikes with
    the delay counted as dendritic, all-to-all pairing through the traces K+ (pre) and K- (post):

        potentiation, every post spike p with L - d < p <= T - d:  w += w_max A_plus (1 - w/w_max)^mu_plus K+(p)
        depression, K- just before T - d (post spikes strictly earlier): w -= w_max A_minus (w/w_max)^mu_minus K-

    each update clamped to [w_min, w_max] (NEST: models/stdp_synapse.h, lambda = A_plus, alpha = A_minus /
    A_plus, Wmax = w_max; PyNN maps Additive to mu = 0, Multiplicative to mu = 1; NEST takes w_min = 0).
    ``history`` post spikes are kept per neuron between two presynaptic spikes."""
    tau_plus: float = 20.0
    tau_minus: float = 20.0
    A_plus: float = 0.01
    A_minus: float = 0.01
    w_min: float = 0.0
    w_max: float = 1.0
    mu_plus: float = 0.0
    mu_minus: float = 0.0
    history: int = 64

    schedules = ("exact", "spinnaker")
    # registry facts: it is what snn.pynn runs for PyNN's STDPMechanism, and what the PyNN emitter
    # (hardware/pynn.py) writes back as one (the weight dependence chosen by mu); brian2_ref has no translation.
    # Not for sPyNNaker, whose pair rule is another one (SpikePairSTDP).
    pynn_name = ("SpikePairRule", "AdditiveWeightDependence, MultiplicativeWeightDependence, "
                 "AdditivePotentiationMultiplicativeDepression or GutigWeightDependence (by mu_plus, mu_minus)")
    pynn_backends = ("nest", "snn", "mock")
    brian2 = False
    refusal = None
    columns = ("tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max", "kind", "mu_plus", "mu_minus")
    KIND = 1.0    # the kernel's rule kind (snn/kernels/stdp.py): 0 sPyNNaker, 1 NEST

    def row(self, dt):
        return [self.tau_plus / dt, self.tau_minus / dt, self.A_plus, self.A_minus, self.w_min, self.w_max,
                self.KIND, self.mu_plus, self.mu_minus]

    def problems(self):
        out = field_problems(self, self.columns[:6] + self.columns[7:])
        if not (isinstance(self.history, int) and not isinstance(self.history, bool)):
            out.append(f"NestPairSTDP history={self.history!r} must be an integer")
        if out:
            return out
        for name in ("tau_plus", "tau_minus"):
            if not getattr(self, name) > 0:
                out.append(f"NestPairSTDP {name}={getattr(self, name)!r} must be > 0")
        if not 0 <= self.w_min <= self.w_max or self.w_max <= 0:
            out.append(f"NestPairSTDP needs 0 <= w_min={self.w_min!r} <= w_max={self.w_max!r} and w_max > 0")
        for name in ("mu_plus", "mu_minus"):
            if getattr(self, name) < 0:
                out.append(f"NestPairSTDP {name}={getattr(self, name)!r} must be >= 0")
        if self.history < 2:
            out.append(f"NestPairSTDP history={self.history!r} must be >= 2 (one entry is the t=0 placeholder)")
        return out


PLASTICITY_RULES = (SpikePairSTDP, TraceSTDP, NestPairSTDP, TsodyksMarkram, StochasticRelease)
MODULATORS = (Astrocyte, CalciumGate)

