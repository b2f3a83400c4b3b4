"""HLOP's lateral subspace neurons for one weight layer (specs/hlop.md section 1.1).

A layer with presynaptic dimension ``n`` keeps ``H`` (m x n): ``m`` subspace neurons that receive the presynaptic
activity through ``H`` and feed back through ``-H^T``. They never act on the forward pass. They learn with Oja's
subspace rule in batch form, ``dH = (1/B) y^T (x - H^T y)`` with ``y = H x``, clamped to [-10, 10], smoothed by an
exponential moving average ``V <- 0.9 V + 0.1 dH`` and applied as ``H <- H + lr V``, repeated ``iterations``
times on the same batch. Rows learned on previous tasks are fixed (``n_fixed``); new rows start orthonormal
(``nn.init.orthogonal_`` on the new block only, not orthogonalised against old rows). The weight gradient of the
layer is projected onto the orthogonal complement of the fixed rows: ``G <- G - (G H_old^T) H_old``.

"Spiking" lateral neurons (``spiking=(s, Ts)``, the code's ``-hlop_spiking``): the output ``y`` is the signed rate
of a neuron firing for ``Ts`` steps, ``round(clip(y, -s, s) / s * Ts) / Ts * s``, in the update and in the
projection. The projection is then nonlinear and acts on the presynaptic activity, ``a - H_old^T q(H_old a)``,
before the weight gradient is formed (``project_activity``).
"""
from __future__ import annotations

import numpy as np

from snn.errors import SpecError


def orthogonal_rows(rows, cols, rng, dtype=np.float64):
    """A (rows x cols) matrix with orthonormal rows (or columns when rows > cols), as ``nn.init.orthogonal_``:
    QR of a Gaussian matrix with the signs of R's diagonal folded into Q."""
    tall = rows > cols
    a = rng.standard_normal((rows, cols) if tall else (cols, rows))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.where(np.diag(r) == 0, 1.0, np.diag(r)))
    return (q if tall else q.T).astype(dtype)


class HLOPLayer:
    """Subspace neurons of one layer. ``H`` rows ``[:n_fixed]`` are old (merged, fixed) and used for projection;
    rows ``[n_fixed:]`` belong to the task being learned."""

    def __init__(self, n_in, lr, *, momentum=0.9, iterations=5, clip=10.0, spiking=None, dtype=np.float32):
        if n_in < 1:
            raise SpecError(f"n_in={n_in!r} must be >= 1")
        if not lr > 0:
            raise SpecError(f"HLOP lr={lr!r} must be > 0")
        if not 0 <= momentum < 1:
            raise SpecError(f"HLOP momentum={momentum!r} must be in [0, 1)")
        self.n_in, self.lr, self.momentum = int(n_in), float(lr), float(momentum)
        self.iterations, self.clip, self.dtype = int(iterations), float(clip), dtype
        if spiking is not None and (len(spiking) != 2 or not spiking[0] > 0 or int(spiking[1]) < 1):
            raise SpecError(f"spiking={spiking!r} must be (scale > 0, time steps >= 1)")
        self.spiking = None if spiking is None else (float(spiking[0]), int(spiking[1]))
        self.H = np.zeros((0, self.n_in), dtype)
        self.V = np.zeros((0, self.n_in), dtype)
        self.n_fixed = 0

    @property
    def n_neurons(self):
        return self.H.shape[0]

    def add_neurons(self, k, rng):
        """Append ``k`` new subspace neurons with an orthonormal initial block and zero momentum."""
        if k < 0:
            raise SpecError(f"number of new subspace neurons {k!r} must be >= 0")
        if k:
            self.H = np.vstack([self.H, orthogonal_rows(k, self.n_in, rng, self.dtype)])
            self.V = np.vstack([self.V, np.zeros((k, self.n_in), self.dtype)])

    def merge(self, orthonormalise=False):
        """End of a task: every neuron so far joins the fixed subspace used for projection. ``orthonormalise``
        (not in the authors' code) replaces the rows by an orthonormal basis of the space they span, so that
        ``I - H^T H`` is a projection: rows that Oja's rule has not brought to unit length and mutual
        orthogonality (neurons beyond the directions that carry variance, or a rule made unstable by large
        activities) otherwise give ``H^T H`` eigenvalues above 1, and the "projected" gradient is reversed
        and amplified along them."""
        if orthonormalise and self.n_neurons:
            _, sv, vt = np.linalg.svd(self.H.astype(np.float64), full_matrices=False)
            rank = int(np.sum(sv > sv.max() * max(self.H.shape) * np.finfo(np.float64).eps))
            self.H = vt[:rank].astype(self.dtype)        # same span, one orthonormal row per dimension of it
            self.V = np.zeros_like(self.H)
        self.n_fixed = self.n_neurons

    def update(self, x, iterations=None):
        """``iterations`` Hebbian/anti-Hebbian steps on the rows of ``x`` (B x n_in); only new rows move.
        Inference uses all rows, so new neurons learn the residual the old ones do not explain."""
        x = np.asarray(x, self.dtype)
        a = self.n_fixed
        if self.n_neurons == a or len(x) == 0:
            return
        m = self.momentum
        scale = self.dtype(1.0 / len(x))
        # the fixed rows' part of the residual, x - H_old^T y_old, does not change between iterations: once per batch
        base = self.project_activity(x)
        H_new = self.H[a:]                                     # a view: updated in place below
        for _ in range(self.iterations if iterations is None else iterations):
            y = self._quantise(x @ H_new.T)                    # B x m_new
            resid = base - y @ H_new                           # x - H^T y, all rows
            dH = (y.T @ resid) * scale
            np.clip(dH, -self.clip, self.clip, out=dH)
            self.V[a:] = m * self.V[a:] + (1.0 - m) * dH
            H_new += self.lr * self.V[a:]

    def infer(self, x, rows=None):
        """Outputs ``y = H x`` of the subspace neurons ``H[:rows]`` (default all) for the rows of ``x``, quantised
        to spike rates when the neurons are spiking."""
        return self._quantise(x @ (self.H if rows is None else self.H[:rows]).T)

    def _quantise(self, y):
        if self.spiking is None:
            return y
        s, steps = self.spiking
        return (np.round(np.clip(y, -s, s) * (steps / s)) * (s / steps)).astype(y.dtype)

    def project_activity(self, a):
        """``a - H_old^T y_old``: presynaptic activity rows with the part the old subspace neurons explain removed
        (equal to ``project_gradient`` on the gradient when the neurons are not spiking)."""
        if self.n_fixed == 0:
            return a
        return a - self.infer(a, self.n_fixed) @ self.H[:self.n_fixed]

    def project_gradient(self, G):
        """``G (I - H_old^T H_old)``: the weight gradient with its component in the old subspace removed."""
        if self.n_fixed == 0:
            return G
        Ho = self.H[:self.n_fixed]
        return G - (G @ Ho.T) @ Ho

    def residual(self, x, rows=None):
        """Relative residual ``||x - H^T H x|| / ||x||`` of the rows of x, using ``H[:rows]`` (default: all)."""
        Hs = self.H if rows is None else self.H[:rows]
        x = np.asarray(x, np.float64)
        r = x - (x @ Hs.T) @ Hs
        return float(np.linalg.norm(r) / max(np.linalg.norm(x), 1e-300))

    # -- checkpoint ---------------------------------------------------------------------------------------------
    def state(self, prefix):
        return {f"{prefix}H": self.H, f"{prefix}V": self.V, f"{prefix}n_fixed": np.int64(self.n_fixed)}

    def load_state(self, arrays, prefix):
        self.H = arrays[f"{prefix}H"].astype(self.dtype)
        self.V = arrays[f"{prefix}V"].astype(self.dtype)
        self.n_fixed = int(arrays[f"{prefix}n_fixed"])


def pmnist_neuron_counts(n_tasks, first=(80, 200, 100)):
    """Per-task numbers of new subspace neurons per layer for PMNIST (spiking_train_pmnist*.py): the task-0
    counts, then 70 for tasks 1-2, 50 for tasks 3-5, 30 for tasks 6-8, 10 for task 9 (the code subtracts 20
    whenever task_id % 3 == 0), never below 0."""
    counts = [tuple(first)]
    inc = 70
    for task in range(1, n_tasks):
        if task % 3 == 0:
            inc = max(inc - 20, 0)
        counts.append((inc,) * len(first))
    return counts


def scaled_neuron_counts(n_tasks, dims):
    """PMNIST's schedule scaled to other layer widths ``dims`` (presynaptic dimensions), for small networks:
    each count is the PMNIST count times dim / PMNIST dim, rounded, at least 1 when the PMNIST count is > 0."""
    ref_dims = (784, 800, 800)
    base = pmnist_neuron_counts(n_tasks)
    out = []
    for row in base:
        out.append(tuple(0 if c == 0 else max(1, int(round(c * d / rd)))
                         for c, d, rd in zip(row, dims, ref_dims)))
    return out
