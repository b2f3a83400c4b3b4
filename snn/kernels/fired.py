"""The spiking neurons of a step, read from the neuron kernels' ``fired`` flags.

The flags are one byte per neuron (0 or 1) in an array of uint64 words, padded with zeros to whole words; the
kernels only ever set them. A step's spikes are few (a few in 4000 neurons in the VA benchmarks), so the scan
tests four words (32 neurons) at once and looks at single flags only inside a non-zero word.
"""
from ._config import njit


@njit(inline="always")
def _take_words(words, flags, k0, k1, out, m):
    for k in range(k0, k1):
        if words[k] != 0:
            for i in range(8 * k, 8 * k + 8):
                if flags[i]:
                    out[m] = i
                    m += 1
            words[k] = 0
    return m


@njit(inline="always")
def take_fired(words, flags, out):
    """The indices of the set flags, ascending, into ``out[:m]``; the flags are cleared; returns m. ``flags``:
    the bytes of ``words`` (``words.view(np.bool_)``)."""
    n_words = words.shape[0]
    n4 = n_words - n_words % 4
    m = 0
    for k in range(0, n4, 4):
        if (words[k] | words[k + 1] | words[k + 2] | words[k + 3]) != 0:
            m = _take_words(words, flags, k, k + 4, out, m)
    return _take_words(words, flags, n4, n_words, out, m)
