"""Spike delivery into the delay ring buffer ``buf[slot, receptor, post]`` with ``slot = (t + delay) % n_slots``.

The neuron kernels read slot ``t % n_slots`` as this step's input and clear it, so a slot is free for reuse."""
from ._config import njit


@njit
def deliver_static(j, t, ptr, post, w, delay, rec, buf):
    n_slots = buf.shape[0]
    for s in range(ptr[j], ptr[j + 1]):
        buf[(t + delay[s]) % n_slots, rec[s], post[s]] += w[s]
