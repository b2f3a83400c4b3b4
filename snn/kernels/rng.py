"""Counter-based random numbers: a uniform draw is a pure function of (seed, sample, step, index).

That is what makes results independent of batch size, thread count and worker count: no generator state is
shared or carried between samples. The mixer is splitmix64's finaliser applied to a combined key.
"""
import numpy as np

from ._config import njit

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit
def mix64(x):
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


@njit
def stream_key(seed, sample):
    """Key of one sample's stream; combine with (step, index) through ``uniform``."""
    return mix64(mix64(np.uint64(seed) + _GOLDEN) ^ (np.uint64(sample) * _GOLDEN))


@njit
def uniform(key, step, index):
    """U[0, 1) for (key, step, index), with 53 random bits."""
    # The cast matters: numba types a Python int key as int64, and int64 ^ uint64 is float64 in numba.
    h = mix64(np.uint64(key) ^ mix64(np.uint64(step) * _M1 + np.uint64(index) * _GOLDEN + _M2))
    return np.float64(h >> _S11) * _INV53
