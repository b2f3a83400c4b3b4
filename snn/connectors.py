"""Connectors: rules that expand to explicit (pre, post) index lists, seeded and reproducible.

Each connector is a frozen dataclass (data, as in PyNN) with one method, ``connect``, that lowers it to arrays.
``allow_self_connections=False`` removes the diagonal i == j whatever the populations, as sPyNNaker's
AllToAllConnector does (PyNN defines it only within one population; for distinct populations of equal size this
is the documented difference).
"""
from dataclasses import dataclass, field

import numpy as np

from .errors import SpecError
from .validate import MAX_MAGNITUDE, check_flag, check_real


@dataclass(frozen=True)
class Connections:
    """Lowered connector: int64 index arrays, plus per-connection weights/delays when the connector carries them."""
    pre: np.ndarray
    post: np.ndarray
    weights: np.ndarray = None
    delays: np.ndarray = None


def _flag(owner, name):
    check_flag(f"{type(owner).__name__} {name}", getattr(owner, name))


def _no_self(pre, post, allow):
    if allow:
        return pre, post
    keep = pre != post
    return pre[keep], post[keep]


@dataclass(frozen=True)
class AllToAll:
    allow_self_connections: bool = True

    def __post_init__(self):
        _flag(self, "allow_self_connections")

    def connect(self, n_pre, n_post, rng, pre_pos=None, post_pos=None):
        pre, post = np.meshgrid(np.arange(n_pre), np.arange(n_post), indexing="ij")
        return Connections(*_no_self(pre.ravel(), post.ravel(), self.allow_self_connections))


@dataclass(frozen=True)
class OneToOne:
    def connect(self, n_pre, n_post, rng, pre_pos=None, post_pos=None):
        if n_pre != n_post:
            raise SpecError(f"OneToOne needs populations of equal size, got {n_pre} -> {n_post}")
        idx = np.arange(n_pre)
        return Connections(idx, idx.copy())


@dataclass(frozen=True)
class FixedProbability:
    """Each pair is an independent Bernoulli(p) trial."""
    p: float
    allow_self_connections: bool = True

    def __post_init__(self):
        check_real(f"{type(self).__name__} p", self.p, 0.0, 1.0)
        _flag(self, "allow_self_connections")

    def connect(self, n_pre, n_post, rng, pre_pos=None, post_pos=None):
        pres, posts = [], []
        for j in range(n_pre):  # row by row keeps memory at O(n_post) for large networks
            post = np.flatnonzero(rng.random(n_post) < self.p)
            pres.append(np.full(post.size, j))
            posts.append(post)
        pre, post = (np.concatenate(pres), np.concatenate(posts)) if pres else (np.zeros(0, int),) * 2
        return Connections(*_no_self(pre, post, self.allow_self_connections))


@dataclass(frozen=True)
class FixedTotalNumber:
    """Exactly ``n`` connections drawn uniformly over all allowed pairs (without replacement by default)."""
    n: int
    with_replacement: bool = False
    allow_self_connections: bool = True

    def __post_init__(self):
        if isinstance(self.n, (bool, np.bool_)) or not isinstance(self.n, (int, np.integer)) or self.n < 0:
            raise SpecError(f"FixedTotalNumber n={self.n!r} must be an integer >= 0")
        _flag(self, "with_replacement")
        _flag(self, "allow_self_connections")

    def connect(self, n_pre, n_post, rng, pre_pos=None, post_pos=None):
        n_pairs = n_pre * n_post
        n = int(self.n)
        if n < 0:
            raise SpecError(f"FixedTotalNumber n={self.n!r} must be >= 0")
        if self.allow_self_connections:
            if not self.with_replacement and n > n_pairs:
                raise SpecError(f"FixedTotalNumber n={n} exceeds the {n_pairs} possible pairs")
            flat = rng.integers(0, n_pairs, n) if self.with_replacement else rng.choice(n_pairs, n, replace=False)
            pre, post = np.divmod(flat.astype(np.int64), n_post)
            return Connections(pre, post)
        allowed = AllToAll(False).connect(n_pre, n_post, rng)
        pre, post = allowed.pre, allowed.post
        if not self.with_replacement and n > pre.size:
            raise SpecError(f"FixedTotalNumber n={n} exceeds the {pre.size} possible pairs without self-connections")
        pick = rng.integers(0, pre.size, n) if self.with_replacement else rng.choice(pre.size, n, replace=False)
        return Connections(pre[pick], post[pick])


@dataclass(frozen=True)
class DistanceDependent:
    """p(pre -> post) = C * exp(-(D / lam)**2), D the Euclidean distance between positions (one Bernoulli trial
    per pair), as in the NALSM liquid. Needs ``positions`` on both populations."""
    C: float
    lam: float
    allow_self_connections: bool = False

    def __post_init__(self):
        check_real("DistanceDependent C", self.C, 0.0, MAX_MAGNITUDE)
        check_real("DistanceDependent lam", self.lam, 0.0, MAX_MAGNITUDE, lo_open=True)
        _flag(self, "allow_self_connections")

    def connect(self, n_pre, n_post, rng, pre_pos=None, post_pos=None):
        if pre_pos is None or post_pos is None:
            raise SpecError("DistanceDependent needs `positions` on both the pre and the post population")
        if self.lam <= 0:
            raise SpecError(f"DistanceDependent lam={self.lam!r} must be > 0")
        pres, posts = [], []
        for j in range(n_pre):
            d2 = ((post_pos - pre_pos[j]) ** 2).sum(axis=1)
            post = np.flatnonzero(rng.random(n_post) < self.C * np.exp(-d2 / self.lam ** 2))
            pres.append(np.full(post.size, j))
            posts.append(post)
        pre, post = (np.concatenate(pres), np.concatenate(posts)) if pres else (np.zeros(0, int),) * 2
        return Connections(*_no_self(pre, post, self.allow_self_connections))


@dataclass(frozen=True)
class FromList:
    """Explicit connections: rows of (pre, post) or (pre, post, weight) or (pre, post, weight, delay_ms)."""
    conn_list: tuple = field(default=())

    def connect(self, n_pre, n_post, rng, pre_pos=None, post_pos=None):
        try:
            arr = np.asarray(self.conn_list, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise SpecError("FromList rows must be (pre, post[, weight[, delay]]) of numbers") from None
        if arr.size == 0:
            return Connections(np.zeros(0, np.int64), np.zeros(0, np.int64))
        if arr.ndim != 2 or arr.shape[1] not in (2, 3, 4):
            raise SpecError(f"FromList rows must be (pre, post[, weight[, delay]]), got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise SpecError("FromList holds NaN or infinite values")
        if np.any(arr[:, :2] != np.round(arr[:, :2])):
            raise SpecError("FromList pre and post indices must be whole numbers")
        if arr[:, :2].min() < 0 or arr[:, 0].max() >= n_pre or arr[:, 1].max() >= n_post:
            raise SpecError(f"FromList index out of range: pre must be in [0, {n_pre}), post in [0, {n_post})")
        pre, post = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64)
        weights = arr[:, 2] if arr.shape[1] >= 3 else None
        delays = arr[:, 3] if arr.shape[1] == 4 else None
        return Connections(pre, post, weights, delays)


CONNECTORS = (AllToAll, OneToOne, FixedProbability, FixedTotalNumber, DistanceDependent, FromList)
