"""sPyNNaker-exact pair STDP (specs/ca3_cam.md 3.2) against weights computed by hand from the rule's formulas.

A 'drive' source makes the post neuron fire at chosen ticks (static 6 nA, one tick later); a 'pre' source holds
the plastic synapse (initial weight 0, so it never drives the post neuron itself). Tolerance 1e-12: the same
exponentials summed in the same order.
"""
import math

import numpy as np
import pytest

from snn.connectors import OneToOne
from snn.engine import Simulator
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection

CELL = dict(cm=0.27, tau_m=3.0, tau_refrac=1.0, tau_syn_E=0.3, tau_syn_I=0.3,
            v_rest=-60.0, v_reset=-60.0, v_thresh=-57.0)


def run(pre_times, drive_times, rule, duration=80.0):
    net = Network([Population("pre", 1, "SpikeSourceArray", params=dict(spike_times=[pre_times])),
                   Population("drive", 1, "SpikeSourceArray", params=dict(spike_times=[drive_times])),
                   Population("post", 1, "IF_curr_exp", params=CELL)],
                  [Projection("drive", "post", OneToOne(), weight=6.0, delay=1.0),
                   Projection("pre", "post", OneToOne(), weight=0.0, delay=1.0, plasticity=rule, label="plastic")],
                  dt=1.0, schedule="spinnaker")
    res = Simulator(net, arithmetic="float64").run(duration)
    post_times = res.spike_trains("post")[0]
    return float(res.weights("plastic")[2][0]), post_times


def test_one_pairing_potentiates_then_depresses_at_the_next_pre_spike():
    rule = SpikePairSTDP(tau_plus=3.0, tau_minus=3.0, A_plus=6.0, A_minus=1.0, w_min=0.0, w_max=10.0)
    w, post = run([2.0, 8.0], [4.0], rule, duration=12.0)
    assert post.tolist() == [5.0]
    d, L, T, p = 1, 2, 8, 5
    expected = 6.0 * 1.0 * math.exp(-(p + d - L) / 3.0)          # potentiation by post 5, r(L) = 1
    expected -= 1.0 * 1.0 * math.exp(-(T - (p + d)) / 3.0)        # depression by the latest post, o(5) = 1
    assert w == pytest.approx(expected, rel=1e-12)


def test_each_update_is_clamped_separately():
    rule = SpikePairSTDP(tau_plus=3.0, tau_minus=3.0, A_plus=6.0, A_minus=6.0, w_min=0.0, w_max=6.0)
    # two post spikes in the window: both potentiations saturate at w_max before the depression applies
    w, post = run([1.0, 3.0, 20.0], [2.0, 4.0], rule, duration=24.0)
    # the weight updated at T=20 (about 5.9 nA) is what the spike transmits: the post neuron fires at 21
    assert post.tolist() == [3.0, 5.0, 21.0]
    # at T=3 the window (0, 2] holds no post spike yet; depression: none (no post <= 2). At T=20, L=3, r(3)=
    # 1 + e^(-2/3): post 3 and 5 potentiate (clamped at 6), then the latest post (5, o = 1 + e^(-2/3)) depresses.
    r3 = 1.0 + math.exp(-2.0 / 3.0)
    w_exp = min(0.0 + 6.0 * r3 * math.exp(-(3 + 1 - 3) / 3.0), 6.0)
    w_exp = min(w_exp + 6.0 * r3 * math.exp(-(5 + 1 - 3) / 3.0), 6.0)
    o5 = math.exp(-2.0 / 3.0) + 1.0
    w_exp = max(w_exp - 6.0 * o5 * math.exp(-(20 - 6) / 3.0), 0.0)
    assert w == pytest.approx(w_exp, rel=1e-12)


@pytest.mark.parametrize("history", [16, 64])
def test_post_history_keeps_only_the_last_entries(history):
    rule = SpikePairSTDP(tau_plus=20.0, tau_minus=3.0, A_plus=0.1, A_minus=0.0, w_min=0.0, w_max=100.0,
                         history=history)
    drive = [float(t) for t in range(10, 50, 2)]           # post fires at 11, 13, ..., 49: 20 spikes
    w, post = run([9.0, 60.0], drive, rule, duration=64.0)
    assert post.tolist() == [t + 1 for t in drive]
    kept = post[-(history - 1):]                            # one history entry is the t = 0 placeholder
    expected = sum(0.1 * math.exp(-(p + 1 - 9) / 20.0) for p in kept)
    assert w == pytest.approx(expected, rel=1e-12)
    assert (len(kept) == 20) == (history == 64)
