"""sPyNNaker's host side: how the Python tool chain turns PyNN parameters and weights into the integers a board
loads (the 'spinnaker' schedule's fixed-point arithmetic reads nothing else).

Versions (``spinnaker_version``), which differ in how a real number becomes an integer:

- '2019': sPyNNaker 5.x. ``DataSpecification.write_value`` packed ``Decimal(str(v)) * scale`` with ``struct``,
  which truncates towards zero; ``synapse_type_exponential.py`` wrote ``int(exp(-ts / tau) * 2**32)`` and
  ``int(tau * (1 - exp(-ts / tau)) * (1000 / ts) * 2**32)``, also truncated. The board CSVs of
  ``test_param_vertex/20_*`` (recorded 2019) are reproduced bit for bit with this encoding.
- '2021': sPyNNaker 6.x (master of December 2021): ``DataType.encode_as_int`` = ``int(round(Decimal(str(v)) *
  scale))``, round half to even, for every S1615 / U032 parameter. ``test_set_and_reset``'s asserted voltages
  (-64.024658203125 ...) need it.
- '2022': sPyNNaker's 7-era mainline STDP (``weight_dependence_additive.py`` writes A without w_max; the pair
  rule depresses at lag 0 too; every update clamped) with the '2021' parameter encoding: what the CA3 CAM board
  recordings need (specs/ca3_cam.md, section 3.2). No other board case differs between '2021' and '2022'.
STDP of '2019' and '2021' is sPyNNaker 5.x / 6.x's (``stdp_6x_row``, snn/kernels/stdp_fixed.py).
All three compute exp_TC, R, decay and init on the host. sPyNNaker 7.x computes them on the chip (``expk``, ``kdivk``)
and rounds the LIF multiplies to nearest (``MULT_ROUND_NEAREST_ACCUM``); no board recording of 7.x is at hand to
check an emulation of it, so '7' is not offered.

Ring-buffer left shift (``synaptic_manager.py`` 5.x / 6.x ``_get_ring_buffer_to_input_left_shifts``,
``population_vertex.py`` 7.x ``get_ring_buffer_shifts``; the same rule in all three), per post population and
synapse type: ``max_weight`` = max(summed worst case, largest weight) when no projection's delays vary, else a
statistical bound (``expected_upper_bound``) capped by the summed worst case,
``shift = ceil(log2(max_weight))`` (+1 when 2**shift <= max_weight); weight scale ``2 ** (16 - (shift + 1))``;
stored weight ``rint(|w| * scale) & 0xFFFF`` (``synapse_dynamics_static.py``).
"""
from dataclasses import dataclass
from decimal import Decimal
import math

import numpy as np

from .errors import SpecError
from .kernels.fixed_point import S1615_ONE, STDP_FIXED_POINT_ONE, U032_ONE

VERSIONS = {
    "2019": "sPyNNaker 5.x (2019): host encoding truncates towards zero (board CSVs of test_param_vertex); 6.x STDP",
    "2021": "sPyNNaker 6.x (master, Dec 2021): host encoding rounds half to even (test_set_and_reset); STDP with "
            "A times w_max, summed then clamped, no depression at lag 0 (test_STDP_pair_additive)",
    "2022": "sPyNNaker 7-era mainline STDP (A absolute, each update clamped, depression at lag 0; the CA3 CAM "
            "recordings) with the 2021 host encoding",
}
DEFAULT_VERSION = "2022"
# spynnaker.cfg [Simulation]: spikes_per_second = 30, ring_buffer_sigma = 5; constants.py:
# POSSION_SIGMA_SUMMATION_LIMIT = 3.0
SPIKES_PER_SECOND = 30.0
RING_BUFFER_SIGMA = 5.0
POISSON_SIGMA_SUMMATION_LIMIT = 3.0
IZK_TAU_SYN = 5.0           # izk_curr_exp_base.py: tau_syn_E, tau_syn_I defaults
IZK_THRESHOLD = 30.0        # izk_curr_exp_base.py: _IZK_THRESHOLD (ThresholdTypeStatic)
S1615_MIN, S1615_MAX = -65536.0, 65535.999969482421875   # DataType.S1615 range


def check_version(version):
    if version not in VERSIONS:
        raise SpecError(f"spinnaker_version={version!r} is not known; choose one of "
                        + ", ".join(f"{k!r} ({v})" for k, v in VERSIONS.items()))
    return version


def era(version):
    """The sPyNNaker code a version's STDP and connectors follow: '6' for 5.x / 6.x ('2019', '2021'), '7' for the
    7-era mainline ('2022')."""
    return "7" if version == "2022" else "6"


def stdp_6x_row(rule, version, scale):
    """a2_plus, a2_minus, w_min, w_max of a 6.x pair-additive rule for one synapse type's weight scale, as
    ``weight_dependence_additive.py`` (5.x / 6.x) writes them: ``int(round(x * w))`` with A_plus and A_minus
    pre-multiplied by w_max ("Pre-multiply A+ and A- by Wmax"), INT32 in the stored word's units."""
    if rule.timing != "pair" or rule.weight_dependence != "additive":
        raise SpecError(f"{rule}: spinnaker_version={version!r} emulates sPyNNaker 5.x / 6.x STDP for the pair rule "
                        f"with additive weights only; use spinnaker_version='2022' (7-era STDP) for "
                        f"timing={rule.timing!r}, weight_dependence={rule.weight_dependence!r}")
    return [int(round(rule.A_plus * rule.w_max * scale)), int(round(rule.A_minus * rule.w_max * scale)),
            int(round(rule.w_min * scale)), int(round(rule.w_max * scale))]


def encode(value, scale, version, what="value"):
    """A real number as the integer the host writes: ``Decimal(str(v)) * scale`` truncated towards zero ('2019')
    or rounded half to even ('2021', '2022')."""
    x = Decimal(repr(float(value))) * scale
    return int(x) if version == "2019" else int(round(x))


def s1615(value, version, what="value"):
    v = float(value)
    if not S1615_MIN <= v <= S1615_MAX:
        raise SpecError(f"{what}={v!r} does not fit sPyNNaker's s16.15 range [-65536, 65536)")
    return encode(v, S1615_ONE, version, what)


def exp_synapse(tau, dt, version):
    """(decay, init) of an exponential synapse as u0.32 integers (synapse_type_exponential.py)."""
    if version == "2019":
        ts = dt * 1000.0          # machine_time_step in microseconds
        decay = int(np.exp(-float(ts) / (1000.0 * tau)) * 2 ** 32)
        init = int(tau * (1.0 - np.exp(-float(ts) / (1000.0 * tau))) * (1000.0 / float(ts)) * 2 ** 32)
    else:
        decay_f = math.exp(-dt / tau)
        decay = encode(decay_f, U032_ONE, version)
        init = encode((tau / dt) * (1.0 - math.exp(-dt / tau)), U032_ONE, version)
    return min(decay, U032_ONE - 1), min(init, U032_ONE - 1)


def lif_params(p, dt, version):
    """IF_curr_exp's neuron parameters as the board holds them (neuron_model_leaky_integrate_and_fire.py):
    V_rest, R = tau_m / cm, exp_TC = exp(-ts / tau_m), I_offset, V_reset (S1615), T_refract = ceil(tau_refrac /
    ts) ticks, and V_thresh (threshold_type_static.py, S1615)."""
    ts_us = dt * 1000.0
    return dict(
        v_rest=s1615(p["v_rest"], version, "v_rest"),
        r_mem=s1615(p["tau_m"] / p["cm"], version, "tau_m / cm"),
        exp_tc=s1615(np.exp(float(-ts_us) / (1000.0 * p["tau_m"])), version, "exp(-dt / tau_m)"),
        i_offset=s1615(p["i_offset"], version, "i_offset"),
        v_reset=s1615(p["v_reset"], version, "v_reset"),
        t_refract=int(np.ceil(p["tau_refrac"] / (ts_us / 1000.0))),
        v_thresh=s1615(p["v_thresh"], version, "v_thresh"),
    )


def board_params(model, p, dt, version):
    """Every PAR_ROWS value (snn/kernels/board_cells.py) a neuron of board model ``model`` loads, from its
    parameters ``p`` at time step ``dt`` ms (the machine time step divided by n_steps_per_timestep, as
    ``neuron_impl_standard.py`` divides it for every component). Izhikevich (``izk_curr_exp_base.py``): the
    exponential synapses of sPyNNaker's Izhikevich with its tau_syn_E = tau_syn_I = 5.0 ms (snn's Izhikevich
    has no synaptic time constants: PyNN's has none)."""
    tau_e, tau_i = (p["tau_syn_E"], p["tau_syn_I"]) if "tau_syn_E" in p else (IZK_TAU_SYN, IZK_TAU_SYN)
    (de, ie), (di, ii) = exp_synapse(tau_e, dt, version), exp_synapse(tau_i, dt, version)
    out = dict(decay_e=de, decay_i=di, init_e=ie, init_i=ii, i_offset=s1615(p["i_offset"], version, "i_offset"))
    if model == "izk_curr_exp":      # neuron_model_izh.py: A, B, C, D, I_offset, this_h = ts (ms) S1615
        out.update({f"iz_{k}": s1615(p[k], version, k) for k in "abcd"})
        return dict(out, h=s1615(dt, version, "time step"), v_thresh=s1615(IZK_THRESHOLD, version, "v_thresh"))
    out.update(lif_params(p, dt, version))
    if model == "lif_cond_exp":      # input_type_conductance.py: E_rev_E, E_rev_I S1615
        out.update(e_rev_e=s1615(p["e_rev_E"], version, "e_rev_E"), e_rev_i=s1615(p["e_rev_I"], version, "e_rev_I"))
    if model == "lif_curr_delta":    # input_type_delta: scale_factor = 1000 / timestep (us), S1615
        out["in_scale"] = s1615(1.0 / dt, version, "1 / time step")
    return out


def global_weight_scale(model):
    """``get_global_weight_scale`` of the model's input type: 1024 for conductance (input_type_conductance.py),
    1 otherwise."""
    return 1024.0 if model == "lif_cond_exp" else 1.0


class _RunningStats:
    """spynnaker/pyNN/utilities/running_stats.py: pooled mean and variance of groups of items."""

    def __init__(self):
        self.mean, self.mean_2, self.n = 0.0, 0.0, 0

    def add_items(self, mean, variance, n):
        if n > 0:
            new_n = self.n + n
            delta = mean - self.mean
            new_mean = (self.n * self.mean + n * mean) / new_n
            self.mean_2 = self.mean_2 + variance * (n - 1.0) + delta * delta * self.n * n / new_n
            self.mean, self.n = new_mean, new_n

    @property
    def std(self):
        return math.sqrt(self.mean_2 / (self.n - 1.0)) if self.n > 1 else 0.0


def expected_upper_bound(w_mean, w_std, spikes_per_second, n_in, sigma, dt):
    """``_ring_buffer_expected_upper_bound`` (population_vertex.py / synaptic_manager.py): mean + sigma SD of the
    summed input of one tick, Poisson spikes at ``spikes_per_second`` through ``n_in`` synapses."""
    from scipy import special
    per_tick = float(n_in * spikes_per_second) / (1000.0 / dt)
    poisson_variance = per_tick * w_mean ** 2
    upper = int(round(per_tick + POISSON_SIGMA_SUMMATION_LIMIT * math.sqrt(per_tick)))
    weight_variance = 0.0
    if w_std > 0:
        lngamma = special.gammaln(1 + upper)
        gammai = special.gammaincc(1 + upper, per_tick)
        big_ratio = math.log(per_tick) * upper - lngamma
        if -701.0 < big_ratio < 701.0 and big_ratio != 0.0:
            weight_variance = math.exp(-per_tick + math.log(per_tick) + 2.0 * math.log(w_std)
                                       + math.log(math.exp(per_tick) * gammai - math.exp(big_ratio)))
    return per_tick * w_mean + sigma * math.sqrt(poisson_variance + weight_variance)


@dataclass
class Incoming:
    """One projection's share of a synapse type's input (what sPyNNaker's ``_Stats`` collects)."""
    n_conns: int            # most connections onto one post neuron (connector's maximum)
    w_mean: float
    w_var: float
    w_max: float            # largest |weight| (a plastic rule: at least its w_max)
    d_var: float            # variance of the delays
    spikes_per_tick: float  # most spikes one presynaptic neuron sends in a tick
    rate: float             # spikes per second assumed for the statistical bound


def max_weight(incoming, dt, version):
    """The largest summed input one tick can bring to a synapse type (``get_max_weight``)."""
    stats, rates = _RunningStats(), _RunningStats()
    total = biggest = 0.0
    any_delay_var = False
    for inc in incoming:
        stats.add_items(inc.w_mean, inc.w_var, inc.n_conns)
        rates.add_items(inc.rate, 0.0, inc.n_conns)
        biggest = max(biggest, inc.w_max)
        total += inc.spikes_per_tick * inc.w_max * inc.n_conns
        any_delay_var |= inc.d_var != 0.0
    if not incoming:
        return 0.0
    if not any_delay_var:     # every projection's delays fixed: the worst case, all inputs in one tick
        return max(total, biggest)
    w = min(expected_upper_bound(stats.mean, stats.std, rates.mean, stats.n, RING_BUFFER_SIGMA, dt), total)
    return max(w, biggest)


def ring_buffer_shift(max_w, signed=False):
    """Left shift of a synapse type's ring buffer for a summed input up to ``max_w``."""
    shift = 0 if max_w <= 0 else int(math.ceil(max(0.0, math.log2(max_w))))
    if 2 ** shift <= max_w:
        shift += 1        # the range is [0, 2**shift): a max equal to a power of two needs one bit more
    if signed:
        shift += 1        # signed plastic weights (6.x ``are_weights_signed``)
    return shift


def weight_scale(shift, global_weight_scale=1.0):
    """population_vertex.py ``__get_weight_scale``: 2**(16 - (shift + 1)) times the global scale (1 for current
    input, 1024 for conductance input)."""
    return float(2.0 ** (16 - (shift + 1))) * global_weight_scale


def stored_weights(w, scale):
    """synapse_dynamics_static.py / synapse_dynamics_stdp.py: ``rint(|w| * scale)`` kept to 16 bits."""
    return (np.rint(np.abs(np.asarray(w, np.float64)) * scale).astype(np.int64)) & 0xFFFF


def exp_lut(dt, tau):
    """plasticity/stdp/common.py ``get_exp_lut_array`` (shift 0): floor(exp(-k dt / tau) * 2048), k < size, size
    = ln(2048) / (dt / tau) rounded up to an even number."""
    lam = dt / float(tau)
    size = math.log(STDP_FIXED_POINT_ONE) / lam
    size, extra = divmod(size, 2)
    size = (int(size) + (extra > 0)) * 2
    return np.floor(np.exp(np.arange(size) * -lam) * STDP_FIXED_POINT_ONE).astype(np.int64)
