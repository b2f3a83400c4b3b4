"""sPyNNaker's fixed-point primitives and host encoding against integers worked by hand.

Tolerance: none. Every value is an integer (or an exact multiple of 2**-15) and must be equal; each expected
number is derived in the test's comments from the definitions in maths-util.h, decay.h, synapses.c, maths.h and
the host's DataType / common.py (snn/kernels/fixed_point.py, snn/spinnaker_host.py name the sources).
"""
import math

import numpy as np
import pytest

from snn import spinnaker_host as host
from snn.errors import SpecError
from snn.kernels.fixed_point import (decay_s1615, lut_decay, mul_accum_fixed, mul_s1615, mul_s1615_round, ring_add,
                                     ring_to_input, stdp_mul_16x16, wrap16, wrap32)


def test_accum_multiply_truncates_towards_minus_infinity():
    # 1.5 * 2**-15 squared is below one LSB: floor gives 0; -1 LSB * 1.5 = -1.5 LSB floors to -2
    assert mul_s1615(3 << 14, 1) == 1          # 1.5 * 1 LSB = 1.5 LSB -> 1
    assert mul_s1615(-(3 << 14), 1) == -2      # -1.5 LSB -> -2 (arithmetic shift), not -1 (truncation to zero)
    assert mul_s1615_round(3 << 14, 1) == 2    # 7.x's MULT_ROUND_NEAREST_ACCUM: 1.5 LSB -> 2
    assert mul_s1615(20 << 15, 31170) == 623400   # exp_TC (31170) * 20 mV: the first step of test_set_and_reset


def test_wrapping_is_that_of_c_integers():
    assert wrap32(2 ** 31) == -2 ** 31 and wrap32(-2 ** 31 - 1) == 2 ** 31 - 1
    assert wrap16(40000) == 40000 - 65536 and wrap16(-32769) == 32767


def test_decay_and_ring_buffer_input():
    # init of tau_syn 5 ms at 1 ms (U032, round half to even) and a 2 nA spike stored as 8192 << shift 3:
    init = host.exp_synapse(5.0, 1.0, "2021")[1]
    assert init == round(5 * (1 - math.exp(-0.2)) * 2 ** 32) == 3892727437
    x = ring_to_input(8192, 3)
    assert x == 2 << 15
    # (65536 * 3892727437) >> 32 = 59398 -> 1.81268310546875 nA, the board's gsyn of neuron 0 at t = 1 (20_1)
    assert decay_s1615(x, init) == 59398 and 59398 / 2 ** 15 == 1.81268310546875
    assert decay_s1615(-1, 2 ** 31) == -1       # floor of -0.5 LSB


def test_ring_buffer_saturates_at_0xffff():
    assert ring_add(0xFFF0, 0x0F) == (0xFFFF, 0)
    assert ring_add(0xFFF0, 0x20) == (0xFFFF, 1)     # bit 16 set: saturate and count
    assert ring_add(0xFFFF, 0) == (0xFFFF, 0)


def test_stdp_fixed_point():
    # traces s4.11: a trace of 2048 (one spike) decayed by LUT 1051 (e^(-2/3)) gives 1051
    assert stdp_mul_16x16(2048, 1051) == 1051
    assert stdp_mul_16x16(40000, 2048) == 40000 - 65536   # __smulbb reads the low signed halves
    # A = 6 (accum 196608) times the trace 1051: 196608 * (1051 << 4) >> 15 = 100896 (3.0791015625)
    assert mul_accum_fixed(6 << 15, 1051) == 100896
    lut = np.array([2048, 1000, 10])
    assert lut_decay(2, lut, 3) == 10 and lut_decay(3, lut, 3) == 0


def test_host_encoding_rounds_or_truncates_by_version():
    e = math.exp(-1 / 20)                      # 0.951229424500714 * 32768 = 31169.886...
    assert host.s1615(e, "2021") == 31170 and host.s1615(e, "2019") == 31169
    assert host.s1615(2 ** -16, "2021") == 0 and host.s1615(3 * 2 ** -16, "2021") == 2   # half to even
    assert host.s1615(-64.3, "2019") == -2106982   # towards zero: -64.3 * 32768 = -2106982.4
    assert host.s1615(-64.3, "2021") == -2106982
    with pytest.raises(SpecError, match="s16.15"):
        host.s1615(70000.0, "2021")
    with pytest.raises(SpecError, match="spinnaker_version='7'"):
        host.check_version("7")


def test_set_and_reset_voltages_by_hand():
    """One IF_curr_exp, i_offset 1 nA, cm 1, tau_m 20: alpha = 1 * 20 - 65 = -45 mV; V <- alpha - exp_TC (alpha -
    V) in accum integers gives test_set_and_reset's asserted voltages with the 2021 encoding (exp_TC 31170)."""
    p = host.lif_params(dict(v_rest=-65.0, tau_m=20.0, cm=1.0, i_offset=1.0, v_reset=-65.0, tau_refrac=0.1,
                             v_thresh=-50.0), 1.0, "2021")
    assert (p["exp_tc"], p["r_mem"], p["t_refract"]) == (31170, 20 << 15, 1)
    v = -65 << 15
    seen = []
    for _ in range(5):
        seen.append(v / 2 ** 15)
        alpha = mul_s1615(p["i_offset"], p["r_mem"]) + p["v_rest"]
        v = alpha - mul_s1615(p["exp_tc"], alpha - v)
    assert seen == [-65.0, -64.024658203125, -63.09686279296875, -62.214324951171875, -61.37481689453125]


def test_ring_buffer_shift_rule():
    assert host.ring_buffer_shift(0.0) == 0
    assert host.ring_buffer_shift(4.0) == 3      # 2**2 == 4 is out of [0, 4): one bit more
    assert host.ring_buffer_shift(2.57) == 2
    assert host.ring_buffer_shift(2.57, signed=True) == 3
    assert host.weight_scale(3) == 4096.0
    assert host.stored_weights([2.0, 0.00006103515625, -1.5], 4096.0).tolist() == [8192, 0, 6144]  # rint: 0.25 -> 0
    fixed = [host.Incoming(1, 2.0, 0.0, 2.0, 0.0, 1.0, 30.0), host.Incoming(1, 2.0, 0.0, 2.0, 0.0, 1.0, 30.0)]
    assert host.max_weight(fixed, 1.0, "2021") == 4.0          # fixed delays: the summed worst case
    varied = [host.Incoming(1, 2.0, 0.0, 2.0, 1.0, 1.0, 30.0), host.Incoming(1, 2.0, 0.0, 2.0, 0.0, 1.0, 30.0)]
    # varying delays: 0.06 spikes per tick * 2 + 5 sqrt(0.06 * 4) = 2.5695 (< 4, > the largest weight 2)
    assert host.max_weight(varied, 1.0, "2021") == pytest.approx(0.12 + 5 * math.sqrt(0.24), rel=1e-12)


def test_stdp_lut_matches_spynnakers_own():
    """plasticity/stdp/common.py: against the installed sPyNNaker's get_exp_lut_array where it is installed."""
    lut = host.exp_lut(1.0, 3.0)
    assert lut.size == 24 and lut[0] == 2048 and lut[2] == 1051 and lut[4] == 539 and lut[6] == 277
    common = pytest.importorskip("spynnaker.pyNN.models.neuron.plasticity.stdp.common")
    for tau in (3.0, 20.0, 17.3):
        ref = common.get_exp_lut_array(1.0, tau).view(np.uint16)
        assert ref[0] == host.exp_lut(1.0, tau).size
        assert ref[2:2 + ref[0]].astype(np.int64).tolist() == host.exp_lut(1.0, tau).tolist()


def test_split_decay_equals_the_u32_product():
    """The vectorising form of decay_s1615 gives the same integers (random operands, both signs, both halves)."""
    from snn.kernels.fixed_point import decay_s1615_split, split_u032
    rng = np.random.default_rng(3)
    xs = rng.integers(-2 ** 31, 2 ** 31, 2000)
    ds = np.concatenate([rng.integers(0, 2 ** 32, 1998), [2 ** 31, 2 ** 32 - 1]])
    for x, d in zip(xs, ds):
        d32, high = split_u032(int(d))
        assert decay_s1615_split(int(x), d32, high) == decay_s1615(int(x), int(d)) == (int(x) * int(d)) >> 32
