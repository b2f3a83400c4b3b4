"""The catalogue of cell types and spike sources: one registry entry per model (``snn/registry.py`` says what an
entry holds). Parameters use PyNN's names, defaults and units (ms, mV, nF, nA, uS).

Adding a cell type (docs/concepts.md, "Adding a cell type"): one entry here (parameters, state, coefficient layout
and lowering, kernel per schedule, translations), its step in ``snn/kernels/`` and one test against an independent
reference. Nothing else in snn lists cell types.
"""
import math

import numpy as np

from .registry import (CATALOGUE, SOURCE, Brian2Model, CellType, NestModel, Param, n_coefficients,  # noqa: F401
                       register)

_PYNN_ALL = ("spinnaker", "nest", "mock")
_LIF = dict(cm=Param(1.0, "nF", ">0"), tau_m=Param(20.0, "ms", ">0"), tau_refrac=Param(0.1, "ms", ">=0"),
            v_rest=Param(-65.0, "mV"), v_reset=Param(-65.0, "mV"), v_thresh=Param(-50.0, "mV"),
            i_offset=Param(0.0, "nA"))
_SYN = dict(tau_syn_E=Param(5.0, "ms", ">0"), tau_syn_I=Param(5.0, "ms", ">0"))
# NEST names of the LIF parameters (pyNN/nest/standardmodels/cells.py translations)
_NEST_LIF = (("cm", "C_m", 1000.0), ("tau_m", "tau_m", 1.0), ("tau_refrac", "t_ref", 1.0), ("v_rest", "E_L", 1.0),
             ("v_reset", "V_reset", 1.0), ("v_thresh", "V_th", 1.0), ("i_offset", "I_e", 1000.0))
_NEST_SYN = (("tau_syn_E", "tau_syn_ex", 1.0), ("tau_syn_I", "tau_syn_in", 1.0))
_B2_LIF = ("v_rest", "tau_m", "c_m", "i_offset", "v_thresh", "v_reset")


def ref_steps(tau_refrac, dt):
    """NEST counts ceil(t_ref / h) refractory steps (a 0.1 ms t_ref at h = 1 ms holds V for one step; checked
    against iaf_psc_exp in tests/backends/test_nest.py); sPyNNaker likewise ceil(tau_refrac / ts)."""
    return math.ceil(tau_refrac / dt - 1e-9)


def _p21(tau_syn, tau_m, cm, dt):
    """NEST's propagator from an exponential synaptic current to V (iaf_psc_exp), with the tau_syn == tau_m
    limit."""
    if abs(tau_m - tau_syn) < 1e-12 * tau_m:
        return dt / cm * math.exp(-dt / tau_m)
    return tau_syn * tau_m / (cm * (tau_m - tau_syn)) * (math.exp(-dt / tau_m) - math.exp(-dt / tau_syn))


def _thresholds(p):
    return dict(v_rest=p["v_rest"], v_reset=p["v_reset"], v_thresh=p["v_thresh"])


def lower_if_curr_exp(p, dt, schedule):
    """IF_curr_exp coefficients. 'exact': NEST iaf_psc_exp propagators (V relative to v_rest); 'spinnaker':
    sPyNNaker's closed-form LIF and exponential synapse with its `init` input scaling."""
    c = dict(_thresholds(p), ref_steps=ref_steps(p["tau_refrac"], dt))
    if schedule == "spinnaker":
        c.update(exp_tm=math.exp(-dt / p["tau_m"]), r=p["tau_m"] / p["cm"])
        for x, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
            c[f"decay_{x}"] = math.exp(-dt / tau)
            c[f"init_{x}"] = tau / dt * (1.0 - c[f"decay_{x}"])              # sPyNNaker's `init` input scaling
        c["i_offset"] = p["i_offset"]
        return c
    p22 = math.exp(-dt / p["tau_m"])
    return dict(c, p22=p22, p21e=_p21(p["tau_syn_E"], p["tau_m"], p["cm"], dt),
                p21i=_p21(p["tau_syn_I"], p["tau_m"], p["cm"], dt), p11e=math.exp(-dt / p["tau_syn_E"]),
                p11i=math.exp(-dt / p["tau_syn_I"]), drift=p["i_offset"] * p["tau_m"] / p["cm"] * (1.0 - p22))


def lower_if_cond_exp(p, dt, schedule):
    """IF_cond_exp coefficients (conductances in uS, g_L = cm / tau_m); 'exact' schedule."""
    return dict(_thresholds(p), ref_steps=round(p["tau_refrac"] / dt), g_l=p["cm"] / p["tau_m"],
                e_rev_e=p["e_rev_E"], e_rev_i=p["e_rev_I"], p11e=math.exp(-dt / p["tau_syn_E"]),
                p11i=math.exp(-dt / p["tau_syn_I"]), dt_cm=dt / p["cm"], i_offset=p["i_offset"])


def lower_if_cond_alpha(p, dt, schedule):
    """IF_cond_alpha coefficients ('exact'): IF_cond_exp's, plus the alpha conductance's exact propagator
    (g <- p11 g + p21 dg, dg <- p11 dg) and NEST iaf_cond_alpha's arrival scaling e / tau_syn (g peaks at the
    weight tau_syn after arrival); refractory steps as NEST's Time(t_ref).get_steps()."""
    c = lower_if_cond_exp(p, dt, schedule)
    for x, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
        c[f"p21{x}"] = dt * c[f"p11{x}"]
        c[f"init_{x}"] = math.e / tau
    return c


IZH_U0 = -14.0    # PyNN's Izhikevich.default_initial_values['u'] (pyNN/standardmodels/cells.py)


def lower_izhikevich(p, dt, schedule):
    """Izhikevich coefficients: NEST izhikevich's parameters as pyNN.nest translates them (i_offset nA -> I_e
    pA, which NEST adds to dv/dt in mV/ms) and its default V_th 30 mV."""
    return dict(a=p["a"], b=p["b"], c=p["c"], d=p["d"], i_e=1000.0 * p["i_offset"], v_th=30.0, h=dt)


AEIF_SUBSTEP_MS = 0.01    # the longest RK4 substep of the AdEx kernel (snn/kernels/adex.py)


def lower_eif_cond_exp(p, dt, schedule):
    """EIF_cond_exp_isfa_ista coefficients, in snn's units (uS, nA, mV, ms: a nS -> uS); RK4 substeps of at
    most AEIF_SUBSTEP_MS; refractory steps as NEST's Time(t_ref).get_steps()."""
    n_sub = math.ceil(dt / AEIF_SUBSTEP_MS - 1e-9)
    return dict(v_rest=p["v_rest"], v_reset=p["v_reset"], v_thresh=p["v_thresh"], v_spike=p["v_spike"],
                ref_steps=round(p["tau_refrac"] / dt), g_l=p["cm"] / p["tau_m"], cm=p["cm"],
                delta_t=p["delta_T"], a=p["a"] / 1000.0, b=p["b"], tau_w=p["tau_w"], e_rev_e=p["e_rev_E"],
                e_rev_i=p["e_rev_I"], tau_e=p["tau_syn_E"], tau_i=p["tau_syn_I"], i_offset=p["i_offset"],
                n_sub=n_sub, h=dt / n_sub, init_e=math.e / p["tau_syn_E"], init_i=math.e / p["tau_syn_I"])


def lower_nalsm_lif(p, dt, schedule):
    """NALSM_LIF coefficients (discrete-time Euler LIF, specs/nalsm.md 1.4): leak dt / tau_m, bias per step."""
    return dict(v_reset=p["v_reset"], v_thresh=p["v_thresh"], ref_steps=round(p["tau_refrac"] / dt),
                leak=dt / p["tau_m"], bias=p["i_offset"])


def _p30(p, dt):
    """NEST's propagator from a constant current to V: -tau_m / C_m * expm1(-h / tau_m) (iaf_psc_alpha.cpp,
    iaf_psc_delta.cpp), times i_offset."""
    return -p["tau_m"] / p["cm"] * math.expm1(-dt / p["tau_m"]) * p["i_offset"]


def _alpha_p31_p32(tau_syn, tau_m, cm, h):
    """NEST's IAFPropagatorAlpha (libnestutil/iaf_propagator.cpp): the propagators from dI (P31) and I (P32) of
    an alpha-shaped current to V, with the singular limit tau_syn == tau_m."""
    if abs(tau_m - tau_syn) < 1e-12 * tau_m:
        e = math.exp(-h / tau_m)
        return 0.5 * h * h / cm * e, h / cm * e
    beta = tau_syn * tau_m / (tau_m - tau_syn)
    gamma = beta / cm
    exp_syn, expm1_beta = math.exp(-h / tau_syn), math.expm1(h / beta)
    return gamma * exp_syn * (beta * expm1_beta - h), gamma * exp_syn * expm1_beta


def lower_if_curr_alpha(p, dt, schedule):
    """IF_curr_alpha coefficients: NEST iaf_psc_alpha's exact propagators (V relative to v_rest); an arrival w
    (nA) adds w e / tau_syn to dI, so that the current peaks at w after tau_syn."""
    c = dict(_thresholds(p), ref_steps=ref_steps(p["tau_refrac"], dt), p33=math.exp(-dt / p["tau_m"]),
             drift=_p30(p, dt))
    for x, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
        c[f"p31{x}"], c[f"p32{x}"] = _alpha_p31_p32(tau, p["tau_m"], p["cm"], dt)
        c[f"p11{x}"] = math.exp(-dt / tau)
        c[f"p21{x}"] = dt * c[f"p11{x}"]
        c[f"init_{x}"] = math.e / tau
    return c


def lower_if_curr_delta(p, dt, schedule):
    """IF_curr_delta coefficients: NEST iaf_psc_delta's exact decay (V relative to v_rest)."""
    return dict(_thresholds(p), ref_steps=ref_steps(p["tau_refrac"], dt), p33=math.exp(-dt / p["tau_m"]),
                drift=_p30(p, dt))


def _check_window(p):
    """Problems of a drawn source's start and duration (ms; scalars or per neuron)."""
    return [f"{k}={p[k]!r} must be >= 0 ms" for k in ("start", "duration") if np.any(np.asarray(p[k], float) < 0)]


def _check_rate(name, rate, dt):
    """Problems of a per-step Bernoulli rate (Hz): at most one event per step."""
    rate = np.asarray(rate, float)
    if np.any(rate < 0):
        return [f"{name}={rate.tolist()!r} must be >= 0 Hz"]
    if np.any(rate * dt / 1000.0 > 1.0):
        return [f"{name}={float(np.max(rate))!r} Hz exceeds one spike per time step (1000 / dt = "
                f"{1000.0 / dt:g} Hz); the source draws at most one spike per step"]
    return []


def check_poisson(p, dt):
    """Problems of SpikeSourcePoisson parameters (rate Hz, start ms, duration ms; scalars or per neuron)."""
    return _check_rate("rate", p["rate"], dt) + _check_window(p)


def lower_poisson(p, dt, schedule):
    """The gaps of SpikeSourcePoisson: one phase of Bernoulli(rate dt) trials per spike, no dead time."""
    return dict(p=np.asarray(p["rate"], float) * dt / 1000.0, dead=0, phases=1)


register(CellType(
    "IF_curr_exp", parameters={**_LIF, **_SYN}, state=dict(v="v_rest"), pynn_name="IF_curr_exp", nir="CubaLIF",
    pynn_backends=_PYNN_ALL, schedules=("exact", "spinnaker"), synapse_state=("i_e", "i_i"),
    coefficients={"exact": ("v_rest", "v_reset", "v_thresh", "ref_steps", "p22", "p21e", "p21i", "p11e", "p11i",
                            "drift"),
                  "spinnaker": ("v_rest", "v_reset", "v_thresh", "ref_steps", "exp_tm", "r", "init_e", "init_i",
                                "decay_e", "decay_i", "i_offset")},
    lower=lower_if_curr_exp, kernels={"exact": "neurons.if_curr_exp_exact",
                                      "spinnaker": "neurons.if_curr_exp_spinnaker"},
    board="lif_curr_exp",     # sPyNNaker's neuron_model_lif_impl.h + synapse_types_exponential_impl.h
    nest=NestModel("iaf_psc_exp", _NEST_LIF + _NEST_SYN, dict(v="V_m")),
    brian2=Brian2Model("""
dv/dt = (v_rest - v) / tau_m + (ie - ii + i_offset) / c_m : volt (unless refractory)
die/dt = -ie / tau_syn_E : amp
dii/dt = -ii / tau_syn_I : amp
""", "exact", _B2_LIF + ("tau_syn_E", "tau_syn_I"), rename=dict(c_m="cm"),
        receptors=dict(excitatory="ie_post += w_syn", inhibitory="ii_post += w_syn"), weight_unit="nA"),
    doc="Leaky integrate-and-fire, exponential current synapses. 'exact': NEST iaf_psc_exp propagators; "
        "'spinnaker': sPyNNaker's closed-form step with `init` input scaling, in the board's fixed point by default "
        "(snn/kernels/board.py)."))

register(CellType(
    "IF_cond_exp", parameters={**_LIF, **_SYN, "e_rev_E": Param(0.0, "mV"), "e_rev_I": Param(-70.0, "mV")},
    state=dict(v="v_rest"), pynn_name="IF_cond_exp", schedules=("exact", "spinnaker"), synapse_state=("g_e", "g_i"),
    weight_unit="uS", board="lif_cond_exp",    # neuron_model_lif_impl.h + input_type_conductance.h
    coefficients={"exact": ("v_rest", "v_reset", "v_thresh", "ref_steps", "g_l", "e_rev_e", "e_rev_i", "p11e",
                            "p11i", "dt_cm", "i_offset")},
    lower=lower_if_cond_exp, kernels={"exact": "neurons.if_cond_exp_exact"},
    nest=NestModel("iaf_cond_exp", tuple(t for t in _NEST_LIF if t[0] != "tau_m") + _NEST_SYN + (
        ("tau_m", "g_L", lambda p: np.asarray(p["cm"], float) / np.asarray(p["tau_m"], float) * 1000.0),
        ("e_rev_E", "E_ex", 1.0), ("e_rev_I", "E_in", 1.0)), dict(v="V_m")),
    brian2=Brian2Model("""
dv/dt = (g_L * (v_rest - v) + ge * (e_rev_E - v) + gi * (e_rev_I - v) + i_offset) / c_m : volt (unless refractory)
dge/dt = -ge / tau_syn_E : siemens
dgi/dt = -gi / tau_syn_I : siemens
""", "exponential_euler", _B2_LIF + ("tau_syn_E", "tau_syn_I", "e_rev_E", "e_rev_I", "g_L"), rename=dict(c_m="cm"),
        derived=dict(g_L=(lambda p: np.asarray(p["cm"], float) / np.asarray(p["tau_m"], float), "uS")),
        receptors=dict(excitatory="ge_post += w_syn", inhibitory="gi_post += w_syn"), weight_unit="uS"),
    doc="Leaky integrate-and-fire, exponential conductance synapses (weights in uS). 'exact' schedule: "
        "V by exponential Euler with the conductances of the step start (brian2's 'exponential_euler'), "
        "conductances decay exactly, then take this step's arrivals (NEST iaf_cond_exp order). 'spinnaker': the "
        "board's fixed point only (snn/kernels/board_cells.py)."))

register(CellType(
    "IF_cond_alpha", parameters={**_LIF, **_SYN, "e_rev_E": Param(0.0, "mV"), "e_rev_I": Param(-70.0, "mV")},
    state=dict(v="v_rest"), pynn_name="IF_cond_alpha", schedules=("exact",),
    synapse_state=("g_e", "g_i", "dg_e", "dg_i"), weight_unit="uS",
    coefficients={"exact": ("v_rest", "v_reset", "v_thresh", "ref_steps", "g_l", "e_rev_e", "e_rev_i", "p11e",
                            "p11i", "dt_cm", "i_offset", "p21e", "p21i", "init_e", "init_i")},
    lower=lower_if_cond_alpha, kernels={"exact": "neurons.if_cond_alpha_exact"},
    nest=NestModel("iaf_cond_alpha", CATALOGUE["IF_cond_exp"].nest.params, dict(v="V_m")),
    doc="Leaky integrate-and-fire, alpha-shaped conductance synapses (a weight w in uS gives the conductance "
        "w t / tau_syn e^(1 - t / tau_syn), peaking at w after tau_syn). 'exact' schedule: V by exponential "
        "Euler with the conductances of the step start (as IF_cond_exp), the conductances advance by their exact "
        "propagator, then take this step's arrivals (NEST iaf_cond_alpha order; NEST integrates with GSL "
        "RKF45, so spike times agree to a tolerance, tests/reference/test_cond_alpha.py)."))

register(CellType(
    "Izhikevich", parameters=dict(a=Param(0.02, "1/ms"), b=Param(0.2, "1/ms"), c=Param(-65.0, "mV"),
                                  d=Param(2.0, "mV/ms"), i_offset=Param(0.0, "nA")),
    state=dict(v=-70.0, u=IZH_U0), pynn_name="Izhikevich", pynn_backends=("spinnaker", "nest", "mock"),
    schedules=("exact", "spinnaker"), synapse_state=("u",), weight_unit="mV",
    board="izk_curr_exp",      # sPyNNaker's Izhikevich: neuron_model_izh_impl.c + exponential current synapses
    coefficients={"exact": ("a", "b", "c", "d", "i_e", "v_th", "h")},
    lower=lower_izhikevich, kernels={"exact": "neurons.izhikevich_exact"},
    nest=NestModel("izhikevich", (("a", "a", 1.0), ("b", "b", 1.0), ("c", "c", 1.0), ("d", "d", 1.0),
                                  ("i_offset", "I_e", 1000.0)), dict(v="V_m", u="U_m"), weight_scale=1.0),
    doc="Izhikevich (2003): dv/dt = 0.04 v^2 + 5 v + 140 - u + I, du/dt = a (b v - u); spike at v >= 30 mV, then "
        "v <- c, u <- u + d. Delta synapses: a weight w (mV) adds to v in the step it arrives. 'exact' schedule: "
        "NEST izhikevich's forward Euler (consistent_integration), its order of operations, i_offset as pyNN.nest "
        "passes it (x 1000 into I_e). u is a state variable (initial value PyNN's -14, recordable). 'spinnaker': "
        "the board's fixed point only, as sPyNNaker builds Izhikevich (izk_curr_exp: RK2 midpoint, exponential "
        "current synapses of tau_syn 5 ms taking the weight as a current)."))

_EIF = dict(cm=Param(0.281, "nF", ">0"), tau_refrac=Param(0.1, "ms", ">=0"), v_spike=Param(-40.0, "mV"),
            v_reset=Param(-70.6, "mV"), v_rest=Param(-70.6, "mV"), tau_m=Param(9.3667, "ms", ">0"),
            i_offset=Param(0.0, "nA"), a=Param(4.0, "nS"), b=Param(0.0805, "nA"), delta_T=Param(2.0, "mV", ">0"),
            tau_w=Param(144.0, "ms", ">0"), v_thresh=Param(-50.4, "mV"), e_rev_E=Param(0.0, "mV"),
            tau_syn_E=Param(5.0, "ms", ">0"), e_rev_I=Param(-80.0, "mV"), tau_syn_I=Param(5.0, "ms", ">0"))
# NEST names of the AdEx parameters (pyNN/nest/standardmodels/cells.py, EIF_cond_exp_isfa_ista)
_NEST_EIF = (("cm", "C_m", 1000.0), ("tau_refrac", "t_ref", 1.0), ("v_spike", "V_peak", 1.0),
             ("v_reset", "V_reset", 1.0), ("v_rest", "E_L", 1.0),
             ("tau_m", "g_L", lambda p: np.asarray(p["cm"], float) / np.asarray(p["tau_m"], float) * 1000.0),
             ("i_offset", "I_e", 1000.0), ("a", "a", 1.0), ("b", "b", 1000.0),
             ("delta_T", "Delta_T", 1.0), ("tau_w", "tau_w", 1.0), ("v_thresh", "V_th", 1.0),
             ("e_rev_E", "E_ex", 1.0), ("tau_syn_E", "tau_syn_ex", 1.0),
             ("e_rev_I", "E_in", 1.0), ("tau_syn_I", "tau_syn_in", 1.0))
register(CellType(
    "EIF_cond_exp_isfa_ista", parameters=_EIF, state=dict(v="v_rest"), pynn_name="EIF_cond_exp_isfa_ista",
    schedules=("exact",), synapse_state=("g_e", "g_i", "w"), weight_unit="uS",
    coefficients={"exact": ("v_rest", "v_reset", "v_thresh", "v_spike", "ref_steps", "g_l", "cm", "delta_t", "a",
                            "b", "tau_w", "e_rev_e", "e_rev_i", "tau_e", "tau_i", "i_offset", "n_sub", "h",
                            "init_e", "init_i")},
    lower=lower_eif_cond_exp, kernels={"exact": "adex.eif_cond_exp_exact"},
    nest=NestModel("aeif_cond_exp", _NEST_EIF, dict(v="V_m")),
    doc="Adaptive exponential integrate-and-fire (AdEx, Brette & Gerstner 2005), exponential conductance "
        "synapses (uS). 'exact' schedule: classical RK4 on (V, w, g_e, g_i) in substeps of at most "
        "AEIF_SUBSTEP_MS = 0.01 ms (V capped at v_spike inside the derivative, as NEST), a spike when V >= "
        "v_spike after a substep (V <- v_reset, w <- w + b), V held at v_reset while refractory; arrivals join "
        "g after the step (NEST aeif_cond_exp order). NEST integrates with adaptive RKF45: spike times agree to "
        "a tolerance (tests/reference/test_adex.py)."))

register(CellType(
    "EIF_cond_alpha_isfa_ista", parameters=_EIF, state=dict(v="v_rest"), pynn_name="EIF_cond_alpha_isfa_ista",
    schedules=("exact",), synapse_state=("g_e", "g_i", "w", "dg_e", "dg_i"), weight_unit="uS",
    coefficients=CATALOGUE["EIF_cond_exp_isfa_ista"].coefficients, lower=lower_eif_cond_exp,
    kernels={"exact": "adex.eif_cond_alpha_exact"}, nest=NestModel("aeif_cond_alpha", _NEST_EIF, dict(v="V_m")),
    doc="AdEx with alpha-shaped conductance synapses (a weight w in uS peaks at w after tau_syn): "
        "EIF_cond_exp_isfa_ista's RK4 with (g, dg) per receptor; arrivals times e / tau_syn join dg after the "
        "step (NEST aeif_cond_alpha order)."))

register(CellType(
    "NALSM_LIF", parameters=dict(tau_m=Param(64.0, "ms", ">0"), v_thresh=Param(20.0, "mV"), v_reset=Param(0.0, "mV"),
                                 tau_refrac=Param(2.0, "ms", ">=0"), i_offset=Param(0.0, "mV")),
    state=dict(v="v_reset"), schedules=("nalsm",), signed_weights=True, weight_unit="mV",
    coefficients={"nalsm": ("v_reset", "v_thresh", "ref_steps", "leak", "bias")}, lower=lower_nalsm_lif,
    refusal=("NALSM_LIF (signed single-current LIF of the NALSM code) is no PyNN standard cell type",
             "IF_curr_exp with excitatory/inhibitory receptors (the random liquid, snn.models.random_liquid), "
             "static weights"),
    doc="Discrete-time LIF of the NALSM code (dimensionless 'mV', steps of dt): v <- v + I_syn + I_ext + "
        "i_offset - v*dt/tau_m; spike when v >= v_thresh outside the refractory count (V keeps integrating "
        "while refractory), reset to v_reset. I_syn = sum_j w_ij exp(-age_j), age_j the steps since the "
        "last spike of presynaptic neuron j. Weights are signed (one current); spikes of spike sources "
        "arrive as one-step pulses I_ext = weight. Runs in the 'nalsm' schedule."))

register(CellType(
    "IF_curr_alpha", parameters={**_LIF, **_SYN}, state=dict(v="v_rest"), pynn_name="IF_curr_alpha",
    pynn_backends=_PYNN_ALL, schedules=("exact",), synapse_state=("i_e", "i_i", "di_e", "di_i"),
    coefficients={"exact": ("v_rest", "v_reset", "v_thresh", "ref_steps", "p33", "p31e", "p32e", "p31i", "p32i",
                            "p11e", "p21e", "p11i", "p21i", "init_e", "init_i", "drift")},
    lower=lower_if_curr_alpha, kernels={"exact": "neurons.if_curr_alpha_exact"},
    nest=NestModel("iaf_psc_alpha", _NEST_LIF + _NEST_SYN, dict(v="V_m")),
    brian2=Brian2Model("""
dv/dt = (v_rest - v) / tau_m + (ie - ii + i_offset) / c_m : volt (unless refractory)
die/dt = (e * ye - ie) / tau_syn_E : amp
dye/dt = -ye / tau_syn_E : amp
dii/dt = (e * yi - ii) / tau_syn_I : amp
dyi/dt = -yi / tau_syn_I : amp
""", "exact", _B2_LIF + ("tau_syn_E", "tau_syn_I"), rename=dict(c_m="cm"),
        receptors=dict(excitatory="ye_post += w_syn", inhibitory="yi_post += w_syn"), weight_unit="nA"),
    doc="Leaky integrate-and-fire, alpha-shaped current synapses (a weight w in nA gives the current "
        "w t / tau_syn e^(1 - t / tau_syn), peaking at w after tau_syn). 'exact' schedule: NEST iaf_psc_alpha's "
        "exact propagators and update order."))

register(CellType(
    "IF_curr_delta", parameters=dict(_LIF), state=dict(v="v_rest"), pynn_name="IF_curr_delta", nir="LIF",
    pynn_backends=("spinnaker", "nest"), schedules=("exact", "spinnaker"), weight_unit="mV",   # no pyNN.mock
    board="lif_curr_delta",     # neuron_model_lif_impl.h + synapse_types_delta_impl.h + input_type_delta.h
    coefficients={"exact": ("v_rest", "v_reset", "v_thresh", "ref_steps", "p33", "drift")},
    lower=lower_if_curr_delta, kernels={"exact": "neurons.if_curr_delta_exact"},
    nest=NestModel("iaf_psc_delta", _NEST_LIF, dict(v="V_m"), weight_scale=1.0),
    # no brian2 translation: brian2 applies on_pre after the threshold test of the step (one step late), and
    # moving the pathway before the thresholds shifts its spike queue by one step
    doc="Leaky integrate-and-fire, delta synapses: a weight w (mV) makes V jump by w in the step it arrives; "
        "arrivals during the refractory period are discarded. 'exact' schedule: NEST iaf_psc_delta's exact "
        "decay and update order (refractory_input False, no V_min). 'spinnaker': the board's fixed point only "
        "(the weight enters sPyNNaker's LIF closed form as a current w / dt for one tick)."))

register(CellType(
    "SpikeSourceArray", parameters=dict(spike_times=Param((), "ms")), pynn_name="SpikeSourceArray",
    pynn_backends=_PYNN_ALL, source="fixed", schedules=("exact", "spinnaker", "nalsm"),
    nest=NestModel("spike_generator"),
    doc="Fixed spike times (ms) per neuron: a list of lists, or one list shared by all neurons."))

register(CellType(
    "SpikeSourcePoisson", parameters=dict(rate=Param(1.0, "Hz"), start=Param(0.0, "ms"), duration=Param(1e9, "ms")),
    pynn_name="SpikeSourcePoisson", pynn_backends=_PYNN_ALL, source="poisson", check=check_poisson,
    lower=lower_poisson,
    schedules=("exact", "spinnaker"),
    doc="Poisson spike source (PyNN's names and defaults, but duration 1e9 ms, the largest magnitude a "
        "parameter may take, for PyNN's 1e10): ``rate`` Hz, spikes stamped in [start, start + "
        "duration) ms. Each step is a Bernoulli trial of probability rate * dt / 1000 (at most one spike per "
        "step), drawn as geometric gaps between spikes from the counter RNG: the same seed gives the same "
        "spikes whatever the batch or threads."))

register(CellType(
    "SpikeSourceInput", parameters={}, pynn_name="SpikeSourceArray", pynn_backends=_PYNN_ALL, source="input",
    nir="Input",
    schedules=("exact", "spinnaker", "nalsm"),
    doc="Spikes given per sample at run time (``stimuli=``): dense events or per-step Bernoulli rates."))

def check_gamma(p, dt):
    """Problems of SpikeSourceGamma parameters: alpha a whole number >= 1 (NEST gamma_sup_generator's
    gamma_shape is an integer), beta at most one transition per step."""
    alpha = np.asarray(p["alpha"], float)
    out = [] if np.all((alpha >= 1) & (alpha == np.round(alpha))) else [
        f"alpha={p['alpha']!r} must be a whole number >= 1 (the gamma process's number of phases)"]
    return out + _check_rate("beta", p["beta"], dt) + _check_window(p)


def lower_gamma(p, dt, schedule):
    """The gaps of SpikeSourceGamma as NEST gamma_sup_generator draws them (n_proc 1): ``alpha`` phases, each
    left with probability rate * gamma_shape * h = beta dt per step (at most one phase per step), a spike at
    the end of the last; the process starts in its last phase (gamma_sup_generator.cpp, pre_run_hook)."""
    return dict(p=np.asarray(p["beta"], float) * dt / 1000.0, dead=0, phases=np.asarray(p["alpha"], float))


def _free_time(p):
    """1000 / rate - tau_refrac (ms): the mean time between the end of a dead time and the next spike."""
    rate = np.asarray(p["rate"], float)
    with np.errstate(divide="ignore"):
        return np.where(rate > 0, 1000.0 / np.maximum(rate, 1e-300), np.inf) - np.asarray(p["tau_refrac"], float)


def check_poisson_refractory(p, dt):
    """Problems of SpikeSourcePoissonRefractory parameters: NEST ppd_sup_generator requires 1000 / rate >
    dead_time; its hazard per step h / (1000 / rate - dead_time) must be at most 1."""
    if np.any(np.asarray(p["rate"], float) < 0) or np.any(np.asarray(p["tau_refrac"], float) < 0):
        return [f"rate={p['rate']!r} Hz and tau_refrac={p['tau_refrac']!r} ms must be >= 0"]
    free = _free_time(p)
    if np.any(free <= 0):
        return [f"rate={p['rate']!r} Hz with tau_refrac={p['tau_refrac']!r} ms: 1000 / rate must exceed "
                f"tau_refrac"]
    if np.any(dt / free > 1.0):
        return [f"rate={p['rate']!r} Hz with tau_refrac={p['tau_refrac']!r} ms: the hazard between dead times "
                f"exceeds one spike per time step ({dt} ms)"]
    return _check_window(p)


def lower_poisson_refractory(p, dt, schedule):
    """The gaps of SpikeSourcePoissonRefractory as NEST ppd_sup_generator draws them (n_proc 1): after a spike
    static_cast<unsigned long>(dead_time / h) dead steps (truncated), then Bernoulli trials of the hazard
    h / (1000 / rate - tau_refrac) per step; the process starts active (ppd_sup_generator.cpp, calibrate and
    Age_distribution_::update)."""
    return dict(p=dt / _free_time(p), dead=np.floor(np.asarray(p["tau_refrac"], float) / dt), phases=1)


register(CellType(
    "SpikeSourceGamma", parameters=dict(alpha=Param(2, "dimensionless"), beta=Param(1.0, "Hz"),
                                        start=Param(0.0, "ms"), duration=Param(1e9, "ms")),
    pynn_name="SpikeSourceGamma", source="renewal", check=check_gamma, lower=lower_gamma,
    schedules=("exact",),   # no pynn_backends: pyNN.nest refuses any duration but 1e10 (snn's largest is 1e9)
    doc="Gamma-process spike source (PyNN's names; duration 1e9 ms as SpikeSourcePoisson): inter-spike intervals "
        "of shape alpha and rate beta Hz (mean alpha / beta s), on the time grid as NEST gamma_sup_generator "
        "draws them; spikes stamped in [start, start + duration) ms."))

register(CellType(
    "SpikeSourcePoissonRefractory", parameters=dict(rate=Param(1.0, "Hz"), tau_refrac=Param(0.0, "ms"),
                                                    start=Param(0.0, "ms"), duration=Param(1e9, "ms")),
    pynn_name="SpikeSourcePoissonRefractory", source="renewal",
    check=check_poisson_refractory, lower=lower_poisson_refractory, schedules=("exact",),   # as SpikeSourceGamma
    doc="Poisson spike source with a dead time tau_refrac ms after each spike (mean rate ``rate`` Hz), on the "
        "time grid as NEST ppd_sup_generator draws it; spikes stamped in [start, start + duration) ms."))


HH_SUBSTEP_MS = 0.01      # the longest RK4 substep of the HH kernel (snn/kernels/hh.py), as AEIF_SUBSTEP_MS
HH_T_REF_MS = 2.0         # NEST hh_cond_exp_traub's default t_ref (hh_cond_exp_traub.cpp), which pyNN.nest keeps


def lower_hh_cond_exp(p, dt, schedule):
    """HH_cond_exp coefficients (uS, nF, mV, ms, nA as NEST's nS, pF, pA with the same ratios): RK4 substeps of at
    most HH_SUBSTEP_MS; spike detection suppressed for NEST's Time(t_ref).get_steps() steps after a spike."""
    n_sub = math.ceil(dt / HH_SUBSTEP_MS - 1e-9)
    return dict(g_na=p["gbar_Na"], g_k=p["gbar_K"], g_l=p["g_leak"], cm=p["cm"], v_t=p["v_offset"],
                e_na=p["e_rev_Na"], e_k=p["e_rev_K"], e_l=p["e_rev_leak"], e_e=p["e_rev_E"], e_i=p["e_rev_I"],
                tau_e=p["tau_syn_E"], tau_i=p["tau_syn_I"], i_offset=p["i_offset"], n_sub=n_sub, h=dt / n_sub,
                ref_steps=round(HH_T_REF_MS / dt))


register(CellType(
    "HH_cond_exp", parameters=dict(
        gbar_Na=Param(20.0, "uS", ">=0"), gbar_K=Param(6.0, "uS", ">=0"), g_leak=Param(0.01, "uS", ">=0"),
        cm=Param(0.2, "nF", ">0"), v_offset=Param(-63.0, "mV"), e_rev_Na=Param(50.0, "mV"),
        e_rev_K=Param(-90.0, "mV"), e_rev_leak=Param(-65.0, "mV"), e_rev_E=Param(0.0, "mV"),
        e_rev_I=Param(-80.0, "mV"), tau_syn_E=Param(0.2, "ms", ">0"), tau_syn_I=Param(2.0, "ms", ">0"),
        i_offset=Param(0.0, "nA")),
    state=dict(v=-65.0), pynn_name="HH_cond_exp", schedules=("exact",),   # no pynn_backends: the emitter
    # (hardware/pynn.py) writes v's initial value only, and PyNN's h starts at 1 where the engine's starts at 0
    synapse_state=("g_e", "g_i", "m", "h", "n"), weight_unit="uS",
    coefficients={"exact": ("g_na", "g_k", "g_l", "cm", "v_t", "e_na", "e_k", "e_l", "e_e", "e_i", "tau_e",
                            "tau_i", "i_offset", "n_sub", "h", "ref_steps")},
    lower=lower_hh_cond_exp, kernels={"exact": "hh.hh_cond_exp_exact"},
    # pyNN/nest/standardmodels/cells.py, HH_cond_exp translations
    nest=NestModel("hh_cond_exp_traub", (
        ("gbar_Na", "g_Na", 1000.0), ("gbar_K", "g_K", 1000.0), ("g_leak", "g_L", 1000.0), ("cm", "C_m", 1000.0),
        ("v_offset", "V_T", 1.0), ("e_rev_Na", "E_Na", 1.0), ("e_rev_K", "E_K", 1.0), ("e_rev_leak", "E_L", 1.0),
        ("e_rev_E", "E_ex", 1.0), ("e_rev_I", "E_in", 1.0), ("tau_syn_E", "tau_syn_ex", 1.0),
        ("tau_syn_I", "tau_syn_in", 1.0), ("i_offset", "I_e", 1000.0)), dict(v="V_m")),
    doc="Hodgkin-Huxley point neuron with Traub & Miles (1991) Na and K channels and exponential conductance "
        "synapses (uS), as NEST hh_cond_exp_traub. 'exact' schedule: classical RK4 on (V, m, h, n, g_e, g_i) in "
        "substeps of at most HH_SUBSTEP_MS = 0.01 ms; arrivals join g after the step; a spike when V >= "
        "v_offset + 30 mV and V fell during the step, then no spike for NEST's t_ref 2 ms; V is not reset. m, h, "
        "n start at 0 in the engine (snn.pynn: PyNN's initial values m 0, h 1, n 0; initialize() sets them). "
        "NEST integrates with adaptive RKF45: spike times agree to a tolerance (tests/reference/test_hh.py)."))


NALSM_LIF = CATALOGUE["NALSM_LIF"].model_id
N_COEF = n_coefficients()


def coefficient_column(name, params, dt, schedule):
    """The (N_COEF,) coefficient column of cell type ``name`` for scalar ``params`` (rows in its named layout;
    zeros where the schedule has none: the board's fixed point encodes the type itself)."""
    ct = CATALOGUE[name]
    col = np.zeros(N_COEF)
    if schedule not in ct.coefficients:
        return col
    values = ct.lower(params, dt, schedule)
    for k, coef_name in enumerate(ct.coefficients[schedule]):
        col[k] = values[coef_name]
    return col
