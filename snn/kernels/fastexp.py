"""A vectorisable ``exp`` for the neuron loops.

numba calls ``math.exp`` as a scalar libm function, and this numba's LLVM has no SVML patch ("LLVM SVML Patched:
False" in ``numba -s``; the ``icc_rt`` package installs but is not used), so a loop with an ``exp`` per neuron does
not vectorise. ``exp`` here is plain arithmetic that LLVM vectorises: Cody-Waite reduction x = n ln2 + r with
|r| <= ln2 / 2 (n rounded by the 1.5 * 2**52 shift, with no float-to-int conversion), the Taylor polynomial of
e^r to degree 13 (truncation below 1e-17 relative) by Horner, and 2^n put into the exponent bits. Within 1 ulp of the correctly rounded result (tests/kernels/test_fastexp.py); libm's
exp is also within 1 ulp, so the two agree on most inputs and differ by one ulp on the rest.
"""
from numba.core import types
from numba.extending import intrinsic

from ._config import njit

_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01       # ln 2 split so that n * _LN2_HI is exact (fdlibm's constants)
_LN2_LO = 1.90821492927058770002e-10
_INV = (1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880,
        1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800)


@intrinsic
def _bits_as_float(typingctx, x):
    """The int64 ``x`` reinterpreted as a float64 (a free bit cast, which vectorises)."""
    sig = types.float64(types.int64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))
    return sig, codegen


@intrinsic
def _float_bits(typingctx, x):
    """The float64 ``x``'s bits as an int64."""
    sig = types.int64(types.float64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int64))
    return sig, codegen


_SHIFT = 6755399441055744.0     # 1.5 * 2**52: x + _SHIFT rounds x to an integer held in the low mantissa bits


@njit(inline="always")
def exp(x):
    """e**x for float64 x: 0 below -708.39 (where e**x leaves the normal range), inf above 709.78; NaN stays
    NaN. Branch-free, so a loop over it vectorises."""
    xc = min(max(x, -708.39), 709.78)
    kd = xc * _LOG2E + _SHIFT          # no float -> int conversion (AVX2 has none for int64): round by adding
    n = kd - _SHIFT
    r = (xc - n * _LN2_HI) - n * _LN2_LO
    p = _INV[13]
    p = p * r + _INV[12]
    p = p * r + _INV[11]
    p = p * r + _INV[10]
    p = p * r + _INV[9]
    p = p * r + _INV[8]
    p = p * r + _INV[7]
    p = p * r + _INV[6]
    p = p * r + _INV[5]
    p = p * r + _INV[4]
    p = p * r + _INV[3]
    p = p * r + _INV[2]
    p = p * r + 1.0
    p = p * r + 1.0
    y = p * _bits_as_float((_float_bits(kd) + 1023) << 52)     # 2**n: n sits in kd's low bits
    y = 0.0 if x < -708.39 else y
    y = float("inf") if x > 709.78 else y
    return x if x != x else y
