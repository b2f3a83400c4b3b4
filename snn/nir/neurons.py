"""NIR's neuron nodes <-> snn's PyNN cell types, both directions, with the unit conversions in one place.

NIR's definitions (``nir/ir/neuron.py``, ``threshold.py``, nir 1.0.x), input ``I(t) = W s(t) + b`` with spikes
``s`` as Dirac deltas (the NIR paper, Pedersen et al. 2024, Nat. Commun. 15:8122):
  LIF       tau dv/dt = (v_leak - v) + R I;  spike when v > v_threshold, then v = v_reset
  IF        dv/dt = R I;                    same threshold and reset
  LI, I     as LIF, IF without threshold (non-spiking: their output is v)
  CubaLIF   tau_syn dI_s/dt = -I_s + w_in I;  tau_mem dv/dt = (v_leak - v) + R I_s;  threshold and reset
  CubaLI    as CubaLIF without threshold
  Threshold z = H(I - threshold)

Mapping (PyNN's equations: ``cm dv/dt = cm (v_rest - v) / tau_m + I_syn + i_offset``, so R = tau_m / cm):
  LIF   -> IF_curr_delta  tau_m = tau, cm = tau / R, v_rest = v_leak; a delta of weight w steps v by R w / tau
                          (the weight in mV); b -> i_offset. Exact between grid points (NEST iaf_psc_delta).
  IF    -> IF_curr_delta  with tau_m = cm = NO_LEAK (1e9, the largest parameter snn accepts; snn's R = 1): a delta
                          steps v by R w, i_offset = R b; V decays by exp(-dt / 1e9) per step instead of 1
                          (relative error <= n_steps dt / 1e9 of |v|).
  CubaLIF -> IF_curr_exp  tau_syn_E = tau_syn_I = tau_syn, tau_m = tau_mem, cm = tau_mem / R; a delta steps I_s by
                          w_in w / tau_syn (the weight in nA). Exact between grid points (NEST iaf_psc_exp). The
                          bias becomes i_offset = w_in b: NIR filters a constant bias through the synapse (it
                          reaches the membrane as w_in b (1 - exp(-t / tau_syn))), snn applies it from t = 0; the
                          difference in v is R w_in b tau_syn / (tau_mem - tau_syn) (exp(-t/tau_mem) -
                          exp(-t/tau_syn)), at most R |w_in b| and gone after a few tau_mem.
  LI, I, CubaLI -> as LIF, IF, CubaLIF with v_thresh = NO_SPIKE (1e9 mV): they never spike, read v.
  Threshold -> IF_curr_delta with tau_m = dt / 1000 (exp(-1000) underflows to 0: no memory), cm = tau_m: v is this
                          step's input W s_t + b, spike when above threshold (one spike per step at most).
Thresholds: NIR fires on v > v_threshold, snn on v >= v_thresh; v_thresh = nextafter(v_threshold, +inf) makes the
two the same test on floats. No node has a refractory period (tau_refrac = 0). v starts at v_leak (0 for IF, I).
"""
import numpy as np

from ..cells import CATALOGUE
from ..errors import SpecError
from ..spec import MAX_MAGNITUDE, Population

NO_LEAK = MAX_MAGNITUDE        # ms: the membrane time constant that stands for "no leak" (IF, I)
NO_SPIKE = MAX_MAGNITUDE       # mV: the threshold that stands for "never spikes" (LI, I, CubaLI)
MEMORYLESS = 1e-3              # tau_m / dt of a Threshold node


def cell_for(kind):
    """The cell type whose registry entry maps to NIR node ``kind`` ('CubaLIF', 'LIF', 'Input'; ``CellType.nir``)."""
    return next(ct.name for ct in CATALOGUE.values() if ct.nir == kind)


def require_nir():
    """The ``nir`` package, or a clear error naming how to install it."""
    try:
        import nir
    except ImportError:
        raise SpecError("snn.nir needs the optional nir package: pip install 'snn[nir]' (or 'nir>=1.0,<1.1')") \
            from None
    return nir


def _arr(node, name, n, where):
    a = np.asarray(getattr(node, name), float).ravel()
    if a.size not in (1, n):
        raise SpecError(f"{where}: {name} has {a.size} values for {n} neurons")
    if not np.all(np.isfinite(a)):
        raise SpecError(f"{where}: {name} holds NaN or infinite values")
    return np.broadcast_to(a, (n,))


def _value(a):
    """A scalar when every neuron has the same value (lowering is then per population), else a list."""
    return float(a[0]) if np.all(a == a[0]) else [float(x) for x in a]


def _positive(a, name, where):
    if not np.all(a > 0):
        raise SpecError(f"{where}: {name} must be > 0, got {float(a[a <= 0][0])!r}")
    return a


def size_of(node):
    """Neurons of a neuron node (from its parameter arrays)."""
    import nir
    first = {nir.LIF: "tau", nir.CubaLIF: "tau_mem", nir.CubaLI: "tau_mem", nir.LI: "tau", nir.IF: "r",
             nir.I: "r", nir.Threshold: "threshold"}[type(node)]
    return int(np.asarray(getattr(node, first)).size)


def population(name, node, n, bias, dt):
    """(Population of the neuron node ``node``, per-neuron factor from NIR signal to snn weight)."""
    import nir
    where = f"NIR node {name!r} ({type(node).__name__})"
    a = lambda k: _arr(node, k, n, where)       # noqa: E731
    spiking = not isinstance(node, (nir.LI, nir.I, nir.CubaLI))
    if isinstance(node, nir.Threshold):
        tau_m = dt * MEMORYLESS
        p = dict(tau_m=tau_m, cm=tau_m, v_rest=0.0, tau_refrac=0.0, i_offset=_value(bias))
        thr = np.nextafter(a("threshold"), np.inf)
        p.update(v_thresh=_value(thr), v_reset=_value(thr - np.maximum(1.0, np.abs(thr))))
        return Population(name, n, cell_for("LIF"), p, initial_values=dict(v=0.0)), np.ones(n)
    r = _positive(a("r"), "r", where)
    if isinstance(node, (nir.CubaLIF, nir.CubaLI)):
        tau_m, tau_syn = _positive(a("tau_mem"), "tau_mem", where), _positive(a("tau_syn"), "tau_syn", where)
        w_in, v_rest = a("w_in"), a("v_leak")
        p = dict(cm=_value(tau_m / r), tau_m=_value(tau_m), tau_syn_E=_value(tau_syn), tau_syn_I=_value(tau_syn),
                 tau_refrac=0.0, v_rest=_value(v_rest), i_offset=_value(w_in * bias))
        cell, scale = cell_for("CubaLIF"), w_in / tau_syn
    else:
        leaky = isinstance(node, (nir.LIF, nir.LI))
        tau_m = _positive(a("tau"), "tau", where) if leaky else np.full(n, NO_LEAK)
        v_rest = a("v_leak") if leaky else np.zeros(n)
        # IF, I: cm = tau_m (snn's R = 1) with R folded into weights and bias, so that any R > 0 fits (tau_m / R
        # could exceed the largest parameter snn accepts)
        cm, i_off = (tau_m / r, bias) if leaky else (tau_m, r * bias)
        p = dict(cm=_value(cm), tau_m=_value(tau_m), tau_refrac=0.0, v_rest=_value(v_rest), i_offset=_value(i_off))
        cell, scale = cell_for("LIF"), r / tau_m if leaky else r
    if spiking:
        thr, reset = np.nextafter(a("v_threshold"), np.inf), a("v_reset")
        if np.any(reset >= thr):
            raise SpecError(f"{where}: v_reset must lie below v_threshold (snn resets only downwards)")
        p.update(v_thresh=_value(thr), v_reset=_value(reset))
    else:
        p.update(v_thresh=NO_SPIKE, v_reset=_value(v_rest))
    return Population(name, n, cell, p, initial_values=dict(v=_value(v_rest))), np.asarray(scale, float)


def nir_node(pop, dt):
    """(NIR node of population ``pop``, per-neuron factor from snn weight to NIR signal); the inverse of
    ``population`` (i_offset is the NIR bias as it is)."""
    import nir
    where = f"population {pop.label!r} ({pop.cell_type})"
    n = pop.size
    kind = CATALOGUE[pop.cell_type].nir
    if kind not in ("CubaLIF", "LIF"):
        raise SpecError(f"{where}: NIR export supports {cell_for('CubaLIF')} (CubaLIF, CubaLI), {cell_for('LIF')} "
                        f"(LIF, IF, LI, I, Threshold) and {cell_for('Input')} (Input)")
    par = {k: np.broadcast_to(np.asarray(v, float), (n,)).copy() for k, v in pop.parameters().items()}
    if np.any(par["tau_refrac"] > 0):
        raise SpecError(f"{where}: tau_refrac={pop.parameters()['tau_refrac']!r}; NIR's neurons have no "
                        f"refractory period, export needs tau_refrac=0")
    v0 = np.broadcast_to(np.asarray(pop.initial_values.get("v", par["v_rest"]), float), (n,))
    if np.any(v0 != par["v_rest"]):
        raise SpecError(f"{where}: initial v differs from v_rest; NIR has no initial state (v starts at v_leak)")
    r = par["tau_m"] / par["cm"]
    spiking = not np.all(par["v_thresh"] >= NO_SPIKE)
    thr = np.nextafter(par["v_thresh"], -np.inf)
    if kind == "CubaLIF":
        if np.any(par["tau_syn_E"] != par["tau_syn_I"]):
            raise SpecError(f"{where}: tau_syn_E != tau_syn_I; NIR's CubaLIF has one synaptic time constant")
        common = dict(tau_syn=par["tau_syn_E"], tau_mem=par["tau_m"], r=r, v_leak=par["v_rest"])
        node = nir.CubaLIF(**common, v_threshold=thr, v_reset=par["v_reset"]) if spiking else nir.CubaLI(**common)
        return node, par["tau_syn_E"]
    if np.all(par["tau_m"] <= dt * MEMORYLESS * (1 + 1e-12)):
        if not (np.all(par["v_rest"] == 0) and np.all(par["cm"] == par["tau_m"]) and spiking):
            raise SpecError(f"{where}: a memoryless {pop.cell_type} (tau_m <= dt/1000) exports as NIR Threshold "
                            f"only with v_rest=0 and cm=tau_m")
        return nir.Threshold(threshold=thr), np.ones(n)
    if np.all(par["tau_m"] >= NO_LEAK):
        if np.any(par["v_rest"] != 0):
            raise SpecError(f"{where}: tau_m={NO_LEAK:g} exports as NIR IF / I (no leak) only with v_rest=0")
        node = nir.IF(r=r, v_threshold=thr, v_reset=par["v_reset"]) if spiking else nir.I(r=r)
        return node, 1.0 / r
    common = dict(tau=par["tau_m"], r=r, v_leak=par["v_rest"])
    node = nir.LIF(**common, v_threshold=thr, v_reset=par["v_reset"]) if spiking else nir.LI(**common)
    return node, par["tau_m"] / r

