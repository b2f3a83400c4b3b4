"""The board's random numbers: spinn_common's ``random.c`` on integers, as ``spike_source_poisson.c`` draws them.

``mars_kiss64_seed`` (Marsaglia's JKISS, 64-bit multiply-with-carry): a seed of four uint32 words (x, y, z, c),
updated in place, gives one uint32 per call. ``validate_mars_kiss64_seed`` makes a seed usable (y != 0, c in
[1, 698769068]); the host draws the four words per core from ``numpy.random.RandomState(seed)``
(``utility_calls.py create_mars_kiss_seeds``: ``randint(-0x80000000, 0x7FFFFFFF) + 0x80000000`` each, then
validated). The seed words are held as uint64 so that numba keeps the arithmetic unsigned.

Draws on top of it (``random.c``): ``exponential_dist_variate`` (von Neumann's method; returns accum bits: the
whole part counts rejected rounds, the fraction is the first uniform's u0.32 bits converted to s16.15 by
dropping 17 bits) and ``poisson_dist_variate_exp_minus_lambda`` (Knuth's method with unsigned long fract
products, truncated). Not wired into the 'spinnaker' schedule yet: its Poisson sources draw from snn's own RNG.
"""
import numpy as np

from ._config import njit

MASK32 = 0xFFFFFFFF
MARS_C_MAX = 698769068          # random.c / utility_calls.py: c = c % 698769068 + 1
ARBITRARY_Y = 13031301          # random.c: a y of 0 becomes this
ULFRACT_ONE = 0xFFFFFFFF        # 1.0ulr saturates to the largest unsigned long fract
ACCUM_ONE = 1 << 15


@njit
def kiss64_next(seed):
    """``mars_kiss64_seed``: advance ``seed`` (4 uint64 holding uint32 words) and return the next uint32."""
    m = np.uint64(MASK32)
    x = (np.uint64(314527869) * seed[0] + np.uint64(1234567)) & m
    y = seed[1]
    y ^= (y << np.uint64(5)) & m
    y ^= y >> np.uint64(7)
    y ^= (y << np.uint64(22)) & m
    t = np.uint64(4294584393) * seed[2] + seed[3]
    seed[0], seed[1], seed[2], seed[3] = x, y, t & m, t >> np.uint64(32)
    return (x + y + (t & m)) & m


def validate_seed(words):
    """``validate_mars_kiss64_seed``: the seed words as the generator may start from them (uint64 array)."""
    w = [int(v) & MASK32 for v in words]
    if len(w) != 4:
        raise ValueError(f"a mars_kiss64 seed has 4 words, got {len(w)}")
    if w[1] == 0:
        w[1] = ARBITRARY_Y
    w[3] = w[3] % MARS_C_MAX + 1
    return np.array(w, np.uint64)


def host_seed(rng):
    """``create_mars_kiss_seeds``: four words drawn from the numpy RandomState ``rng``, validated."""
    return validate_seed([rng.randint(-0x80000000, 0x7FFFFFFF) + 0x80000000 for _ in range(4)])


@njit
def exponential_variate(seed):
    """``exponential_dist_variate``: an Exp(1) deviate as accum bits (s16.15)."""
    a = 0
    while True:
        u = kiss64_next(seed)
        u0 = u
        while True:
            ustar = kiss64_next(seed)
            if u < ustar:
                return a + np.int64(u0 >> np.uint64(17))     # (accum) ulrbits(U0): u0.32 -> s16.15
            u = kiss64_next(seed)
            if not u < ustar:
                break
        a += ACCUM_ONE


@njit
def poisson_variate(seed, exp_minus_lambda):
    """``poisson_dist_variate_exp_minus_lambda``: p = 1.0ulr; k counts the u0.32 products p * U (truncated)
    until p <= exp(-lambda) (u0.32 bits); returns k - 1."""
    p = np.uint64(ULFRACT_ONE)
    k = 0
    while True:
        k += 1
        p = (p * kiss64_next(seed)) >> np.uint64(32)
        if not p > exp_minus_lambda:
            return k - 1
