"""Memory estimates of a run, checked before anything is allocated.

``Simulator.run`` calls :func:`check_run`: a run whose arrays would not fit is refused with a ``ResourceError``
that gives the estimate, its largest parts and the limit; a run whose spike recording alone is large warns
(``RecordingWarning``) and points to the compact forms (``record=`` a few populations, or ``record=()`` and
counts only).

The limit is a fraction (``LIMIT_FRACTION``) of the machine's physical memory (or of a cgroup's memory.max
when that is lower). Override it with ``memory_limit=`` (bytes) on ``Simulator.run`` or the environment
variable ``SNN_MEMORY_LIMIT`` (bytes, or with a suffix: ``512M``, ``64G``); ``0`` / ``none`` turns the check off.
"""
import os
import warnings

import numba
import numpy as np

from .errors import SnnError, SpecError

LIMIT_FRACTION = 0.8
RECORD_WARN_BYTES = 2 * 2 ** 30     # warn when recorded spikes may take more than this (or 1/4 of the limit)
_SUFFIX = {"k": 2 ** 10, "m": 2 ** 20, "g": 2 ** 30, "t": 2 ** 40}


class ResourceError(SnnError, MemoryError):
    """A run would need more memory than the machine (or the given limit) allows."""


class RecordingWarning(UserWarning):
    """Recording every spike of a long or large run will take much memory."""


def physical_memory():
    """Bytes of physical memory (the cgroup limit when lower), or None when unknown."""
    total = None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
            if text.isdigit() and int(text) < (total or float("inf")):
                total = int(text)
        except OSError:
            continue
    return total


def parse_bytes(text, what="SNN_MEMORY_LIMIT"):
    """'1048576', '512M', '64G' -> bytes; '0' or 'none' -> None (no limit)."""
    t = str(text).strip().lower().rstrip("b")
    if t in ("", "0", "none", "off"):
        return None
    scale = 1
    if t and t[-1] in _SUFFIX:
        t, scale = t[:-1], _SUFFIX[t[-1]]
    try:
        value = float(t) * scale
    except ValueError:
        value = float("nan")
    if not (value > 0 and np.isfinite(value)):
        raise SpecError(f"{what}={text!r} must be a number of bytes, e.g. 512M or 64G (0 or none: no limit)")
    return int(value)


def memory_limit(override=None):
    """The limit in bytes that a run must stay under (None: unchecked)."""
    if override is not None:
        if isinstance(override, str):
            return parse_bytes(override, "memory_limit")
        if isinstance(override, bool) or not isinstance(override, (int, float, np.integer, np.floating)) or \
                not override >= 0 or not np.isfinite(override):
            raise SpecError(f"memory_limit={override!r} must be a number of bytes >= 0 (0: no limit)")
        return int(override) or None
    env = os.environ.get("SNN_MEMORY_LIMIT")
    if env is not None:
        return parse_bytes(env)
    total = physical_memory()
    return int(total * LIMIT_FRACTION) if total else None


def format_bytes(n):
    """``n`` bytes in the largest binary unit that keeps it >= 1 (e.g. '1.5 MiB'): never '0.0 GiB'."""
    return _fmt(n)


def _fmt(n):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024.0


def capacity_guess(n_recorded, n_steps):
    """Spike-buffer capacity per sample of ``monitors.run_in_chunks`` (kept equal to it)."""
    return max(256, min(n_recorded * n_steps, 4 * n_recorded * n_steps // 50 + 256))


def estimate_run(lowered, n_plastic, batch, n_steps, chunk, *, n_stim_inputs=0, events_shared=True,
                 traces=False, ftype_size=8):
    """Bytes the arrays of one run would take, by part (a dict; 'total' is the sum)."""
    n = int(lowered.coefs.shape[1])
    n_rec = int(lowered.record.sum())
    c = batch if chunk is None else max(1, min(int(chunk), batch))
    conc = min(c, max(1, numba.get_num_threads()))          # samples simulated at once
    hist = int(lowered.hist)
    slots = int(lowered.n_slots)
    cap = capacity_guess(n_rec, n_steps)
    parts = {
        "spike counts": batch * n * 8 * 2,
        "plastic weights (per sample)": batch * n_plastic * ftype_size * 2 + c * n_plastic * ftype_size
                                        + conc * n_plastic * 32,    # + u, x, y, last spike (short-term)
        "stimulus index": (1 if events_shared else batch) * (n_steps + 1) * 8 + batch * n_stim_inputs * 8,
        "spike buffers (one chunk)": c * cap * 12,
        "neuron state (samples in flight)": conc * n * (slots * 2 * ftype_size + 3 * ftype_size + 40 + hist * 16),
    }
    if traces:
        parts["plasticity traces and calcium"] = batch * n * 8 * 4
    parts["total"] = sum(parts.values())
    parts["recorded spikes (at the buffer guess)"] = batch * cap * 16 if n_rec else 0
    return parts


def check_run(parts, limit, *, what="this run"):
    """Raise ResourceError when the estimate exceeds ``limit``; warn when spike recording alone is large."""
    total = parts["total"]
    if limit is not None and total > limit:
        big = sorted(((v, k) for k, v in parts.items() if k not in ("total",) and v), reverse=True)[:3]
        detail = ", ".join(f"{k} {_fmt(v)}" for v, k in big)
        raise ResourceError(f"{what} needs about {_fmt(total)} of memory ({detail}), more than the limit of "
                            f"{_fmt(limit)} (80% of physical memory; override with memory_limit= or "
                            f"SNN_MEMORY_LIMIT); use fewer samples per call (batch), a smaller chunk, a "
                            f"shorter duration or record=() for counts only")
    rec = parts.get("recorded spikes (at the buffer guess)", 0)
    threshold = RECORD_WARN_BYTES if limit is None else min(RECORD_WARN_BYTES, limit // 4)
    if rec > threshold:
        warnings.warn(f"recording every spike of {what} may take about {_fmt(rec)} (at 8% of recorded neurons "
                      f"spiking per step); pass record=[labels] to keep only the populations you need, or "
                      f"record=() to keep spike counts only (res.counts)", RecordingWarning, stacklevel=3)
