"""Pure step functions of the 'nalsm' schedule (norse's ``lif_feed_forward_step`` style): the NALSM_LIF neuron and
the TraceSTDP weight update, scalar in and scalar out, so that each is tested alone against the dense reference
(tests/kernels/test_nalsm_steps.py). ``nalsm_schedule.py`` calls them inline; its loops only decide *which*
neurons and synapses they run on (event-driven, see its docstring).
"""
import numpy as np

from ._config import njit


@njit(inline="always")
def nalsm_lif_step(v, i_syn, i_ext, bias, leak, r, fired, ref_steps, v_thresh):
    """One NALSM_LIF step after this step's spikes (specs/nalsm.md 1.4): V integrates (5), V keeps integrating
    while refractory, the refractory count is set by a spike or counts down (7); returns (v, r, whether the neuron
    is over threshold at the start of the next step (its step 1: V, or 0 while refractory, >= v_thresh))."""
    v = v + i_syn + i_ext + bias - v * leak
    if fired:
        r = np.int32(ref_steps)
    elif r > 0:
        r -= 1
    return v, r, (v if r <= 0 else 0.0) >= v_thresh


@njit(inline="always")
def stdp_row(old, a_pre, x_pre, post_term, pre_fired, lo, hi):
    """A synapse of a post neuron that spiked: the post-spike term a_pre x_pre plus, when its pre spiked too,
    the pre-spike term ``post_term`` (a_post x_post), one clip to [lo, hi]."""
    return min(max(old + (a_pre * x_pre + (post_term if pre_fired else 0.0)), lo), hi)


@njit(inline="always")
def stdp_column(old, rate, x_post, lo, hi):
    """A synapse whose pre spiked and whose post did not: the pre-spike term rate x_post, clipped."""
    return min(max(old + rate * x_post, lo), hi)


@njit
def trace_stdp(old, x_pre, x_post, pre_fired, post_fired, eta_plus, eta_minus, mirrored, lo, hi):
    """TraceSTDP for one synapse and one step, as the schedule computes it (specs/nalsm.md 3.1): potentiation
    eta_plus x_pre when the post spikes, depression eta_minus x_post when the pre spikes (``mirrored``, the
    inhibitory rule: the two rates swap roles and signs), both terms then one clip when both spiked. eta_minus
    is the astrocyte's A when there is one (the caller passes it)."""
    a_pre, a_post = (-eta_minus, eta_plus) if mirrored else (eta_plus, -eta_minus)
    if post_fired:
        return stdp_row(old, a_pre, x_pre, a_post * x_post, pre_fired, lo, hi)
    if pre_fired:
        return stdp_column(old, eta_plus if mirrored else -eta_minus, x_post, lo, hi)
    return old
