"""The 'spinnaker' IF_curr_exp kernel against a naive numpy transcription of specs/ca3_cam.md 3.1.

Tolerance: spike times must be identical (the same float64 operations in the same order); membrane values
are compared to 1e-12 relative, the round-off of a few multiply-adds.
"""
import math

import numpy as np

from snn.connectors import FromList
from snn.engine import Simulator
from snn.spec import Network, Population, Projection

PARAMS = dict(cm=0.27, tau_m=3.0, tau_refrac=2.0, tau_syn_E=0.3, tau_syn_I=0.5,
              v_rest=-60.0, v_reset=-61.0, v_thresh=-57.0, i_offset=0.1)


def naive_spinnaker(weights_e, weights_i, in_spikes, n_steps, p, dt=1.0):
    """weights_*[pre, post]; in_spikes[t, pre] (bool) from sources with delay 1 (arrive at t+1)."""
    n_pre, n = weights_e.shape
    init_e = p["tau_syn_E"] / dt * (1 - math.exp(-dt / p["tau_syn_E"]))
    init_i = p["tau_syn_I"] / dt * (1 - math.exp(-dt / p["tau_syn_I"]))
    v = np.full(n, p["v_rest"])
    ie, ii = np.zeros(n), np.zeros(n)
    refr = np.zeros(n, int)
    spikes = []
    for t in range(n_steps):
        arriving = in_spikes[t - 1] if t >= 1 else np.zeros(n_pre, bool)
        ie = ie + init_e * (arriving @ weights_e)
        ii = ii + init_i * (arriving @ weights_i)
        for i in range(n):
            if refr[i] <= 0:
                a = p["v_rest"] + p["tau_m"] / p["cm"] * (ie[i] - ii[i] + p["i_offset"])
                v[i] = a - math.exp(-dt / p["tau_m"]) * (a - v[i])
            else:
                refr[i] -= 1
            if v[i] >= p["v_thresh"]:
                spikes.append((t, i))
                v[i] = p["v_reset"]
                refr[i] = math.ceil(p["tau_refrac"] / dt)
        ie *= math.exp(-dt / p["tau_syn_E"])
        ii *= math.exp(-dt / p["tau_syn_I"])
    return spikes


def test_spinnaker_kernel_matches_naive_transcription():
    rng = np.random.default_rng(7)
    n_pre, n, n_steps = 12, 9, 200
    in_spikes = rng.random((n_steps, n_pre)) < 0.15
    we = np.where(rng.random((n_pre, n)) < 0.5, rng.uniform(0, 6, (n_pre, n)), 0.0)
    wi = np.where(rng.random((n_pre, n)) < 0.3, rng.uniform(0, 4, (n_pre, n)), 0.0)
    times = [list(np.flatnonzero(in_spikes[:, j]).astype(float)) for j in range(n_pre)]
    conn = lambda w: FromList(tuple((j, i, w[j, i]) for j in range(n_pre) for i in range(n) if w[j, i] > 0))
    net = Network([Population("src", n_pre, "SpikeSourceArray", params=dict(spike_times=times)),
                   Population("lif", n, "IF_curr_exp", params=PARAMS)],
                  [Projection("src", "lif", conn(we), delay=1.0),
                   Projection("src", "lif", conn(wi), delay=1.0, receptor_type="inhibitory")],
                  dt=1.0, schedule="spinnaker")
    res = Simulator(net, arithmetic="float64").run(float(n_steps))
    t, i = res.spikes("lif")
    got = sorted(zip(t.astype(int).tolist(), i.tolist()))
    expected = sorted(naive_spinnaker(we, wi, in_spikes, n_steps, PARAMS))
    assert len(expected) > 20, "the scenario must make the neurons fire"
    assert got == expected


def test_refractory_blocks_exactly_ceil_tau_refrac_steps():
    # Strong constant drive: the neuron fires, is held for ceil(tau_refrac/dt) ticks, then fires on the next.
    p = {**PARAMS, "i_offset": 50.0, "tau_refrac": 2.0}
    net = Network([Population("lif", 1, "IF_curr_exp", params=p)], dt=1.0, schedule="spinnaker")
    t, _ = Simulator(net, arithmetic="float64").run(20.0).spikes("lif")
    assert np.all(np.diff(t) == 3.0)   # fire, two refractory ticks, fire
