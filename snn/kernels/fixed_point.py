"""sPyNNaker's fixed-point arithmetic, operation by operation, on integers (the bits of the fixed-point values).

Types (``neural_modelling/src/common/maths-util.h``, ``neuron/decay.h``, ``plasticity/stdp/stdp_typedefs.h``):
  REAL = accum      s16.15: an int32 holding value * 2**15
  decay_t = UFRACT  u0.32:  a uint32 holding value * 2**32
  STDP traces       int16 with 11 fractional bits (STDP_FIXED_POINT = 11, one = 2048)
  ring-buffer entry uint16 (``weight_t``), saturating at 0xFFFF

Values are held at their C width (``np.int32`` for accum and int32 state) and every result is cast back to it,
which wraps as C does: GCC's ``accum`` arithmetic in the neuron code does not saturate, so an overflow wraps as the
board's would (it never happens with sane parameters). Products are taken in int64 (32 x 32 -> 64 bits, which
vectorises) and shifted right with an arithmetic shift: a floor, not a rounding.
"""
import numpy as np

from ._config import njit

S1615_SHIFT = 15                      # maths-util.h: accum has 15 fractional bits
S1615_ONE = 1 << S1615_SHIFT
U032_ONE = 1 << 32                    # decay.h: decay_t = UFRACT, 32 fractional bits
STDP_FIXED_POINT = 11                 # stdp_typedefs.h
STDP_FIXED_POINT_ONE = 1 << STDP_FIXED_POINT
S1615_TO_STDP_RIGHT_SHIFT = 4         # stdp_typedefs.h: s16.15 -> s4.11
RING_MAX = 0xFFFF                     # synapses.c: a ring-buffer sum with bit 16 set saturates to 0xFFFF


@njit(inline="always")
def wrap32(x):
    """x wrapped to a signed 32-bit value, as a C int32 assignment does."""
    return np.int32(x)


@njit(inline="always")
def wrap16(x):
    """x wrapped to a signed 16-bit value (a C int16_t assignment)."""
    return np.int16(x)


@njit(inline="always")
def mul_s1615(a, b):
    """accum * accum (GCC stdfix, no saturation): (a * b) >> 15, the shift a floor."""
    return np.int32((np.int64(a) * np.int64(b)) >> S1615_SHIFT)


@njit(inline="always")
def mul_s1615_round(a, b):
    """MULT_ROUND_NEAREST_ACCUM (neuron/models/round.h, sPyNNaker 7's LIF): the product rounded to nearest."""
    return np.int32((np.int64(a) * np.int64(b) + (1 << (S1615_SHIFT - 1))) >> S1615_SHIFT)


@njit(inline="always")
def decay_s1615(x, d):
    """decay.h ``decay_s1615``: s16.15 x times u0.32 d, (int64(x) * uint64(d)) >> 32 (a floor)."""
    return np.int32((np.int64(x) * np.int64(d)) >> 32)


@njit(inline="always")
def split_u032(d):
    """A u0.32 value d as (d wrapped to int32, d >= 2**31): the operands of ``decay_s1615_split``."""
    return np.int32(d), d >= 0x80000000


@njit(inline="always")
def decay_s1615_split(x, d32, d_high):
    """``decay_s1615(x, d)`` from ``split_u032(d)``: with d = d32 + 2**32 when d >= 2**31, (x d) >> 32 =
    ((x d32) >> 32) + x exactly; x d32 is a signed 32 x 32 product, which vectorises (the u32 one does not)."""
    return np.int32(((np.int64(x) * np.int64(d32)) >> 32) + (x if d_high else 0))


@njit(inline="always")
def ring_to_input(entry, left_shift):
    """synapse_row.h / synapses.c: a uint16 ring-buffer entry becomes an s16.15 input as (int) entry << shift."""
    return np.int32(np.int64(entry) << left_shift)


@njit(inline="always")
def ring_add(entry, weight):
    """synapses.c: add a uint16 weight to a ring-buffer entry; a sum with bit 16 set saturates to 0xFFFF.
    Returns (new entry, 1 if it saturated else 0)."""
    acc = entry + weight
    if acc & 0x10000:
        return RING_MAX, 1
    return acc, 0


@njit(inline="always")
def stdp_mul_16x16(a, b):
    """STDP_FIXED_MUL_16X16 (maths.h ``maths_fixed_mul16``): __smulbb of the low signed halves, >> 11."""
    return (np.int32(np.int16(a)) * np.int32(np.int16(b))) >> STDP_FIXED_POINT


@njit(inline="always")
def mul_accum_fixed(a, stdp_fixed):
    """stdp_typedefs.h ``mul_accum_fixed``: accum a times an s4.11 value, as a * kbits(value << 4)."""
    return mul_s1615(a, np.int32(np.int64(stdp_fixed) << S1615_TO_STDP_RIGHT_SHIFT))


@njit(inline="always")
def lut_decay(time, lut, size):
    """maths.h ``maths_lut_exponential_decay`` (shift 0): lut[time], or 0 past the table's end."""
    return lut[time] if 0 <= time < size else 0
