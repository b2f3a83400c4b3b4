"""NIR's stateless nodes as explicit sparse matrices: ``op(node, name, shape) -> (M, bias, out_shape)`` with
``y = M x + bias`` on C-order flattened signals (the order of torch's ``flatten``, so a neuron's index in its
population is its flat index in the node's shape).

Semantics follow the ``nir`` package's definitions (``nir/ir/linear.py``, ``conv.py``, ``pooling.py``,
``flatten.py``, nir 1.0.x): Affine ``y = W x + b``, Linear ``y = W x``, Scale ``y = x * s``, Flatten a reshape,
Conv2d as torch.nn.Conv2d (weight (C_out, C_in / groups, kH, kW), stride, padding int / pair / 'same' / 'valid',
dilation, groups, bias per output channel), SumPool2d / AvgPool2d as torch's pooling with zero padding.
"""
import numpy as np
import scipy.sparse as sp

from ..errors import SpecError


def _pair(value, what, where):
    arr = np.asarray(value).ravel()
    if arr.size == 1:
        arr = np.repeat(arr, 2)
    if arr.size != 2 or not np.all(arr == np.round(arr)):
        raise SpecError(f"{where}: {what}={value!r} must be an integer or a pair of integers")
    return int(arr[0]), int(arr[1])


def _chw(shape, where):
    if len(shape) != 3:
        raise SpecError(f"{where}: needs a (channels, height, width) input, got shape {tuple(shape)}")
    return shape


def _conv2d(node, where, shape):
    w = np.asarray(node.weight, float)
    if w.ndim != 4:
        raise SpecError(f"{where}: weight must be (C_out, C_in / groups, kH, kW), got shape {w.shape}")
    if shape is None or len(shape) != 3:
        if node.input_shape is None:
            raise SpecError(f"{where}: input size unknown (input_shape is None and no (C, H, W) shape reaches it)")
        shape = (w.shape[1] * int(node.groups), *map(int, np.ravel(node.input_shape)))
    c_in, h, wd = _chw(shape, where)
    groups = int(node.groups)
    c_out, cpg, kh, kw = w.shape
    if groups < 1 or c_in % groups or c_out % groups or cpg != c_in // groups:
        raise SpecError(f"{where}: weight {w.shape} with groups={groups} does not fit {c_in} input channels")
    sh, sw = _pair(node.stride, "stride", where)
    dh, dw = _pair(node.dilation, "dilation", where)
    if isinstance(node.padding, str):
        if node.padding == "valid":
            ph = pw = (0, 0)
        else:   # 'same' (stride 1): torch pads dilation * (k - 1) in total, the smaller half first
            th, tw = dh * (kh - 1), dw * (kw - 1)
            ph, pw = (th // 2, th - th // 2), (tw // 2, tw - tw // 2)
    else:
        p0, p1 = _pair(node.padding, "padding", where)
        ph, pw = (p0, p0), (p1, p1)
    ho = (h + sum(ph) - dh * (kh - 1) - 1) // sh + 1
    wo = (wd + sum(pw) - dw * (kw - 1) - 1) // sw + 1
    if ho < 1 or wo < 1:
        raise SpecError(f"{where}: a {kh}x{kw} kernel does not fit the {h}x{wd} input")
    rows, cols, vals = [], [], []
    oy, ox = np.meshgrid(np.arange(ho), np.arange(wo), indexing="ij")
    for co in range(c_out):
        g = co // (c_out // groups)
        for ci in range(cpg):
            cin = g * cpg + ci
            for ky in range(kh):
                for kx in range(kw):
                    if w[co, ci, ky, kx] == 0:
                        continue
                    iy, ix = oy * sh - ph[0] + ky * dh, ox * sw - pw[0] + kx * dw
                    ok = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < wd)
                    rows.append((co * ho + oy[ok]) * wo + ox[ok])
                    cols.append((cin * h + iy[ok]) * wd + ix[ok])
                    vals.append(np.full(ok.sum(), w[co, ci, ky, kx]))
    m = _coo(rows, cols, vals, (c_out * ho * wo, c_in * h * wd))
    bias = np.repeat(np.broadcast_to(np.asarray(node.bias, float).ravel(), (c_out,)), ho * wo) \
        if np.size(node.bias) else np.zeros(c_out * ho * wo)
    return m, bias, (c_out, ho, wo)


def _pool2d(node, where, shape, average):
    if shape is None or len(shape) != 3:
        raise SpecError(f"{where}: input size unknown; it needs a (C, H, W) shape from the node before it")
    c, h, wd = _chw(shape, where)
    kh, kw = _pair(node.kernel_size, "kernel_size", where)
    sh, sw = _pair(node.stride, "stride", where)
    p0, p1 = _pair(node.padding, "padding", where)
    ho, wo = (h + 2 * p0 - kh) // sh + 1, (wd + 2 * p1 - kw) // sw + 1
    if ho < 1 or wo < 1:
        raise SpecError(f"{where}: a {kh}x{kw} window does not fit the {h}x{wd} input")
    oy, ox = np.meshgrid(np.arange(ho), np.arange(wo), indexing="ij")
    rows, cols, vals = [], [], []
    for ch in range(c):
        for ky in range(kh):
            for kx in range(kw):
                iy, ix = oy * sh - p0 + ky, ox * sw - p1 + kx
                ok = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < wd)
                rows.append((ch * ho + oy[ok]) * wo + ox[ok])
                cols.append((ch * h + iy[ok]) * wd + ix[ok])
                vals.append(np.full(ok.sum(), 1.0 / (kh * kw) if average else 1.0))
    return _coo(rows, cols, vals, (c * ho * wo, c * h * wd)), np.zeros(c * ho * wo), (c, ho, wo)


def _coo(rows, cols, vals, shape):
    cat = lambda parts, t: np.concatenate(parts).astype(t) if parts else np.zeros(0, t)  # noqa: E731
    return sp.csr_matrix((cat(vals, float), (cat(rows, np.int64), cat(cols, np.int64))), shape=shape)


def _dense(node, where, n_in, with_bias):
    w = np.asarray(node.weight, float)
    if w.ndim != 2:
        raise SpecError(f"{where}: weight must be a 2-d (out, in) matrix, got shape {w.shape}")
    if w.shape[1] != n_in:
        raise SpecError(f"{where}: weight {w.shape} takes {w.shape[1]} inputs but receives {n_in}")
    bias = np.zeros(w.shape[0])
    if with_bias:
        b = np.asarray(node.bias, float).ravel()
        if b.size not in (1, w.shape[0]):
            raise SpecError(f"{where}: bias has {b.size} values for {w.shape[0]} outputs")
        bias = np.broadcast_to(b, (w.shape[0],)).copy()
    return sp.csr_matrix(w), bias, (w.shape[0],)


def linear_op(node, where, shape):
    """(M, bias, out_shape) of the stateless node ``node`` receiving a signal of ``shape`` (a tuple)."""
    import nir
    n_in = int(np.prod(shape))
    if isinstance(node, nir.Affine):
        return _dense(node, where, n_in, True)
    if isinstance(node, nir.Linear):
        return _dense(node, where, n_in, False)
    if isinstance(node, nir.Scale):
        s = np.asarray(node.scale, float).ravel()
        if s.size not in (1, n_in):
            raise SpecError(f"{where}: scale has {s.size} values for a signal of {n_in}")
        return sp.diags(np.broadcast_to(s, (n_in,))).tocsr(), np.zeros(n_in), tuple(shape)
    if isinstance(node, nir.Flatten):
        from nir.ir.utils import calc_flatten_output      # NIR's own shape rule (nir/ir/flatten.py)
        out = tuple(int(x) for x in calc_flatten_output(list(shape), int(node.start_dim), int(node.end_dim)))
        return sp.identity(n_in, format="csr"), np.zeros(n_in), out
    if isinstance(node, nir.Conv2d):
        return _conv2d(node, where, shape)
    if isinstance(node, (nir.SumPool2d, nir.AvgPool2d)):
        return _pool2d(node, where, shape, isinstance(node, nir.AvgPool2d))
    raise AssertionError(type(node))


def synapse_count(node, shape):
    """Nonzero entries the explicit matrix of ``node`` will have (before building it), for the size check."""
    import nir
    if isinstance(node, nir.Conv2d) and shape is not None and len(shape) == 3:
        w = np.asarray(node.weight)
        return int(np.prod(shape[1:])) * int(np.count_nonzero(w))
    return 0
