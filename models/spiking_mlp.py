"""The spiking MLP of HLOP's PMNIST experiments (784-800-800-10, bias-free, one shared head) with three training
methods, all computing weight gradients directly (no autograd); specs/hlop.md section 2.

- ``dsr``: DSR LIF neurons (T=20, dt=0.05, tau=1, Vth=0.3 trainable, firing at alpha Vth = 0.3 Vth, reset by
  Vth, spike value Vth/dt). The forward pass is time-stepped; the backward pass is rate-level (section 2.1).
- ``bptt``: LIF (tau=2, no input decay, v_th=1, soft reset detached) with the sigmoid surrogate (alpha=4),
  T=6, backprop through time; the output is the time mean of the classifier's outputs.
- ``ottt``: the same neurons, online: no temporal backprop, presynaptic traces replace spikes in the weight
  gradients of layers 2 and 3, loss CE(out_t)/T at every step; the prediction is the sum over t.

``gradients`` returns, besides the loss and gradients, the activities HLOP learns on (section 1.2): one list per
HLOP call, each holding one (rows x n_in) array per weight layer.
"""
from __future__ import annotations

import math

import numpy as np

from snn.errors import SpecError, check_choice
from snn.kernels.lif_layers import lif_dsr_forward, lif_soft_backward, lif_soft_forward

TRAININGS = ("dsr", "bptt", "ottt")
DSR_DEFAULTS = dict(T=20, dt=0.05, tau=1.0, vth=0.3, alpha=0.3, vth_min=0.0005)
SOFT_DEFAULTS = dict(T=6, tau=2.0, vth=1.0, surrogate_alpha=4.0)
MASK_OFF = -1e9          # added to the logits of classes outside a sample's task (task-incremental splits)


def softmax_cross_entropy(logits, y, logit_mask=None):
    """Mean cross-entropy and its gradient w.r.t. the logits (``(p - onehot) / B``). ``logit_mask`` (B x C,
    0 or MASK_OFF) restricts the softmax to each sample's task classes."""
    z = logits.astype(np.float64)
    if logit_mask is not None:
        z = z + logit_mask
    z = z - z.max(axis=1, keepdims=True)
    ez = np.exp(z)
    p = ez / ez.sum(axis=1, keepdims=True)
    B = len(y)
    loss = float(-np.mean(np.log(np.maximum(p[np.arange(B), y], 1e-300))))
    p[np.arange(B), y] -= 1.0
    return loss, (p / B).astype(logits.dtype)


def dsr_weights_in_time(T, dt, tau):
    """``w_t = exp(-(dt T - t dt) / tau)``, t = 1..T: the weights of DSR's weighted firing rate."""
    t = np.arange(1, T + 1)
    return np.exp(-(dt * T - t * dt) / tau)


def dsr_backward(weights, vth, x, pre_means, wfrs, r_ins, g_out, *, tau, dt, kappa):
    """DSR's rate-level backward pass (specs/hlop.md 2.1) for hidden layers l = 1..L and the head.

    ``pre_means[l]``: time mean of layer l's presynaptic spikes (l >= 1; layer 0 uses ``x``); ``wfrs[l]``: WFR
    of hidden layer l's spikes; ``r_ins[l]``: WFR of its input current; ``g_out``: dL/d(output);
    ``kappa = T sum w_t^2 / (sum w_t)^2`` scales the head-to-hidden gradient as DSR's autograd does.
    Returns (weight gradients, threshold gradients) with the threshold gradient ``dt sum g [r_in > Vth tau/dt]``.
    """
    L = len(weights) - 1
    grads = [None] * (L + 1)
    dvth = [0.0] * L
    grads[L] = g_out.T @ wfrs[L - 1]
    g = kappa * (g_out @ weights[L])
    for l in range(L - 1, -1, -1):
        sat = vth[l] * tau / dt
        r = r_ins[l]
        dvth[l] = float(dt * np.sum(g[r > sat]))
        c = np.where((r > 0) & (r < sat), g / tau, 0.0).astype(g.dtype)
        pre = x if l == 0 else pre_means[l - 1]
        grads[l] = c.T @ pre
        if l > 0:
            g = c @ weights[l]
    return grads, dvth


def _identity(a):
    return a


def _time_rows(f, S):
    """``f`` applied to the rows of a time-major (T, B, n) array, reshaped back."""
    return S if f is _identity else f(S.reshape(-1, S.shape[-1])).reshape(S.shape)


class SpikingMLP:
    """Bias-free spiking MLP ``sizes = (n_in, hidden..., n_out)``, PyTorch's default init U(+-1/sqrt(fan_in))."""

    def __init__(self, sizes=(784, 800, 800, 10), training="dsr", *, seed=0, dtype=np.float32, T=None):
        self.training = check_choice("training", training, TRAININGS)
        if len(sizes) < 3 or any(int(s) < 1 for s in sizes):
            raise SpecError(f"sizes={sizes!r} must list >= 3 positive layer widths (input, hidden..., output)")
        self.sizes = tuple(int(s) for s in sizes)
        self.dtype = dtype
        rng = np.random.default_rng([seed, 0])
        self.weights = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:]):
            bound = 1.0 / math.sqrt(fan_in)
            self.weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype))
        p = dict(DSR_DEFAULTS if training == "dsr" else SOFT_DEFAULTS)
        if T is not None:
            if int(T) < 1:
                raise SpecError(f"T={T!r} time steps must be >= 1")
            p["T"] = int(T)
        self.params = p
        self.vth = [p["vth"]] * (len(self.sizes) - 2)      # per hidden layer; trained by DSR only
        if training == "dsr":
            w = dsr_weights_in_time(p["T"], p["dt"], p["tau"])
            self._w_t = w
            self.kappa = float(p["T"] * np.sum(w ** 2) / np.sum(w) ** 2)

    @property
    def n_hidden(self):
        return len(self.sizes) - 2

    # -- forward passes -----------------------------------------------------------------------------------------
    def _dsr_forward(self, x):
        p = self.params
        T, B = p["T"], len(x)
        beta = math.exp(-p["dt"] / p["tau"])
        inp, pre_rate = x[None], x
        wfrs, means, r_ins, spikes = [], [], [], []
        for l in range(self.n_hidden):
            W = self.weights[l]
            n = W.shape[0]
            I = (inp.reshape(-1, inp.shape[-1]) @ W.T).reshape(inp.shape[0], B, n)
            r_ins.append(I[0] if l == 0 else pre_rate @ W.T)   # WFR of the input current (WFR is linear)
            S = np.empty((T, B, n), self.dtype)
            wfr = np.empty((B, n), self.dtype)
            mean = np.empty((B, n), self.dtype)
            lif_dsr_forward(I, T, beta, p["alpha"], self.vth[l], p["dt"], self._w_t, S, wfr, mean)
            wfrs.append(wfr)
            means.append(mean)
            spikes.append(S)
            inp, pre_rate = S, wfr
        out = wfrs[-1] @ self.weights[-1].T
        return out, wfrs, means, r_ins, spikes

    def _soft_forward(self, x):
        p = self.params
        T, B = p["T"], len(x)
        decay = 1.0 - 1.0 / p["tau"]
        inp = x[None]
        spikes, hs = [], []
        for l in range(self.n_hidden):
            W = self.weights[l]
            n = W.shape[0]
            I = (inp.reshape(-1, inp.shape[-1]) @ W.T).reshape(inp.shape[0], B, n)
            S = np.empty((T, B, n), self.dtype)
            Hm = np.empty((T, B, n), self.dtype)
            lif_soft_forward(I, T, decay, p["vth"], S, Hm)
            spikes.append(S)
            hs.append(Hm)
            inp = S
        out_t = (inp.reshape(T * B, -1) @ self.weights[-1].T).reshape(T, B, -1)
        return out_t, spikes, hs

    def logits(self, x, chunk=1000):
        """Network output for evaluation: DSR's WFR of the head, BPTT's time mean, OTTT's time sum."""
        x = np.asarray(x, self.dtype)
        outs = []
        for a in range(0, len(x), chunk):
            xb = x[a:a + chunk]
            if self.training == "dsr":
                outs.append(self._dsr_forward(xb)[0])
            else:
                out_t = self._soft_forward(xb)[0]
                outs.append(out_t.mean(0) if self.training == "bptt" else out_t.sum(0))
        return np.concatenate(outs) if outs else np.zeros((0, self.sizes[-1]), self.dtype)

    # -- gradients ----------------------------------------------------------------------------------------------
    def gradients(self, x, y, logit_mask=None, project=None):
        """(loss, weight gradients, threshold gradients or None, HLOP activities) for one batch. ``project``: one
        function per weight layer (or None) applied to the rows of presynaptic activity (per sample and time
        step) that form that layer's gradient: HLOP's projection in its activity form."""
        x = np.asarray(x, self.dtype)
        if project is None:
            project = [None] * len(self.weights)
        if len(project) != len(self.weights):
            raise SpecError(f"project needs one entry per weight layer ({len(self.weights)}), got {len(project)}")
        project = [_identity if f is None else f for f in project]
        return getattr(self, f"_grad_{self.training}")(x, y, logit_mask, project)

    def _grad_dsr(self, x, y, logit_mask, project):
        p = self.params
        out, wfrs, means, r_ins, spikes = self._dsr_forward(x)
        loss, g_out = softmax_cross_entropy(out, y, logit_mask)
        pre_means = [m if f is _identity else _time_rows(f, S).mean(0)       # mean_t of the projected spikes
                     for m, S, f in zip(means, spikes, project[1:])]
        wfr_head = wfrs[:-1] + [project[-1](wfrs[-1])]
        grads, dvth = dsr_backward(self.weights, self.vth, project[0](x), pre_means, wfr_head, r_ins, g_out,
                                   tau=p["tau"], dt=p["dt"], kappa=self.kappa)
        return loss, grads, dvth, [[x, *wfrs]]

    def _grad_bptt(self, x, y, logit_mask, project):
        p = self.params
        T, B = p["T"], len(x)
        decay = 1.0 - 1.0 / p["tau"]
        out_t, spikes, hs = self._soft_forward(x)
        loss, g_out = softmax_cross_entropy(out_t.mean(0), y, logit_mask)
        L = self.n_hidden
        grads = [None] * (L + 1)
        grads[L] = g_out.T @ _time_rows(project[L], spikes[-1]).mean(0)
        grad_s = np.broadcast_to((g_out @ self.weights[L]) / T, spikes[-1].shape).astype(self.dtype)
        for l in range(L - 1, -1, -1):
            grad_I = np.empty_like(hs[l])
            lif_soft_backward(hs[l], np.ascontiguousarray(grad_s), decay, p["vth"], p["surrogate_alpha"], grad_I)
            if l == 0:
                grads[0] = grad_I.sum(0).T @ project[0](x)
            else:
                pre = project[l](spikes[l - 1].reshape(T * B, -1))
                grads[l] = grad_I.reshape(T * B, -1).T @ pre
                grad_s = (grad_I.reshape(T * B, -1) @ self.weights[l]).reshape(T, B, -1)
        acts = [x] + [s.reshape(T * B, -1) for s in spikes]
        return loss, grads, None, [acts]

    def _grad_ottt(self, x, y, logit_mask, project):
        p = self.params
        T, B = p["T"], len(x)
        decay = 1.0 - 1.0 / p["tau"]
        a_sg = p["surrogate_alpha"]
        out_t, spikes, hs = self._soft_forward(x)
        traces = []
        for S in spikes:                                  # a_t = decay a_{t-1} + s_t
            tr = np.empty_like(S)
            acc = np.zeros(S.shape[1:], S.dtype)
            for t in range(T):
                acc = decay * acc + S[t]
                tr[t] = acc
            traces.append(tr)
        rep_y = np.tile(y, T)
        rep_mask = None if logit_mask is None else np.tile(logit_mask, (T, 1))
        loss, g = softmax_cross_entropy(out_t.reshape(T * B, -1), rep_y, rep_mask)
        # softmax_cross_entropy divides by T*B rows: that is CE(out_t)/T summed over t, each a batch mean
        L = self.n_hidden
        grads = [None] * (L + 1)
        grads[L] = g.T @ project[L](traces[-1].reshape(T * B, -1))
        gs = g @ self.weights[L]
        for l in range(L - 1, -1, -1):
            z = a_sg * (hs[l].reshape(T * B, -1) - p["vth"])
            sg = 1.0 / (1.0 + np.exp(-z))
            delta = (gs * (a_sg * sg * (1.0 - sg))).astype(self.dtype)
            if l == 0:
                grads[0] = delta.reshape(T, B, -1).sum(0).T @ project[0](x)
            else:
                grads[l] = delta.T @ project[l](traces[l - 1].reshape(T * B, -1))
                gs = delta @ self.weights[l]
        acts = [[x] + [np.concatenate([spikes[l][t], traces[l][t]]) for l in range(L)] for t in range(T)]
        return loss, grads, None, acts

    # -- updates ------------------------------------------------------------------------------------------------
    def sgd_step(self, grads, lr, dvth=None):
        for W, G in zip(self.weights, grads):
            W -= np.asarray(lr * G, self.dtype)
        if dvth is not None and self.training == "dsr":
            lo = self.params["vth_min"]
            self.vth = [max(v - lr * d - lo, 0.0) + lo for v, d in zip(self.vth, dvth)]

    def state(self):
        out = {f"W{l}": W for l, W in enumerate(self.weights)}
        out["vth"] = np.asarray(self.vth, np.float64)
        return out

    def load_state(self, arrays):
        self.weights = [arrays[f"W{l}"].astype(self.dtype) for l in range(len(self.weights))]
        self.vth = [float(v) for v in arrays["vth"]]
