"""Izhikevich (added by the docs' recipe) against NEST's izhikevich, spike for spike and V to rounding.

snn's step is NEST izhikevich.cpp's update (consistent_integration: forward Euler of v and u from the old values,
arrivals in mV added to v, threshold 30 mV, v <- c, u <- u + d) with the same operations in the same order.
Tolerance: the same spikes (1e-9 ms), V and u within 1e-8. V_m starts at PyNN's -70 mV, as pyNN.nest sets it; u
(NEST's U_m) at a value per cell, snn's ``initial_values``. NEST runs here through PyNEST directly (an
independent reference).
"""
import numpy as np
import pytest

from snn.connectors import FromList
from snn.engine import Simulator
from snn.spec import Network, Population, Projection

nest = pytest.importorskip("nest")

DT = 0.1
T = 300.0
CELLS = dict(a=[0.02, 0.02, 0.1, 0.02], b=[0.2, 0.25, 0.2, 0.2], c=[-65.0, -65.0, -65.0, -50.0],
             d=[8.0, 2.0, 2.0, 2.0], i_offset=[0.005, 0.0, 0.01, 0.012])
SRC = [sorted(set(np.round(np.random.default_rng(3).uniform(1, T - 1, 60), 1).tolist())),
       sorted(set(np.round(np.random.default_rng(4).uniform(1, T - 1, 40), 1).tolist()))]
W, W_I = 6.0, 3.0
U0 = [-14.0, -10.0, -16.0, -14.0]


def _snn():
    src = Population("src", 2, "SpikeSourceArray", {"spike_times": SRC})
    neu = Population("n", 4, "Izhikevich", CELLS, initial_values={"u": U0})
    projs = (Projection("src", "n", FromList([(0, k) for k in range(4)]), weight=W, delay=0.2, label="e"),
             Projection("src", "n", FromList([(1, k) for k in range(4)]), weight=W_I, delay=0.5,
                        receptor_type="inhibitory", label="i"))
    res = Simulator(Network((src, neu), projs, dt=DT)).run(T, record_v={"n": None, ("n", "syn_exc"): None})
    return res.spike_trains("n"), res.v("n"), res.v(("n", "syn_exc"))[1]     # u: the entry's first row


def _nest():
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": DT, "print_time": False})
    n = nest.Create("izhikevich", 4)
    for k in range(4):
        n[k].set(a=CELLS["a"][k], b=CELLS["b"][k], c=CELLS["c"][k], d=CELLS["d"][k],
                 I_e=1000.0 * CELLS["i_offset"][k], V_m=-70.0, U_m=U0[k])
    g = nest.Create("spike_generator", 2)
    for k in range(2):
        g[k].set(spike_times=SRC[k])        # on the grid: emitted at t, delivered after the delay
    nest.Connect(g[0], n, syn_spec={"weight": W, "delay": 0.2})
    nest.Connect(g[1], n, syn_spec={"weight": -W_I, "delay": 0.5})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "U_m"], "interval": DT})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    nest.Simulate(T)
    ev, mv = sr.get("events"), mm.get("events")
    ids = np.asarray(n.global_id)
    trains = [np.sort(ev["times"][ev["senders"] == i]) for i in ids]
    return trains, mv


def test_spike_for_spike_with_nest():
    (ours, (t, v), u), (theirs, mv) = _snn(), _nest()
    assert all(len(x) >= 3 for x in ours), [len(x) for x in ours]
    for k, (x, y) in enumerate(zip(ours, theirs)):
        assert len(x) == len(y) and np.abs(x - y).max(initial=0.0) <= 1e-9, (k, x, y)
    ids = sorted(set(mv["senders"]))
    for k, gid in enumerate(ids):
        sel = mv["senders"] == gid
        nt, nv = mv["times"][sel], mv["V_m"][sel]
        idx = np.searchsorted(np.round(t, 6), np.round(nt, 6))
        ok = idx < len(t)
        np.testing.assert_allclose(v[idx[ok], k], nv[ok], atol=1e-8)
        np.testing.assert_allclose(u[idx[ok], k], mv["U_m"][sel][ok], atol=1e-8)
