"""The board's STDP rules in fixed point (snn/kernels/stdp_fixed.py) against integers worked by hand from sPyNNaker's
C sources: timing_pair_impl.h / timing_nearest_pair_impl.h (what each post and pre spike hands to the weight rule),
weight_additive_one_term_impl.h / weight_multiplicative_impl.h (how it moves the accum weight),
synapse_dynamics_stdp_mad_impl.c + post_events.h (which post spikes a pre spike sees, with which previous one).

Tolerance: none. Each expected weight is an integer word computed below step by step in plain Python integers
(accum products floor-shifted by 15, s4.11 values shifted left by 4), read back as word / weight scale.
The LUTs are the host's (snn.spinnaker_host.exp_lut, checked against sPyNNaker's own in test_fixed_point.py).
"""
import numpy as np
import pytest

from snn import spinnaker_host as host
from snn.connectors import OneToOne
from snn.engine import Simulator
from snn.errors import SpecError
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection

CELL = dict(cm=0.27, tau_m=3.0, tau_refrac=1.0, tau_syn_E=0.3, tau_syn_I=0.3,
            v_rest=-60.0, v_reset=-60.0, v_thresh=-57.0)
LUT = host.exp_lut(1.0, 3.0)          # tau_plus = tau_minus = 3 ms: floor(2048 e^(-k/3))
A_PLUS, A_MINUS = 0.5, 0.25           # exact in s16.15: 16384, 8192
W_MIN, W_MAX = 0.0, 6.0


def rule(timing, weights):
    return SpikePairSTDP(tau_plus=3.0, tau_minus=3.0, A_plus=A_PLUS, A_minus=A_MINUS, w_min=W_MIN, w_max=W_MAX,
                         timing=timing, weight_dependence=weights)


def net(pre_times, drive_times, plasticity, w0, extra=()):
    sources = [Population(label, 1, "SpikeSourceArray", params=dict(spike_times=[times]))
               for label, times in (("pre", pre_times), ("drive", drive_times))]
    return Network([*sources, Population("post", 1, "IF_curr_exp", params=CELL), *extra[:1]],
                   [Projection("drive", "post", OneToOne(), weight=6.0, delay=1.0),
                    Projection("pre", "post", OneToOne(), weight=w0, delay=1.0, plasticity=plasticity,
                               label="plastic"), *extra[1:]],
                   dt=1.0, schedule="spinnaker")


def board_run(pre_times, drive_times, plasticity, w0, duration=16.0):
    res = Simulator(net(pre_times, drive_times, plasticity, w0)).run(duration)
    shift = res.ring_buffer_shifts[("post", 0)]
    return res.weights("plastic")[2][0], res.spike_trains("post")[0].tolist(), shift


def mul(a, b):                 # accum * accum: the 64-bit product >> 15 (floor)
    return (a * b) >> 15


def mul_fixed(a, x):           # mul_accum_fixed: a * kbits(x << 4)
    return mul(a, x << 4)


def potentiate(w, x, weights):
    ap, wmax = round(A_PLUS * 2 ** 15), round(W_MAX * 2 ** 15)
    if weights == "multiplicative":
        return w + mul_fixed(mul(wmax - w, ap), x)             # no clamp
    return min(w + mul_fixed(ap, x), wmax)


def depress(w, x, weights):
    am, wmin = round(A_MINUS * 2 ** 15), round(W_MIN * 2 ** 15)
    if weights == "multiplicative":
        return w - mul_fixed(mul(w - wmin, am), x)
    return max(w - mul_fixed(am, x), wmin)


@pytest.mark.parametrize("weights", ["additive", "multiplicative"])
@pytest.mark.parametrize("timing", ["pair", "nearest"])
def test_two_post_spikes_between_two_pre_spikes(timing, weights):
    """pre at 2 and 12, post at 5 and 7 (driven), delay 1. At T = 2 nothing has happened (no post spike: no
    depression). At T = 12 the window (1, 11] holds 5 and 7, the latest post <= 11 is 7:
      pair:    potentiation r(2) LUT[5 + 1 - 2] >> 11 and r(2) LUT[7 + 1 - 2] >> 11 with r(2) = 0 * LUT[2] >> 11 +
               2048 = 2048; depression o(7) LUT[12 - 8] >> 11, o(7) = (2048 LUT[7 - 5] >> 11) + 2048;
      nearest: potentiation LUT[4] by post 5 (its previous post, the placeholder at 0: 5 + 1 - 0 = 6 is not < 4),
               0 by post 7 (7 + 1 - 5 = 3 < 6: not the first post after the pre spike); depression LUT[4]."""
    w, post, shift = board_run([2.0, 12.0], [4.0, 6.0], rule(timing, weights), 2.0)
    assert post == [5.0, 7.0]
    scale = 2 ** (15 - shift)                      # weight_scale: 2 ** (16 - (shift + 1))
    acc = int(round(2.0 * scale)) << shift         # weight_get_initial: word << shift
    if timing == "pair":
        r2 = (0 * LUT[2] >> 11) + 2048
        o7 = (2048 * LUT[2] >> 11) + 2048
        ups, down = [r2 * LUT[4] >> 11, r2 * LUT[6] >> 11], o7 * LUT[4] >> 11
    else:
        ups, down = [LUT[4], 0], LUT[4]
    for x in ups:
        acc = potentiate(acc, int(x), weights)
    acc = depress(acc, int(down), weights)
    assert w == (acc >> shift) / scale
    assert w != 2.0


@pytest.mark.parametrize("weights", ["additive", "multiplicative"])
def test_nearest_pair_pairs_the_first_pre_spike_with_time_zero(weights):
    """The pre history starts at time 0 with trace 0 (the host writes a zero header). Post at 1, first pre at 4
    (delay 1): the window (0, 3] holds post 1 with lag 1 + 1 - 0 = 2. Pair: r = 0, no potentiation; nearest:
    LUT[2] (its previous post is the placeholder: 1 + 1 - 0 = 2 is not < 2). Then depression by post 1, lag
    4 - 2 = 2: pair o(1) LUT[2] >> 11 = 2048 LUT[2] >> 11, nearest LUT[2]. So the two rules differ at once."""
    results = {}
    for timing in ("pair", "nearest"):
        w, post, shift = board_run([4.0], [0.0], rule(timing, weights), 2.0, duration=6.0)
        assert post == [1.0]
        scale = 2 ** (15 - shift)
        acc = int(round(2.0 * scale)) << shift
        if timing == "nearest":
            acc = potentiate(acc, int(LUT[2]), weights)
        acc = depress(acc, int(2048 * LUT[2] >> 11), weights)
        assert w == (acc >> shift) / scale
        results[timing] = w
    assert results["nearest"] > results["pair"]


def test_each_pre_row_keeps_its_own_rules_history():
    """One presynaptic neuron with pair-rule synapses onto two post populations of different tau_plus: the board
    keeps one pre history per row, so each synapse learns what it learns alone."""
    slow = SpikePairSTDP(tau_plus=20.0, tau_minus=3.0, A_plus=0.5, A_minus=0.0, w_min=0.0, w_max=6.0)
    fast = rule("pair", "additive")
    pre, drive = [2.0, 4.0, 12.0], [8.0]

    def weights(both):
        extra = (Population("post2", 1, "IF_curr_exp", params=CELL),
                 Projection("drive", "post2", OneToOne(), weight=6.0, delay=1.0),
                 Projection("pre", "post2", OneToOne(), weight=2.0, delay=1.0, plasticity=slow, label="slow"))
        n = net(pre, drive, fast, 2.0, extra if both else ())
        res = Simulator(n).run(16.0)
        return res.weights("plastic")[2][0], (res.weights("slow")[2][0] if both else None)

    alone_fast, _ = weights(False)
    together_fast, together_slow = weights(True)
    assert together_fast == alone_fast
    alone_slow = Simulator(net(pre, drive, slow, 2.0)).run(16.0).weights("plastic")[2][0]
    assert together_slow == alone_slow != 2.0


def test_one_rule_per_post_population_as_spynnaker_requires():
    extra = (Population("pre2", 1, "SpikeSourceArray", params=dict(spike_times=[[1.0]])),
             Projection("pre2", "post", OneToOne(), weight=1.0, delay=1.0, plasticity=rule("nearest", "additive")))
    with pytest.raises(SpecError, match="one STDP rule per post population"):
        Simulator(net([2.0], [4.0], rule("pair", "additive"), 1.0, extra))


def test_float64_refuses_what_only_the_board_kernel_computes():
    n = net([2.0], [4.0], rule("nearest", "multiplicative"), 1.0)
    with pytest.raises(SpecError, match="runs only in the board's fixed point"):
        Simulator(n, arithmetic="float64")
    assert "timing='triplet' is not one of" in " ".join(
        SpikePairSTDP(timing="triplet").problems())
    assert np.isfinite(Simulator(net([2.0], [4.0], rule("pair", "additive"), 1.0), arithmetic="float64")
                       .run(6.0).weights("plastic")[2][0])
