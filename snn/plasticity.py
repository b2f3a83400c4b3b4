"""Synaptic plasticity rules (data only; the kernels live in ``snn/kernels/stdp.py``)."""
from dataclasses import dataclass

from .errors import SpecError


@dataclass(frozen=True)
class SpikePairSTDP:
    """Pair STDP with additive weight dependence, as sPyNNaker (7-era) executes it on the board.

    Deferred and event-driven: post spikes only enter a history of ``history`` entries (one is the t=0
    placeholder); every weight change is computed at the next presynaptic spike, with the synaptic delay counted
    as dendritic. ``A_plus``/``A_minus`` are absolute weight steps (not multiplied by ``w_max``) and every single
    update is clamped to [w_min, w_max]. See specs/ca3_cam.md section 3.2.
    """
    tau_plus: float = 20.0
    tau_minus: float = 20.0
    A_plus: float = 0.01
    A_minus: float = 0.01
    w_min: float = 0.0
    w_max: float = 1.0
    history: int = 16

    def problems(self):
        out = []
        for name in ("tau_plus", "tau_minus"):
            if not getattr(self, name) > 0:
                out.append(f"SpikePairSTDP {name}={getattr(self, name)!r} must be > 0")
        if not self.w_min <= self.w_max:
            out.append(f"SpikePairSTDP w_min={self.w_min!r} must be <= w_max={self.w_max!r}")
        if int(self.history) < 2:
            out.append(f"SpikePairSTDP history={self.history!r} must be >= 2 (one entry is the t=0 placeholder)")
        return out


PLASTICITY_RULES = (SpikePairSTDP,)


def check_rule(rule):
    if rule is not None and not isinstance(rule, PLASTICITY_RULES):
        raise SpecError(f"unknown plasticity {rule!r}; use one of {[r.__name__ for r in PLASTICITY_RULES]}")
    return rule
