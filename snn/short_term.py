"""Synapses whose transmission depends on more than a weight: short-term depression and facilitation
(``TsodyksMarkram``) and unreliable release (``StochasticRelease``). Data only; they lower to a row of the
plastic-synapse rule table (kinds 2 and 3 of ``snn/kernels/stdp.py``, kernels in ``snn/kernels/short_term.py``)
and keep their weight fixed: the engine's plastic table is used for its per-synapse state and per-sample rows.
"""
from dataclasses import dataclass

from .kernels.stdp import KIND_RELEASE, KIND_TSODYKS
from .validate import field_problems


@dataclass(frozen=True)
class TsodyksMarkram:
    """Short-term plasticity as NEST's ``tsodyks_synapse`` (models/tsodyks_synapse.h), what pyNN.nest runs for
    PyNN's ``TsodyksMarkramSynapse``. Per synapse: release probability u, recovered x and active y resources
    (starting at u = 0, x = 1, y = 0); at each presynaptic spike, h ms after the previous one:

        u <- u e^(-h/tau_facil) (0 when tau_facil = 0);  x <- x + Pxy y - expm1(-h/tau_rec) (1 - x - y);
        y <- y e^(-h/tau_psc);  u <- u + U (1 - u);  the synapse transmits weight * u * x;  x -= u x;  y += u x

    with Pxy = (expm1(-h/tau_rec) tau_rec - (e^(-h/tau_psc) - 1) tau_psc) / (tau_psc - tau_rec). tau_psc is the
    postsynaptic current's time constant (pyNN.nest copies the post cell's tau_syn_E / tau_syn_I)."""
    U: float = 0.5
    tau_rec: float = 100.0
    tau_facil: float = 0.0
    tau_psc: float = 5.0

    schedules = ("exact",)
    pynn_name, pynn_backends, brian2 = None, (), False
    refusal = ("TsodyksMarkram (NEST's tsodyks_synapse, run by snn.pynn for PyNN's TsodyksMarkramSynapse) is not "
               "exported by the PyNN emitter yet", "static synapses")
    columns = ("tau_rec", "tau_facil", "U", "tau_psc")
    w_min, w_max, history = 0.0, float("inf"), 1      # the weight is not learned

    def row(self, dt):
        return [self.tau_rec / dt, self.tau_facil / dt, self.U, self.tau_psc / dt, 0.0, 0.0, KIND_TSODYKS]

    def problems(self):
        out = field_problems(self, self.columns)
        if out:
            return out
        # NEST's set_status checks (models/tsodyks_synapse.h)
        if not 0.0 <= self.U <= 1.0:
            out.append(f"TsodyksMarkram U={self.U!r} must lie in [0, 1]")
        for name in ("tau_rec", "tau_psc"):
            if not getattr(self, name) > 0:
                out.append(f"TsodyksMarkram {name}={getattr(self, name)!r} must be > 0 (ms)")
        if not self.tau_facil >= 0:
            out.append(f"TsodyksMarkram tau_facil={self.tau_facil!r} must be >= 0 (ms; 0: no facilitation)")
        if self.tau_psc == self.tau_rec:
            out.append(f"TsodyksMarkram tau_psc={self.tau_psc!r} must differ from tau_rec (the propagator "
                       f"divides by their difference)")
        return out


@dataclass(frozen=True)
class StochasticRelease:
    """Each presynaptic spike is transmitted with probability ``p``, independently per synapse and spike, as
    NEST's ``bernoulli_synapse`` (models/bernoulli_synapse.h), what pyNN.nest runs for PyNN's
    ``SimpleStochasticSynapse``. The draws come from snn's counter-based generator (the run's seed, the step and
    the synapse), so the same seed gives the same releases."""
    p: float = 0.5

    schedules = ("exact",)
    pynn_name, pynn_backends, brian2 = None, (), False
    refusal = ("StochasticRelease (NEST's bernoulli_synapse, run by snn.pynn for PyNN's SimpleStochasticSynapse) "
               "is not exported by the PyNN emitter yet", "static synapses with the weight scaled by p")
    columns = ("p",)
    w_min, w_max, history = 0.0, float("inf"), 1

    def row(self, dt):
        return [self.p, 0.0, 0.0, 0.0, 0.0, 0.0, KIND_RELEASE]

    def problems(self):
        out = field_problems(self, self.columns)
        if not out and not 0.0 <= self.p <= 1.0:
            out.append(f"StochasticRelease p={self.p!r} must lie in [0, 1]")
        return out
