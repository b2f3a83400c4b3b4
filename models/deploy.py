"""Shared step of the deployable variants (``nalsm_deploy``, ``continual_deploy``): signed weights as PyNN wants
them, a non-negative excitatory projection and a non-negative inhibitory one over the same populations; and
sPyNNaker's 16-bit weight step (``weight_resolution``; ``hardware/capabilities.py`` checks deployments with it:
it lives here, below the backends, so that a model can quantise without importing a backend)."""
import math

import numpy as np

from snn.connectors import FromList
from snn.spec import Projection


def weight_resolution(max_weight, bits=16):
    """sPyNNaker's weight step (nA) when the largest expected input of a receptor is ``max_weight`` nA."""
    if max_weight <= 0:
        return 0.0
    shift = max(0, math.ceil(math.log2(max_weight)))
    if 2 ** shift <= max_weight:
        shift += 1
    return 2.0 ** (shift - (bits - 1))


def signed_projections(src, dst, pre, post, w, *, name, quantise=False):
    """Projections ``src -> dst`` of the synapses (pre, post, signed weight w): w > 0 excitatory, |w| of w < 0
    inhibitory, zeros dropped, delay 1 ms, labelled ``name:exc`` / ``name:inh``. ``quantise``: round each
    projection's weights to sPyNNaker's 16-bit step for its receptor (``weight_resolution`` of the largest),
    dropping those that round to 0, so that the engine runs what a board would."""
    pre, post, w = np.asarray(pre), np.asarray(post), np.asarray(w, float)
    out = []
    for sign, receptor in ((1.0, "excitatory"), (-1.0, "inhibitory")):
        keep = sign * w > 0
        mag = sign * w[keep]
        if quantise and mag.size:
            res = weight_resolution(float(mag.max()))
            mag = np.round(mag / res) * res
        nz = mag > 0
        if nz.any():
            rows = np.c_[pre[keep][nz], post[keep][nz], mag[nz]]
            out.append(Projection(src, dst, FromList(rows), delay=1.0, receptor_type=receptor,
                                  label=f"{name}:{receptor[:3]}"))
    return out
