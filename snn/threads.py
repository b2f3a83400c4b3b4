"""Threads inside one network: K persistent Python threads, each running one ``nogil`` kernel over its own
neuron range for the whole run, meeting at a spin barrier (``kernels/spin_barrier.py``) once or twice a step.

    bounds = neuron_bounds(n, k)                     # thread r owns neurons [bounds[r], bounds[r + 1])
    order, split = split_rows(ptr, post, bounds)     # each row's synapses grouped by the thread owning the post
    run_team(kernel, [args of rank 0, ..., args of rank k - 1], sync)

Results are bit-identical whatever K: each neuron steps by the same arithmetic, and each post-synaptic input sums
the same terms in the same order (``kernels/schedule_threads.py``).
"""
import threading

import numpy as np

from .errors import SpecError
from .kernels.spin_barrier import ABORT

ALIGN = 64      # neurons: a cache line of flags (bytes), 8 of float64 state; bounds are multiples of it


# a bound that keeps the per-thread arrays small; far above any core count this runs on
MAX_THREADS = 256


def check_threads(threads):
    """``threads`` as an int >= 1, or a SpecError saying what is allowed."""
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or not 1 <= threads <= MAX_THREADS:
        raise SpecError(f"threads={threads!r} must be a whole number from 1 to {MAX_THREADS} (threads inside one "
                        f"sample; more threads than cores only wait on each other)")
    return int(threads)


def neuron_bounds(n, k, weight=None):
    """Boundaries of k neuron ranges over [0, n), multiples of ``ALIGN`` (the last one n), balancing ``weight``
    per neuron (default 1: an equal number of neurons). A range may be empty when n is small."""
    w = np.ones(n) if weight is None else np.asarray(weight, np.float64)
    cum = np.concatenate([[0.0], np.cumsum(w)])
    cuts = [int(np.searchsorted(cum, cum[-1] * r / k)) for r in range(1, k)]
    cuts = [min(n, int(round(c / ALIGN)) * ALIGN) for c in cuts]
    return np.array([0] + sorted(cuts) + [n], np.int64)


def split_rows(ptr, post, bounds):
    """Each row's synapses grouped by the thread that owns their post (stable: row order inside a group, so every
    post's terms keep their order). Returns (order: the new position's old index, split (k + 1, rows): thread r's
    part of row j is split[r, j] .. split[r + 1, j] in the reordered table)."""
    k = bounds.size - 1
    rows = ptr.size - 1
    row = np.repeat(np.arange(rows, dtype=np.int64), np.diff(ptr))
    owner = np.searchsorted(bounds, post, side="right") - 1
    key = row * k + owner
    order = np.argsort(key, kind="stable")
    per = np.bincount(key, minlength=rows * k).reshape(rows, k)
    split = ptr[:-1, None] + np.concatenate([np.zeros((rows, 1), np.int64), np.cumsum(per, axis=1)], axis=1)
    return order, np.ascontiguousarray(split.T.astype(np.int64))


def run_team(kernel, rank_args, sync):
    """Call ``kernel(*rank_args[r])`` on one thread per rank (rank 0 on the calling thread) and wait for all.
    The kernel must be compiled for these argument types already (``kernel.compile``): a thread that fails sets
    the barrier's abort word, so the others return instead of waiting for it; its error is raised here."""
    errors = []

    def call(args):
        try:
            kernel(*args)
        except BaseException as e:        # noqa: B036 - handed to the caller below
            sync[ABORT] = 1
            errors.append(e)

    threads = [threading.Thread(target=call, args=(a,), daemon=True) for a in rank_args[1:]]
    for th in threads:
        th.start()
    call(rank_args[0])
    for th in threads:
        th.join()
    if errors:
        raise errors[0]


def compile_for(kernel, args):
    """Compile ``kernel`` for ``args`` before any thread starts (each would otherwise wait for the compiler at
    its own pace); the types are numba's of the values."""
    import numba
    kernel.compile(tuple(numba.typeof(a) for a in args))
