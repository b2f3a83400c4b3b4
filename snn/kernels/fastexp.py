"""A vectorisable ``exp`` for the neuron loops.

numba calls ``math.exp`` as a scalar libm function, and this numba's LLVM has no SVML patch ("LLVM SVML Patched:
False" in ``numba -s``; the ``icc_rt`` package installs but is not used), so a loop with an ``exp`` per neuron does
not vectorise. ``exp`` here is plain arithmetic that LLVM vectorises: Cody-Waite reduction x = n ln2 + r with
|r| <= ln2 / 2 (n rounded by the 1.5 * 2**52 shift, with no float-to-int conversion), the Taylor polynomial of
e^r to degree 13 (truncation below 1e-17 relative), and 2^n put into the exponent bits. Within 1 ulp of the
correctly rounded result (tests/kernels/test_fastexp.py); libm's exp is also within 1 ulp, so the two agree on
most inputs and differ by one ulp on the rest.

The polynomial is summed in Estrin's order (pairs, then pairs of pairs with r^2, r^4, r^8) with fused
multiply-adds, not by Horner: Horner's 13 dependent multiply-adds made the neuron loop wait on latency (about 90
cycles per vector of neurons), and Estrin's tree is 5 levels deep. The fused multiply-add is LLVM's ``llvm.fma``
(one rounding, IEEE 754 fusedMultiplyAdd), so results are the same on every machine; without FMA hardware it is a
libm call (slow, same result).
"""
from llvmlite import ir
from numba.core import cgutils, types
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
def _fma(typingctx, a, b, c):
    """a * b + c with one rounding (``llvm.fma.f64``); vectorises."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        f64 = ir.DoubleType()
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(f64, [f64] * 3), "llvm.fma.f64")
        return builder.call(fn, args)
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
    kd = _fma(xc, _LOG2E, _SHIFT)      # no float -> int conversion (AVX2 has none for int64): round by adding
    n = kd - _SHIFT
    r = _fma(-n, _LN2_LO, _fma(-n, _LN2_HI, xc))
    r2 = r * r
    r4 = r2 * r2
    q = _fma(_fma(_INV[5], r, _INV[4]), r2, _fma(_INV[3], r, _INV[2]))
    q = _fma(_fma(_fma(_INV[9], r, _INV[8]), r2, _fma(_INV[7], r, _INV[6])), r4, q)
    q = _fma(_fma(_fma(_INV[13], r, _INV[12]), r2, _fma(_INV[11], r, _INV[10])), r4 * r4, q)
    p = 1.0 + _fma(r2, q, r)          # 1 + r + r^2 (1/2 + r/6 + ... + r^11/13!)
    y = p * _bits_as_float((_float_bits(kd) + 1023) << 52)     # 2**n: n sits in kd's low bits
    y = 0.0 if x < -708.39 else y
    y = float("inf") if x > 709.78 else y
    return x if x != x else y
