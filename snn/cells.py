"""The catalogue of cell types: one entry per model, with PyNN names, defaults (PyNN units: ms, mV, nF, nA) and
how the parameters lower to the per-neuron coefficients (``coefs[row, neuron]``) that the kernels read.

A new cell type = one entry here + its step in ``snn/kernels/neurons.py`` + one test against a naive version.
"""
from dataclasses import dataclass, field
import math

import numpy as np

from .errors import SpecError

# Model ids the kernels dispatch on (one branch per population, not per neuron).
SOURCE, IF_CURR_EXP, IF_COND_EXP, NALSM_LIF, IF_CURR_DELTA = 0, 1, 2, 3, 4

# Rows of the coefficient table ``coefs[row, neuron]`` (each coefficient's values over the neurons are contiguous,
# so that the neuron loops stream them; a population whose values are uniform is read as scalars). A model uses the rows
# it needs; the meaning is fixed per model and schedule.
N_COEF = 12
C_V_REST, C_V_RESET, C_V_THRESH, C_REF_STEPS = 0, 1, 2, 3
# IF_curr_exp, 'exact' schedule (NEST iaf_psc_exp propagators, V relative to v_rest)
C_P22, C_P21E, C_P21I, C_P11E, C_P11I, C_DRIFT = 4, 5, 6, 7, 8, 9
# IF_cond_exp, 'exact' schedule (exponential Euler in V with the conductances of the step start; exact decay of g)
C_G_L, C_E_REV_E, C_E_REV_I, C_DT_CM, C_I_OFFSET_COND = 4, 5, 6, 9, 10
# 'spinnaker' schedule (sPyNNaker closed-form LIF, exponential synapse with `init` input scaling)
C_EXP_TM, C_R, C_INIT_E, C_INIT_I, C_DECAY_E, C_DECAY_I, C_I_OFFSET = 4, 5, 6, 7, 8, 9, 10
# NALSM_LIF ('nalsm' schedule): Euler leak dt/tau_m and bias per step
C_NL_LEAK, C_NL_BIAS = 4, 5


@dataclass(frozen=True)
class CellType:
    name: str
    model_id: int
    defaults: dict
    state: dict = field(default_factory=dict)      # state variable -> parameter that gives its default initial value
    pynn_name: str = None
    is_source: bool = False
    schedules: tuple = ("exact", "spinnaker")
    signed_weights: bool = False   # one current: incoming weights carry their sign (negative allowed)
    doc: str = ""
    check: object = None           # check(params, dt) -> list of problems beyond the generic ones (or None)


def _p21(tau_syn, tau_m, cm, dt):
    """NEST's propagator from a synaptic current to V (iaf_psc_exp), with the tau_syn == tau_m limit."""
    if abs(tau_m - tau_syn) < 1e-12 * tau_m:
        return dt / cm * math.exp(-dt / tau_m)
    return tau_syn * tau_m / (cm * (tau_m - tau_syn)) * (math.exp(-dt / tau_m) - math.exp(-dt / tau_syn))


def lower_if_curr_exp(p, dt, schedule):
    """Coefficient row for IF_curr_exp parameters ``p`` (dict of floats) under the given schedule."""
    c = np.zeros(N_COEF)
    c[C_V_REST], c[C_V_RESET], c[C_V_THRESH] = p["v_rest"], p["v_reset"], p["v_thresh"]
    if schedule == "spinnaker":
        c[C_REF_STEPS] = math.ceil(p["tau_refrac"] / dt - 1e-9)          # sPyNNaker: ceil(tau_refrac / ts)
        c[C_EXP_TM] = math.exp(-dt / p["tau_m"])
        c[C_R] = p["tau_m"] / p["cm"]
        for col_init, col_decay, tau in ((C_INIT_E, C_DECAY_E, p["tau_syn_E"]), (C_INIT_I, C_DECAY_I, p["tau_syn_I"])):
            c[col_decay] = math.exp(-dt / tau)
            c[col_init] = tau / dt * (1.0 - c[col_decay])                  # sPyNNaker's `init` input scaling
        c[C_I_OFFSET] = p["i_offset"]
    else:
        # NEST counts ceil(t_ref / h) refractory steps (a 0.1 ms t_ref at h = 1 ms holds V for one step; checked
        # against iaf_psc_exp in tests/backends/test_nest.py)
        c[C_REF_STEPS] = math.ceil(p["tau_refrac"] / dt - 1e-9)
        c[C_P22] = math.exp(-dt / p["tau_m"])
        c[C_P21E] = _p21(p["tau_syn_E"], p["tau_m"], p["cm"], dt)
        c[C_P21I] = _p21(p["tau_syn_I"], p["tau_m"], p["cm"], dt)
        c[C_P11E] = math.exp(-dt / p["tau_syn_E"])
        c[C_P11I] = math.exp(-dt / p["tau_syn_I"])
        c[C_DRIFT] = p["i_offset"] * p["tau_m"] / p["cm"] * (1.0 - c[C_P22])
    return c


def lower_if_cond_exp(p, dt, schedule):
    """Coefficient row for IF_cond_exp (conductances in uS, g_L = cm / tau_m); 'exact' schedule only."""
    c = np.zeros(N_COEF)
    c[C_V_REST], c[C_V_RESET], c[C_V_THRESH] = p["v_rest"], p["v_reset"], p["v_thresh"]
    c[C_REF_STEPS] = round(p["tau_refrac"] / dt)
    c[C_G_L] = p["cm"] / p["tau_m"]
    c[C_E_REV_E], c[C_E_REV_I] = p["e_rev_E"], p["e_rev_I"]
    c[C_P11E] = math.exp(-dt / p["tau_syn_E"])
    c[C_P11I] = math.exp(-dt / p["tau_syn_I"])
    c[C_DT_CM] = dt / p["cm"]
    c[C_I_OFFSET_COND] = p["i_offset"]
    return c


def lower_nalsm_lif(p, dt, schedule):
    """Coefficient row of NALSM_LIF (discrete-time Euler LIF, specs/nalsm.md 1.4)."""
    c = np.zeros(N_COEF)
    c[C_V_RESET], c[C_V_THRESH] = p["v_reset"], p["v_thresh"]
    c[C_REF_STEPS] = round(p["tau_refrac"] / dt)
    c[C_NL_LEAK] = dt / p["tau_m"]
    c[C_NL_BIAS] = p["i_offset"]
    return c


def lower_if_curr_delta(p, dt, schedule):
    """Coefficient row of IF_curr_delta, 'exact' schedule: NEST iaf_psc_delta's propagators (P33 = exp(-h/tau_m),
    P30 = tau_m / C_m (1 - P33)) in the IF_curr_exp rows C_P22 and C_DRIFT."""
    c = np.zeros(N_COEF)
    c[C_V_REST], c[C_V_RESET], c[C_V_THRESH] = p["v_rest"], p["v_reset"], p["v_thresh"]
    c[C_REF_STEPS] = math.ceil(p["tau_refrac"] / dt - 1e-9)
    c[C_P22] = math.exp(-dt / p["tau_m"])
    c[C_DRIFT] = p["i_offset"] * p["tau_m"] / p["cm"] * (1.0 - c[C_P22])
    return c


def check_poisson(p, dt):
    """Problems of SpikeSourcePoisson parameters (rate Hz, start ms, duration ms; scalars or per neuron)."""
    out = []
    rate, start, duration = (np.asarray(p[k], float) for k in ("rate", "start", "duration"))
    if np.any(rate < 0):
        out.append(f"rate={p['rate']!r} must be >= 0 Hz")
    elif np.any(rate * dt / 1000.0 > 1.0):
        out.append(f"rate={float(np.max(rate))!r} Hz exceeds one spike per time step (1000 / dt = "
                   f"{1000.0 / dt:g} Hz); the source draws at most one spike per step")
    if np.any(start < 0):
        out.append(f"start={p['start']!r} must be >= 0 ms")
    if np.any(duration < 0):
        out.append(f"duration={p['duration']!r} must be >= 0 ms")
    return out


CATALOGUE = {
    "IF_curr_exp": CellType(
        "IF_curr_exp", IF_CURR_EXP,
        defaults=dict(cm=1.0, tau_m=20.0, tau_refrac=0.1, tau_syn_E=5.0, tau_syn_I=5.0,
                      v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, i_offset=0.0),
        state=dict(v="v_rest"), pynn_name="IF_curr_exp",
        doc="Leaky integrate-and-fire, exponential current synapses. 'exact': NEST iaf_psc_exp propagators; "
            "'spinnaker': sPyNNaker's closed-form step with `init` input scaling."),
    "IF_cond_exp": CellType(
        "IF_cond_exp", IF_COND_EXP,
        defaults=dict(cm=1.0, tau_m=20.0, tau_refrac=0.1, tau_syn_E=5.0, tau_syn_I=5.0, v_rest=-65.0,
                      v_reset=-65.0, v_thresh=-50.0, i_offset=0.0, e_rev_E=0.0, e_rev_I=-70.0),
        state=dict(v="v_rest"), pynn_name="IF_cond_exp", schedules=("exact",),
        doc="Leaky integrate-and-fire, exponential conductance synapses (weights in uS). 'exact' schedule: "
            "V by exponential Euler with the conductances of the step start (brian2's 'exponential_euler'), "
            "conductances decay exactly, then take this step's arrivals (NEST iaf_cond_exp order)."),
    "IF_curr_delta": CellType(
        "IF_curr_delta", IF_CURR_DELTA,
        defaults=dict(cm=1.0, tau_m=20.0, tau_refrac=0.1, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0,
                      i_offset=0.0),
        state=dict(v="v_rest"), pynn_name="IF_curr_delta", schedules=("exact",),
        doc="Leaky integrate-and-fire whose synaptic inputs step V (weights in mV, PyNN's IF_curr_delta). "
            "'exact': NEST iaf_psc_delta's order: V decays exactly and takes this step's jumps unless "
            "refractory (input during the refractory period is dropped), then threshold and reset."),
    "NALSM_LIF": CellType(
        "NALSM_LIF", NALSM_LIF,
        defaults=dict(tau_m=64.0, v_thresh=20.0, v_reset=0.0, tau_refrac=2.0, i_offset=0.0),
        state=dict(v="v_reset"), pynn_name=None, schedules=("nalsm",), signed_weights=True,
        doc="Discrete-time LIF of the NALSM code (dimensionless 'mV', steps of dt): v <- v + I_syn + I_ext + "
            "i_offset - v*dt/tau_m; spike when v >= v_thresh outside the refractory count (V keeps integrating "
            "while refractory), reset to v_reset. I_syn = sum_j w_ij exp(-age_j), age_j the steps since the "
            "last spike of presynaptic neuron j. Weights are signed (one current); spikes of spike sources "
            "arrive as one-step pulses I_ext = weight. Runs in the 'nalsm' schedule."),
    "SpikeSourceArray": CellType(
        "SpikeSourceArray", SOURCE, defaults=dict(spike_times=()), pynn_name="SpikeSourceArray", is_source=True,
        schedules=("exact", "spinnaker", "nalsm"),
        doc="Fixed spike times (ms) per neuron: a list of lists, or one list shared by all neurons."),
    "SpikeSourcePoisson": CellType(
        "SpikeSourcePoisson", SOURCE, defaults=dict(rate=1.0, start=0.0, duration=1e9),
        pynn_name="SpikeSourcePoisson", is_source=True, check=check_poisson,
        doc="Poisson spike source (PyNN's names and defaults, but duration 1e9 ms, the largest magnitude a "
            "parameter may take, for PyNN's 1e10): ``rate`` Hz, spikes stamped in [start, start + "
            "duration) ms. Each step is a Bernoulli trial of probability rate * dt / 1000 (at most one spike per "
            "step), drawn as geometric gaps between spikes from the counter RNG: the same seed gives the same "
            "spikes whatever the batch or threads."),
    "SpikeSourceInput": CellType(
        "SpikeSourceInput", SOURCE, defaults={}, pynn_name="SpikeSourceArray", is_source=True,
        schedules=("exact", "spinnaker", "nalsm"),
        doc="Spikes given per sample at run time (``stimuli=``): dense events or per-step Bernoulli rates."),
}

LOWER = {"IF_curr_exp": lower_if_curr_exp, "IF_curr_delta": lower_if_curr_delta, "IF_cond_exp": lower_if_cond_exp, "NALSM_LIF": lower_nalsm_lif}


def cell_type(name):
    try:
        return CATALOGUE[name]
    except KeyError:
        raise SpecError(f"unknown cell type {name!r}; the catalogue has {', '.join(sorted(CATALOGUE))}") from None
