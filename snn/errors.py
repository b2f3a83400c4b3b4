"""Errors meant for the user: each message names what was wrong and what is allowed.

The command line prints these as one line and exits 2; anything else is a bug and keeps its traceback.
"""


class SnnError(Exception):
    """Base class of every error caused by user input (parameters, files, schedules)."""


class SpecError(SnnError, ValueError):
    """A network description, parameter or option is invalid."""


class DataError(SnnError, ValueError):
    """A dataset file is missing, truncated or not in the expected format."""


class BackendError(SnnError, RuntimeError):
    """A backend's machine can not be reached or refused the job (a SpiNNaker board that does not answer)."""


class NumericalError(SnnError, FloatingPointError):
    """The simulation produced NaN or inf (unstable parameters, overflowing weights). ``label``, ``neuron``,
    ``step`` and ``sample`` say where it was first seen."""

    def __init__(self, message, label=None, neuron=None, step=None, sample=None):
        super().__init__(message)
        self.label, self.neuron, self.step, self.sample = label, neuron, step, sample


def check_choice(name, value, allowed):
    """Return ``value`` if it is one of ``allowed``; otherwise raise a SpecError listing the choices."""
    if value not in allowed:
        raise SpecError(f"{name}={value!r} is not allowed; choose one of {', '.join(map(repr, allowed))}")
    return value


def check_positive(name, value, *, allow_zero=False):
    """Return ``value`` as float if it is a finite positive number (or zero when allowed)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise SpecError(f"{name}={value!r} is not a number") from None
    ok = v >= 0 if allow_zero else v > 0
    if not ok or v != v or v in (float("inf"), float("-inf")):
        bound = ">= 0" if allow_zero else "> 0"
        raise SpecError(f"{name}={value!r} must be a finite number {bound}")
    return v
