"""Input encoders: NALSM's rate code for images and event frames for N-MNIST.

The engine draws its Bernoulli spikes inside numba with a counter-based RNG; :func:`bernoulli_spikes` here is the
plain numpy reference (same rule: a spike where U < p, U uniform in [0, 1); NALSM writes it ``ceil(p - U)``).
"""
from __future__ import annotations

import numpy as np

from ..errors import DataError, SpecError, check_choice
from .nmnist import N_INPUTS, events_to_frames


def rate_probabilities(images, global_max=None, *, on_zero="error"):
    """NALSM's per-step spike probabilities (``specs/nalsm.md`` 2.1). Returns ``(p, global_max)``.

    ``images``: (n, ...) with the sample axis first; each image is flattened row-major (input = row*W + col).
    q = x / x.sum() per image; ``global_max`` = max of q over the given set unless passed in (pass the training
    set's value to scale another set the same way); p = q / global_max, float64 (n, n_pixels).
    Every image's p then sums to 1/global_max. With a passed ``global_max`` p may exceed 1 (always spikes).
    An all-zero image has no distribution: ``on_zero="error"`` raises a DataError naming it, ``"zero"`` gives it
    p = 0 (it never spikes and is left out of the sum rule).
    """
    check_choice("on_zero", on_zero, ("error", "zero"))
    x = np.asarray(images, dtype=np.float64)
    if x.ndim < 2 or len(x) == 0:
        raise SpecError(f"images must be (n, pixels...) with n >= 1, got shape {x.shape}")
    x = x.reshape(len(x), -1)
    if (x < 0).any() or not np.isfinite(x).all():
        raise DataError("images hold negative or non-finite values; expected intensities >= 0")
    s = x.sum(axis=1)
    zero = s == 0
    if zero.any() and on_zero == "error":
        raise DataError(f"{zero.sum()} all-zero images (first at index {np.flatnonzero(zero)[0]}): "
                        "x / x.sum() is undefined; use on_zero='zero' to give them p = 0")
    q = np.divide(x, s[:, None], out=np.zeros_like(x), where=~zero[:, None])
    if global_max is None:
        global_max = float(q.max())
        if global_max == 0:
            raise DataError("every image is all-zero; no global maximum to normalise by")
    else:
        global_max = float(global_max)
        if not (global_max > 0 and np.isfinite(global_max)):
            raise SpecError(f"global_max={global_max!r} must be a finite number > 0")
    return q / global_max, global_max


def bernoulli_spikes(p, T, rng) -> np.ndarray:
    """Bool spikes of shape ``p.shape + (T,)``: spike where U < p, one U per input per step.

    ``rng`` is a ``np.random.Generator`` or an integer seed (``np.random.default_rng(seed)``); U is drawn as
    ``rng.random(p.shape + (T,))`` in C order. p <= 0 never spikes, p >= 1 always does.
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T <= 0:
        raise SpecError(f"T={T!r} must be a positive integer number of steps")
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        rng = np.random.default_rng(int(rng))
    if not isinstance(rng, np.random.Generator):
        raise SpecError(f"rng={rng!r} must be a numpy Generator or an integer seed (seeds are explicit)")
    p = np.asarray(p, dtype=np.float64)
    if np.isnan(p).any():
        raise SpecError("p holds NaN probabilities")
    return rng.random(p.shape + (int(T),)) < p[..., None]


def events_to_spikes(events_list, T, *, t_start=0, rounding="round") -> np.ndarray:
    """Bin a batch into input spikes (B, 2312, T) bool; see :func:`events_to_frames`.

    Items are event arrays (fields x, y, t, p) or :class:`~snn.data.nmnist.NmnistSample` (read here).
    ``t_start`` is one int for all samples or one per sample (NALSM's init phase uses random 20 ms windows).
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T <= 0:
        raise SpecError(f"T={T!r} must be a positive integer number of 1 ms bins")
    events_list = list(events_list)
    starts = np.asarray(t_start)
    if starts.dtype.kind not in "iu" or starts.ndim > 1 or (starts.ndim == 1 and len(starts) != len(events_list)):
        raise SpecError(f"t_start must be an integer or one integer per sample ({len(events_list)}), "
                        f"got {t_start!r}")
    starts = np.broadcast_to(starts, (len(events_list),))
    out = np.zeros((len(events_list), N_INPUTS, int(T)), dtype=bool)
    for b, (ev, t0) in enumerate(zip(events_list, starts)):
        if hasattr(ev, "read"):
            ev = ev.read()
        out[b] = events_to_frames(ev, T, t_start=int(t0), rounding=rounding, dtype=bool)
    return out
