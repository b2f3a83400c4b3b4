"""Spike delivery into the delay ring buffer ``buf[slot, receptor, post]`` with ``slot = (t + delay) % n_slots``.

The neuron kernels read slot ``t % n_slots`` as this step's input and clear it, so a slot is free for reuse.
Delays lie in [1, n_slots - 1], so the wrap is one conditional subtraction (an integer ``%`` per synapse cost
about as much as the rest of the delivery). The loops run over zero-based views of the row and index the target
with the post index as an unsigned integer: numba then drops its negative-index wraparound (two sign tests per
synapse, about 13 instructions per synapse instead of 5).
"""
import numpy as np

from ._config import njit


@njit
def deliver_static(j, t, ptr, post, w, delay, rec, row_uniform, row_w, row_delay, row_rec, buf):
    """Row j's static synapses. A uniform row (one weight, delay and receptor) reads only its post indices."""
    deliver_static_part(j, t, ptr[j], ptr[j + 1], post, w, delay, rec, row_uniform, row_w, row_delay, row_rec, buf)


@njit(inline="always")
def deliver_static_part(j, t, lo, hi, post, w, delay, rec, row_uniform, row_w, row_delay, row_rec, buf):
    """The synapses [lo, hi) of row j (all of it, or the part one thread owns)."""
    n_slots = buf.shape[0]
    t_slot = t % n_slots
    if row_uniform[j]:
        slot = t_slot + row_delay[j]
        if slot >= n_slots:
            slot -= n_slots
        target = buf[slot, row_rec[j]]
        wj = row_w[j]
        row = post[lo:hi]
        for s in range(row.shape[0]):
            target[np.uintp(row[s])] += wj
        return
    row, w_row, d_row, r_row = post[lo:hi], w[lo:hi], delay[lo:hi], rec[lo:hi]
    for s in range(row.shape[0]):
        slot = t_slot + d_row[s]
        if slot >= n_slots:
            slot -= n_slots
        buf[slot, r_row[s], np.uintp(row[s])] += w_row[s]
