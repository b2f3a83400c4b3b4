"""Kernels of the synapses of ``snn/short_term.py``, called per synapse at a presynaptic spike by
``deliver_plastic`` (rule kinds 2 and 3 of ``snn/kernels/stdp.py``).

Per-synapse state ``p_state[s] = (u, x, y, t_last)`` (t_last in steps, 0 before the first spike), kept per
sample and carried between runs (``RunState.p_state``)."""
import math

import numpy as np

from ._config import njit
from .rng import uniform

U_, X_, Y_, LAST_ = range(4)
# rule row columns of a Tsodyks-Markram synapse (snn.short_term.TsodyksMarkram.row): times in steps
_TREC, _TFAC, _U, _TPSC = range(4)
# counter streams of the release draws: uniform(key, step, RELEASE_STREAM + synapse id)
RELEASE_STREAM = np.uint64(2 << 40)


@njit
def initial_state(n):
    """The state of ``n`` synapses at NEST tsodyks_synapse's start values (u = 0, x = 1, y = 0, last spike at
    t = 0)."""
    p_state = np.zeros((n, 4), np.float64)
    p_state[:, X_] = 1.0
    return p_state


@njit
def tsodyks_fraction(st, rule, t_stamp):
    """The fraction u x of the weight that a spike stamped at step ``t_stamp`` transmits, with the state
    advanced as NEST's tsodyks_synapse::send does it (models/tsodyks_synapse.h, the same order)."""
    h = t_stamp - st[LAST_]
    p_uu = 0.0 if rule[_TFAC] == 0.0 else math.exp(-h / rule[_TFAC])
    p_yy = math.exp(-h / rule[_TPSC])
    p_zz = math.expm1(-h / rule[_TREC])
    p_xy = (p_zz * rule[_TREC] - (p_yy - 1.0) * rule[_TPSC]) / (rule[_TPSC] - rule[_TREC])
    z = 1.0 - st[X_] - st[Y_]
    st[U_] *= p_uu
    st[X_] += p_xy * st[Y_] - p_zz * z
    st[Y_] *= p_yy
    st[U_] += rule[_U] * (1.0 - st[U_])
    dy = st[U_] * st[X_]
    st[X_] -= dy
    st[Y_] += dy
    st[LAST_] = t_stamp
    return dy


@njit
def released(key, t, s, p):
    """Whether synapse s transmits the spike of step t (probability p, NEST's bernoulli_synapse)."""
    return uniform(key, t, RELEASE_STREAM + np.uint64(s)) < p
