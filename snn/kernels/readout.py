"""The NALSM readout's inner loops over sparse features (CSR: ``indptr``, ``indices``, ``data``).

Liquid spike counts are mostly zeros (about 12 % non-zero on the 8000-neuron liquid), so the two products of a
step, logits = X_b W + b and X_b^T g, cost one multiply-add per non-zero and class; the Adadelta update is one
fused pass over W. Same arithmetic as the dense numpy form (snn/readout.py), summed in another order.
"""
import math

import numpy as np

from ._config import njit


@njit
def _logits(indptr, indices, data, W, b, r, z):
    """z[:] = x_r W + b for CSR row r."""
    z[:] = b
    for p in range(indptr[r], indptr[r + 1]):
        j, v = indices[p], data[p]
        for k in range(W.shape[1]):
            z[k] += v * W[j, k]


@njit
def _adadelta(var, grad, acc, acc_up, lr, rho, eps):
    """TF1 Adadelta on one variable (flat views), in place."""
    for i in range(var.size):
        acc[i] = rho * acc[i] + (1.0 - rho) * grad[i] * grad[i]
        up = math.sqrt(acc_up[i] + eps) / math.sqrt(acc[i] + eps) * grad[i]
        acc_up[i] = rho * acc_up[i] + (1.0 - rho) * up * up
        var[i] -= lr * up


@njit
def adadelta_epoch(indptr, indices, data, q, W, b, state, batch_size, lr, rho, eps, beta):
    """One epoch of softmax cross-entropy against soft targets ``q`` with L2 (beta/2 sum W^2): one Adadelta step
    per consecutive batch, in order. ``state``: (acc_W, acc_up_W, acc_b, acc_up_b), updated in place."""
    acc_w, up_w, acc_b, up_b = state
    n, n_classes = q.shape
    gw = np.zeros_like(W)
    gb = np.zeros_like(b)
    z = np.empty(n_classes)
    for a in range(0, n, batch_size):
        stop = min(a + batch_size, n)
        gw[:, :] = beta * W
        gb[:] = 0.0
        for r in range(a, stop):
            _logits(indptr, indices, data, W, b, r, z)
            top = z.max()
            total = 0.0
            for k in range(n_classes):
                z[k] = math.exp(z[k] - top)
                total += z[k]
            for k in range(n_classes):      # z becomes this sample's g = (softmax - q) / B
                z[k] = (z[k] / total - q[r, k]) / (stop - a)
                gb[k] += z[k]
            for p in range(indptr[r], indptr[r + 1]):
                j, v = indices[p], data[p]
                for k in range(n_classes):
                    gw[j, k] += v * z[k]
        _adadelta(W.reshape(W.size), gw.reshape(gw.size), acc_w.reshape(acc_w.size), up_w.reshape(up_w.size), lr, rho,
                  eps)
        _adadelta(b, gb, acc_b, up_b, lr, rho, eps)


@njit
def predict(indptr, indices, data, W, b):
    """argmax_k (x_r W + b)_k of every CSR row (the first maximum, as numpy's argmax)."""
    n = indptr.size - 1
    out = np.empty(n, np.int64)
    z = np.empty(W.shape[1])
    for r in range(n):
        _logits(indptr, indices, data, W, b, r, z)
        out[r] = np.argmax(z)
    return out
