"""Input perturbations of NALSM's kernel-quality measure (specs/nalsm.md 5, "AP"): Gaussian pixel noise on
images, and one random shift of a whole event recording in time, reflected at the window's edges.
"""
from __future__ import annotations

import numpy as np

from ..errors import SpecError


def _generator(rng):
    if not isinstance(rng, np.random.Generator):
        raise SpecError(f"rng={rng!r} must be a numpy Generator (seeds are explicit)")
    return rng


def gaussian_pixel_noise(images, sigma, rng, vmax=None) -> np.ndarray:
    """``images`` + N(0, sigma) per pixel, clipped to [0, vmax] (default: the images' own maximum, as the
    NALSM code clips to the clean set's maximum). Returns float64, same shape."""
    x = np.asarray(images, np.float64)
    if not (isinstance(sigma, (int, float, np.floating)) and np.isfinite(sigma) and sigma >= 0):
        raise SpecError(f"sigma={sigma!r} must be a finite number >= 0")
    vmax = float(x.max(initial=0.0)) if vmax is None else float(vmax)
    if not (np.isfinite(vmax) and vmax >= 0):
        raise SpecError(f"vmax={vmax!r} must be a finite number >= 0")
    return np.clip(x + _generator(rng).normal(0.0, float(sigma), x.shape), 0.0, vmax)


def reflect_steps(t, T):
    """Time bins ``t`` (any integers) folded into [0, T): reflected at 0 and at T - 1, as often as needed."""
    t = np.abs(np.asarray(t, np.int64))
    if T <= 1:
        return np.zeros_like(t)
    period = 2 * (T - 1)
    t = t % period
    return np.where(t <= T - 1, t, period - t)


def shift_frames(frames, shifts) -> np.ndarray:
    """Event frames (B, inputs, T) bool, sample b moved by ``shifts[b]`` whole bins (positive: later); bins
    that leave the window are reflected back into it (specs/nalsm.md 5: N-MNIST's AP noise). Events that land
    in the same bin merge."""
    frames = np.asarray(frames, bool)
    shifts = np.asarray(shifts)
    if frames.ndim != 3 or shifts.shape != (frames.shape[0],) or shifts.dtype.kind not in "iu":
        raise SpecError(f"frames must be (B, inputs, T) and shifts B integers; got {frames.shape}, "
                        f"{shifts.shape} {shifts.dtype}")
    T = frames.shape[2]
    out = np.zeros_like(frames)
    for b in range(frames.shape[0]):
        i, t = np.nonzero(frames[b])
        out[b, i, reflect_steps(t + int(shifts[b]), T)] = True
    return out
