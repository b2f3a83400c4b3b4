"""Connectors: rules that expand to explicit (pre, post) index lists, seeded and reproducible.

Each connector is a frozen dataclass (data, as in PyNN) with one method, ``connect``, that lowers it to arrays.
``allow_self_connections=False`` removes the diagonal i == j whatever the populations, as sPyNNaker's
AllToAllConnector does (PyNN defines it only within one population; for distinct populations of equal size this
is the documented difference).
"""
from dataclasses import dataclass, field

import numpy as np

from .errors import SpecError


@dataclass(frozen=True)
class Connections:
    """Lowered connector: int64 index arrays, plus per-connection weights/delays when the connector carries them."""
    pre: np.ndarray
    post: np.ndarray
    weights: np.ndarray = None
    delays: np.ndarray = None


def _no_self(pre, post, allow):
    if allow:
        return pre, post
    keep = pre != post
    return pre[keep], post[keep]


@dataclass(frozen=True)
class AllToAll:
    allow_self_connections: bool = True

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
        if not 0.0 <= float(self.p) <= 1.0:
            raise SpecError(f"FixedProbability p={self.p!r} must lie in [0, 1]")

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
        arr = np.asarray(self.conn_list, dtype=float)
        if arr.size == 0:
            return Connections(np.zeros(0, np.int64), np.zeros(0, np.int64))
        if arr.ndim != 2 or arr.shape[1] not in (2, 3, 4):
            raise SpecError(f"FromList rows must be (pre, post[, weight[, delay]]), got shape {arr.shape}")
        pre, post = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64)
        if pre.min() < 0 or pre.max() >= n_pre or post.min() < 0 or post.max() >= n_post:
            raise SpecError(f"FromList index out of range: pre must be in [0, {n_pre}), post in [0, {n_post})")
        weights = arr[:, 2] if arr.shape[1] >= 3 else None
        delays = arr[:, 3] if arr.shape[1] == 4 else None
        return Connections(pre, post, weights, delays)


CONNECTORS = (AllToAll, OneToOne, FixedProbability, FixedTotalNumber, DistanceDependent, FromList)
