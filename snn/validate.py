"""The one place that checks user input (stumpy's ``core.check_*`` style): public functions call these once, and
the lowering and the kernels trust what passed.

* scalars: ``check_int``, ``check_real``, ``check_flag`` raise ``SpecError`` naming the value and what is allowed;
  ``number_problem`` returns that message instead (for functions that list every problem);
* arrays: ``as_numbers``, ``finite_array``;
* ``Simulator.run``'s arguments: ``check_run_args``.

The public functions built on them: ``spec.Network.validate`` (every problem of a network at once, with the
cell types' parameter domains from the registry and a ``FromList``'s rows, so that the lowering need not check
them again), ``Simulator.run``, the connectors' and rules' constructors, the experiments' argument checks.
"""
import math

import numpy as np

from .errors import SpecError

# Largest magnitude accepted for a parameter, weight, initial value or spike time: beyond any value in PyNN's
# units, and small enough that a run of any length stays far from float overflow (a silent inf or NaN).
MAX_MAGNITUDE = 1e9


def is_int(x):
    """An integer (Python or numpy), not a bool."""
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def is_real(x):
    """A real number (Python or numpy, int or float), not a bool."""
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def check_int(name, value, lo=None, hi=None):
    """``value`` as an int in [lo, hi]; else SpecError '<name>=<value> must be an integer >= lo' (or 'in [lo, hi]')."""
    if not is_int(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
        rng = "" if lo is None else f" >= {lo}" if hi is None else f" in [{lo}, {hi}]"
        raise SpecError(f"{name}={value!r} must be an integer{rng}")
    return int(value)


def check_real(name, value, lo=None, hi=None, lo_open=False):
    """``value`` as a finite float in [lo, hi] (or (lo, hi] with lo_open); else SpecError '<name>=<value> must
    be a finite number > lo and <= hi'."""
    try:
        x = float(value) if is_real(value) else math.nan
    except (TypeError, ValueError, OverflowError):
        x = math.nan
    if not math.isfinite(x) or (lo is not None and (x <= lo if lo_open else x < lo)) or (hi is not None and x > hi):
        lo_s = "" if lo is None else f"{'>' if lo_open else '>='} {lo}"
        hi_s = "" if hi is None else f"<= {hi}"
        raise SpecError(f"{name}={value!r} must be a finite number {' and '.join(t for t in (lo_s, hi_s) if t)}"
                        .strip())
    return x


def check_flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise SpecError(f"{name}={value!r} must be True or False")
    return bool(value)


def number_problem(name, value, allow_none=False):
    """The message for a value that is not a finite real number with magnitude <= MAX_MAGNITUDE, else None."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) and type(value).__module__ != "numpy":
        return f"{name}={value!r} must be a number"
    try:
        ok = math.isfinite(float(value)) and abs(float(value)) <= MAX_MAGNITUDE
    except (TypeError, ValueError, OverflowError):
        ok = False
    return None if ok else f"{name}={value!r} must be finite, with magnitude <= {MAX_MAGNITUDE:g}"


def field_problems(owner, names, allow_none=()):
    """``number_problem`` of each named field of a dataclass (a plasticity rule, a modulator)."""
    out = [number_problem(f"{type(owner).__name__} {n}", getattr(owner, n), n in allow_none) for n in names]
    return [m for m in out if m is not None]


def as_numbers(value):
    """``value`` as a float array, or None when it is not a number or a (nested) sequence of numbers."""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        return None
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None
    return arr


def finite_array(name, value, dtype):
    """``value`` as a finite array of ``dtype`` (float32 or float64); else SpecError."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise SpecError(f"{name} must be an array of numbers, got {type(value).__name__}") from None
    if not np.all(np.isfinite(arr)):
        raise SpecError(f"{name} holds NaN or infinite values")
    if np.dtype(dtype) == np.float32 and np.any(np.abs(arr) > np.finfo(np.float32).max):
        raise SpecError(f"{name} holds values beyond the float32 range")
    return arr.astype(dtype)


def check_run_args(dt, duration, batch, seed, sample_offset, chunk):
    """Validate the scalar arguments of ``Simulator.run``; returns (n_steps, batch)."""
    try:
        finite = math.isfinite(float(duration))
    except (TypeError, ValueError, OverflowError):
        finite = False
    if isinstance(duration, (bool, np.bool_)) or not isinstance(duration, (int, float, np.integer, np.floating)) \
            or not finite or duration <= 0:
        raise SpecError(f"duration={duration!r} ms must be a positive whole number of steps (dt={dt} ms)")
    steps = duration / dt
    if steps > 2 ** 62:
        raise SpecError(f"duration={duration!r} ms is {steps:.3g} steps of dt={dt} ms; too long to simulate")
    n_steps = int(round(steps))
    if n_steps <= 0 or abs(n_steps * dt - duration) > 1e-6 * max(1.0, duration):
        raise SpecError(f"duration={duration!r} ms must be a positive whole number of steps (dt={dt} ms)")
    if isinstance(batch, (float, np.floating)) and np.isfinite(batch) and batch == int(batch):
        batch = int(batch)
    if not is_int(batch) or batch < 1:
        raise SpecError(f"batch={batch!r} must be a positive integer")
    batch = int(batch)
    if not (is_int(seed) and 0 <= seed < 2 ** 63):
        raise SpecError(f"seed={seed!r} must be an integer in [0, 2**63)")
    if not (is_int(sample_offset) and 0 <= sample_offset and sample_offset + batch < 2 ** 62):
        raise SpecError(f"sample_offset={sample_offset!r} must be an integer >= 0 (the global index of sample 0)")
    if chunk is not None and not (is_int(chunk) and chunk >= 1):
        raise SpecError(f"chunk={chunk!r} must be None (one chunk) or an integer >= 1 (samples per chunk)")
    return n_steps, batch
