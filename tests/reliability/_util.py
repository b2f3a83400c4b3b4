"""The one property every reliability test checks: a call either returns (and its result is then checked by the
caller) or raises an SnnError whose message names what was wrong. Anything else is a defect."""
import math
from pathlib import Path

import numpy as np

from snn.errors import SnnError

from .conftest import CASES, OUTCOMES

# values a user can type where a number belongs
BAD_FLOATS = (float("nan"), float("inf"), float("-inf"), -1.0, 0.0, -1e300, 1e300, 1e-300, 2.0 ** 63, -0.0)
BAD_OTHER = ("1.0", "abc", None, True, [1.0, 2.0], [[1.0]], {"a": 1}, b"x", np.nan, complex(1, 1), object())


def attempt(kind, fn, *args, names=(), **kwargs):
    """Run ``fn``; return ('ok', value) or ('refused', SnnError). Any other exception fails the test.
    ``names``: words of which at least one must appear in a refusal's message (the parameter's name)."""
    CASES[kind] += 1
    try:
        value = fn(*args, **kwargs)
    except SnnError as exc:
        OUTCOMES["refused"] += 1
        msg = str(exc)
        assert msg and "Traceback" not in msg
        if names:
            assert any(n in msg for n in names), f"error does not name any of {names}: {msg}"
        return "refused", exc
    OUTCOMES["ok"] += 1
    return "ok", value


def assert_finite(res):
    """A result of Simulator.run holds finite weights and non-negative counts."""
    assert np.all(res.counts_all >= 0)
    assert np.all(np.isfinite(res.plastic_weights))
    for t in res._times:
        assert t is None or np.all(np.isfinite(t))


def finite(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def split_features(out, split):
    """The features of one split as ``snn nalsm`` saved them: its chunks under OUT/features/, in sample order."""
    from snn.io import read_npz
    files = sorted((Path(out) / "features").glob(f"{split}_*.npz"))
    assert files, f"no feature chunks of {split!r} under {out}"
    return np.concatenate([read_npz(f)["value"] for f in files])
