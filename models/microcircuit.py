"""The Potjans & Diesmann (2014) cortical microcircuit, as NEST 3's example builds it.

Potjans TC, Diesmann M (2014) The cell-type specific cortical microcircuit: relating structure and activity in a
full-scale spiking network model. Cereb Cortex 24:785-806. Every constant below is copied from NEST's example
``pynest/examples/Potjans_2014`` (NEST 3.x): ``network_params.py`` (NET), ``sim_params.py`` (SIM),
``helpers.py`` (HELP, the derivations) and ``network.py`` (NETPY, how the connections are drawn).

- 8 populations (L2/3, L4, L5, L6, each E and I), iaf_psc_exp = IF_curr_exp, the NET neuron parameters.
- Synapses per (target, source) pair: K = log(1 - p) / log(1 - 1 / (N_target N_source)) from NET's connection
  probabilities (HELP ``num_synapses_from_conn_probs``), scaled by N_scaling * K_scaling and rounded (NETPY),
  drawn as ``fixed_total_number`` with autapses and multapses (NETPY).
- Weights: mean PSP 0.15 mV, converted to a PSC amplitude (HELP ``postsynaptic_potential_to_current``);
  inhibitory sources g = -4 times that, L4E -> L2/3E doubled (NET); relative sd 0.1, redrawn to keep the sign
  (NETPY). Delays: mean 1.5 ms (E) / 0.75 ms (I), relative sd 0.5, redrawn below 0.5 dt, rounded to steps (NETPY).
- Background (NET ``poisson_input``): 'poisson' (NEST's default): K_ext * K_scaling independent 8 Hz Poisson inputs
  per neuron with the external weight, delay 1.5 ms (NET ``delay_poisson``), drawn as one Poisson count per neuron
  and step; or 'dc': the DC of the same mean (HELP ``dc_input_compensating_poisson``, no fluctuations; below
  k_scale ~0.5 the network then has a silent state, which the 'optimized' initial V falls into).
- Scaling (HELP ``adjust_weights_and_input_to_synapse_scaling``): with in-degrees scaled by K_scaling the weights
  grow by 1 / sqrt(K_scaling) and a DC restores the mean recurrent input of the full network at its full-scale
  rates (NET ``full_mean_rates``).
- Initial V: the 'optimized' per-population normal distributions (NET ``V0_type``), dt = 0.1 ms (SIM).

    net = microcircuit(scale=0.1)              # 7,712 neurons, 2.9 million synapses
    res = net.run(1000.0)
    res.rates_hz()                             # {'L23E': ..., ...}
"""
import numpy as np

from snn.compact import CompactNetwork, FixedTotalBlock
from snn.errors import SpecError
from snn.spec import Population

POPULATIONS = ("L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I")           # NET populations
FULL_NUM_NEURONS = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])   # NET full_num_neurons
# NET full_mean_rates (spikes/s): NEST's example at full scale, with Poisson input
FULL_MEAN_RATES = np.array([0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851])
CONN_PROBS = np.array([                                                            # NET conn_probs [target, source]
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])                 # NET K_ext
BG_RATE = 8.0                    # NET bg_rate, spikes/s
PSP_EXC_MEAN = 0.15              # NET PSP_exc_mean, mV
WEIGHT_REL_STD = 0.1             # NET weight_rel_std
G = -4.0                         # NET g
DELAY_EXC_MEAN, DELAY_INH_MEAN, DELAY_REL_STD = 1.5, 0.75, 0.5                     # NET, ms
NEURON = dict(E_L=-65.0, V_th=-50.0, V_reset=-65.0, C_m=250.0, tau_m=10.0, tau_syn=0.5, t_ref=2.0)   # NET, NEST units
V0_MEAN = np.array([-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43])  # NET V0 'optimized'
V0_STD = np.array([5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48])
DELAY_POISSON = 1.5              # NET delay_poisson, ms
DT = 0.1                         # SIM sim_resolution, ms
BACKGROUNDS = ("poisson", "dc")


def num_synapses_from_conn_probs(conn_probs, n_target, n_source):
    """HELP: total synapses of a pair from its connection probability (drawn with replacement)."""
    prod = np.outer(n_target, n_source).astype(float)
    return np.log(1.0 - conn_probs) / np.log((prod - 1.0) / prod)


def psc_over_psp(C_m, tau_m, tau_syn):
    """HELP: PSC amplitude (pA) per mV of PSP peak for iaf_psc_exp."""
    sub = 1.0 / (tau_syn - tau_m)
    pre = tau_m * tau_syn / C_m * sub
    frac = (tau_m / tau_syn) ** sub
    return 1.0 / (pre * (frac ** tau_m - frac ** tau_syn))


def parameters(scale=0.1, k_scale=None, background="poisson"):
    """The derived numbers of NETPY's ``__derive_parameters``: neurons per population, synapses [target, source],
    mean weight [target, source] (pA, signed), DC per population (pA), external in-degrees and weight (pA)."""
    k_scale = scale if k_scale is None else k_scale
    if background not in BACKGROUNDS:
        raise SpecError(f"background={background!r} must be one of {BACKGROUNDS}")
    for name, x in (("scale", scale), ("k_scale", k_scale)):
        if not (isinstance(x, (int, float, np.integer, np.floating)) and 0 < x <= 1):
            raise SpecError(f"{name}={x!r} must be a number in (0, 1] (1: the full microcircuit)")
    full_syn = num_synapses_from_conn_probs(CONN_PROBS, FULL_NUM_NEURONS, FULL_NUM_NEURONS)
    n = np.round(FULL_NUM_NEURONS * scale).astype(np.int64)
    if n.min() < 1:
        raise SpecError(f"scale={scale!r} leaves a population empty; use at least {1 / FULL_NUM_NEURONS.min():.4f}")
    syn = np.round(full_syn * scale * k_scale).astype(np.int64)
    psp = np.zeros((8, 8))
    psp[:, 0::2], psp[:, 1::2] = PSP_EXC_MEAN, PSP_EXC_MEAN * G
    psp[0, 2] = 2.0 * PSP_EXC_MEAN                                   # L4E -> L2/3E doubled (NET)
    factor = psc_over_psp(NEURON["C_m"], NEURON["tau_m"], NEURON["tau_syn"])
    w, w_ext = psp * factor, PSP_EXC_MEAN * factor
    if background == "poisson":
        dc = np.zeros(8)
    else:
        dc = BG_RATE * K_EXT * w_ext * NEURON["tau_syn"] * 0.001     # HELP dc_input_compensating_poisson
    if k_scale != 1:                                                  # HELP adjust_weights_and_input_to_synapse_scaling
        indegree = full_syn / FULL_NUM_NEURONS[:, None]
        input_rec = np.sum(w * indegree * FULL_MEAN_RATES, axis=1)
        dc = dc + 0.001 * NEURON["tau_syn"] * (1.0 - np.sqrt(k_scale)) * input_rec
        if background == "poisson":
            dc += 0.001 * NEURON["tau_syn"] * (1.0 - np.sqrt(k_scale)) * w_ext * K_EXT * BG_RATE
        w, w_ext = w / np.sqrt(k_scale), w_ext / np.sqrt(k_scale)
    k_ext = np.round(K_EXT * k_scale).astype(np.int64)              # NETPY ext_indegrees
    return dict(neurons=n, synapses=syn, weight_pA=w, dc_pA=dc, w_ext_pA=w_ext, k_ext=k_ext, scale=scale,
                k_scale=k_scale, background=background)


def microcircuit(scale=0.1, k_scale=None, background="poisson", seed=1, dtype=np.float64, memory=None):
    """The microcircuit at ``scale`` (neurons) and ``k_scale`` (in-degrees; default = scale) as a
    ``snn.compact.CompactNetwork``; ``seed`` draws connectivity, weights, delays, initial V and the background."""
    par = parameters(scale, k_scale, background)
    rng = np.random.default_rng([seed, 3])
    cell = dict(cm=NEURON["C_m"] / 1000.0, tau_m=NEURON["tau_m"], v_rest=NEURON["E_L"], v_thresh=NEURON["V_th"],
                v_reset=NEURON["V_reset"], tau_refrac=NEURON["t_ref"], tau_syn_E=NEURON["tau_syn"],
                tau_syn_I=NEURON["tau_syn"])
    pops = [Population(name, int(par["neurons"][k]), "IF_curr_exp", dict(cell, i_offset=par["dc_pA"][k] / 1000.0),
                       initial_values={"v": rng.normal(V0_MEAN[k], V0_STD[k], int(par["neurons"][k]))})
            for k, name in enumerate(POPULATIONS)]
    blocks = []
    for i, target in enumerate(POPULATIONS):
        for j, source in enumerate(POPULATIONS):
            w = par["weight_pA"][i, j] / 1000.0                      # nA, signed as in NEST
            d = DELAY_EXC_MEAN if j % 2 == 0 else DELAY_INH_MEAN
            blocks.append(FixedTotalBlock(source, target, int(par["synapses"][i, j]), w_mean=abs(w),
                                          w_sd=abs(w) * WEIGHT_REL_STD, w_low=0.0,
                                          receptor="excitatory" if w > 0 else "inhibitory",
                                          d_mean=d, d_sd=d * DELAY_REL_STD, d_low=0.5 * DT))
    poisson = {name: (BG_RATE * par["k_ext"][k], par["w_ext_pA"] / 1000.0, DELAY_POISSON)
               for k, name in enumerate(POPULATIONS)} if background == "poisson" else None
    net = CompactNetwork(pops, blocks, dt=DT, seed=seed, dtype=dtype, memory=memory, poisson=poisson)
    net.parameters = par
    return net
