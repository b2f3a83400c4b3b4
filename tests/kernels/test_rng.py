"""The counter-based generator against a plain-Python splitmix64 finaliser, whatever integer type the key has."""
import numpy as np

from snn.kernels.rng import stream_key, uniform

MASK = (1 << 64) - 1


def _mix(x):
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def _uniform(key, step, index):
    inner = _mix((step * 0xBF58476D1CE4E5B9 + index * 0x9E3779B97F4A7C15 + 0x94D049BB133111EB) & MASK)
    return (_mix(key ^ inner) >> 11) / 2.0 ** 53


def test_uniform_matches_python_reference_for_any_key_type():
    key = int(stream_key(7, 3))
    small = 12345
    for step, index in [(0, 0), (5, 17), (10 ** 6, 2 ** 40)]:
        assert uniform(np.uint64(key), step, index) == _uniform(key, step, index)
        # A Python int key (typed int64 by numba) must give the same draw as the same value as uint64.
        assert uniform(small, step, index) == uniform(np.uint64(small), step, index) == _uniform(small, step, index)
