"""Dense spiking-layer kernels for rate/surrogate-trained networks (DSR, BPTT, OTTT).

All arrays are time-major: currents ``I`` are (Ti, B, n) with Ti either 1 (the same current at every step, e.g.
direct input coding) or T; outputs are (T, B, n). Kernels are sequential loops over flat float32/float64 arrays;
the public wrappers live in the model layer.
"""
import math

import numpy as np

from ._config import njit


@njit
def lif_dsr_forward(I, T, beta, alpha, vth, dt, w, s_out, wfr_out, mean_out):
    """DSR's LIF layer: ``u <- beta u + (1 - beta) I_t``; spike when ``u >= alpha vth``; ``u <- u - vth``.

    A spike is emitted with value ``vth / dt`` into ``s_out[t]``. ``wfr_out`` receives the weighted firing rate
    ``sum_t w_t s_t / sum_t w_t`` and ``mean_out`` the plain time mean (both (B, n)). Time is the outer loop so
    that every pass reads and writes contiguous memory.
    """
    Ti, B, n = I.shape
    amp = vth / dt
    wsum = 0.0
    for t in range(T):
        wsum += w[t]
    u = np.zeros((B, n))
    acc_w = np.zeros((B, n))
    count = np.zeros((B, n))
    for t in range(T):
        ti = t if Ti > 1 else 0
        for b in range(B):
            for i in range(n):
                v = beta * u[b, i] + (1.0 - beta) * I[ti, b, i]
                if v >= alpha * vth:
                    s_out[t, b, i] = amp
                    v -= vth
                    acc_w[b, i] += w[t]
                    count[b, i] += 1.0
                else:
                    s_out[t, b, i] = 0.0
                u[b, i] = v
    for b in range(B):
        for i in range(n):
            wfr_out[b, i] = amp * acc_w[b, i] / wsum
            mean_out[b, i] = amp * count[b, i] / T


@njit
def lif_soft_forward(I, T, decay, vth, s_out, h_out):
    """spikingjelly-style LIF without input decay: ``h_t = decay v_{t-1} + I_t``; spike ``s_t = [h_t >= vth]``
    (value 1); soft reset ``v_t = h_t - s_t vth``. ``h_out`` keeps the pre-reset potential for the surrogate."""
    Ti, B, n = I.shape
    v = np.zeros((B, n))
    for t in range(T):
        ti = t if Ti > 1 else 0
        for b in range(B):
            for i in range(n):
                h = decay * v[b, i] + I[ti, b, i]
                h_out[t, b, i] = h
                if h >= vth:
                    s_out[t, b, i] = 1.0
                    v[b, i] = h - vth
                else:
                    s_out[t, b, i] = 0.0
                    v[b, i] = h


@njit
def sigmoid_surrogate(x, alpha):
    """Derivative of ``sigmoid(alpha x)``: the surrogate of the Heaviside step."""
    sg = 1.0 / (1.0 + math.exp(-alpha * x))
    return alpha * sg * (1.0 - sg)


@njit
def lif_soft_backward(h, grad_s, decay, vth, alpha, grad_I):
    """Backprop through time of :func:`lif_soft_forward` with the reset detached and a sigmoid surrogate:
    ``dL/dh_t = dL/ds_t sigma'(h_t - vth) + decay dL/dh_{t+1}``; ``dL/dI_t = dL/dh_t`` (written to ``grad_I``)."""
    T, B, n = h.shape
    carry = np.zeros((B, n))
    for t in range(T - 1, -1, -1):
        for b in range(B):
            for i in range(n):
                g = grad_s[t, b, i] * sigmoid_surrogate(h[t, b, i] - vth, alpha) + decay * carry[b, i]
                grad_I[t, b, i] = g
                carry[b, i] = g
