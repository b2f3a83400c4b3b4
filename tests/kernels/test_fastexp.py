"""The vectorisable exp (snn/kernels/fastexp.py) against libm's exp and exact values: within one ulp on the
range a conductance step uses and on the whole normal range, exact at the special points."""
import math

import numba
import numpy as np

from snn.kernels.fastexp import exp


@numba.njit
def _fast(x, out):
    for i in range(x.shape[0]):
        out[i] = exp(x[i])


def _ulps(a, b):
    return np.abs(a - b) / np.spacing(np.abs(b))


def test_within_one_ulp_of_libm():
    rng = np.random.default_rng(0)
    for lo, hi in ((-1.0, 0.0), (-1e-3, 1e-3), (-700.0, 700.0)):
        x = rng.uniform(lo, hi, 200_000)
        out = np.empty_like(x)
        _fast(x, out)
        ref = np.array([math.exp(v) for v in x])
        assert _ulps(out, ref).max() <= 1.0
        assert np.mean(out == ref) > 0.85          # most values are bit-identical


def test_against_exact_values_and_special_points():
    from fractions import Fraction
    x = np.array([0.0, 1.0, -1.0, 0.5, -0.3465735902799726, 10.0, -20.0])
    out = np.empty_like(x)
    _fast(x, out)
    exact = [1.0, math.e, 1 / math.e]
    assert out[0] == 1.0 and abs(out[1] - exact[1]) <= np.spacing(exact[1]) and \
        abs(out[2] - exact[2]) <= np.spacing(exact[2])
    # e**10 and e**-20 to 1 ulp, from the series summed in exact rational arithmetic
    for v, got in ((10, out[5]), (-20, out[6])):
        s, term = Fraction(0), Fraction(1)
        for k in range(1, 120):
            s += term
            term *= Fraction(v) / k
        assert abs(got - float(s)) <= np.spacing(float(s))
    special = np.array([np.nan, 1000.0, -1000.0, np.inf, -np.inf])
    out = np.empty_like(special)
    _fast(special, out)
    assert np.isnan(out[0]) and out[1] == np.inf and out[2] == 0.0 and out[3] == np.inf and out[4] == 0.0
