"""IF_curr_delta ('exact') against a naive numpy version of NEST's iaf_psc_delta written here, and against NEST's
iaf_psc_delta itself (in a subprocess: NEST's OpenMP and numba's do not share a process).

Tolerances: the naive version propagates V with scipy's matrix exponential (not the closed form of snn/cells.py),
so V agrees to a few hundred ulps of its magnitude and the spike sets must be identical. Against NEST spike times
must be identical (both stamp at the end of the step; inputs arrive on the grid).
"""
import json
import subprocess
import sys

import numpy as np
import pytest
from scipy.linalg import expm

from snn.connectors import FromList
from snn.engine import Simulator
from snn.spec import Network, Population, Projection

DT = 0.1


def _params(rng, n):
    return dict(cm=rng.uniform(0.1, 1.0, n), tau_m=rng.uniform(5, 30, n), tau_refrac=rng.choice([0.0, 0.5, 2.0], n),
                v_rest=rng.uniform(-70, -60, n), v_reset=rng.uniform(-75, -65, n), v_thresh=rng.uniform(-55, -50, n),
                i_offset=rng.uniform(0, 1.2, n))


def naive(p, jumps, n_steps):
    """iaf_psc_delta (NEST's update()): V relative to E_L, (P33, P30 I_e) from expm of the 2x2 generator; input
    jumps (mV) join unless refractory (then dropped), threshold, reset, ceil(t_ref / h) refractory steps."""
    n = p["cm"].size
    prop = np.array([expm(np.array([[-1 / p["tau_m"][k], p["i_offset"][k] / p["cm"][k]], [0, 0]]) * DT)
                     for k in range(n)])
    v, r, spikes = p["v_rest"].copy(), np.zeros(n, int), []
    for t in range(n_steps):
        x = np.einsum("kij,kj->ki", prop, np.stack([v - p["v_rest"], np.ones(n)], axis=1))
        v = np.where(r > 0, v, p["v_rest"] + x[:, 0] + jumps[:, t])
        r = np.where(r > 0, r - 1, r)
        fired = v >= p["v_thresh"]
        v = np.where(fired, p["v_reset"], v)
        r = np.where(fired, np.ceil(p["tau_refrac"] / DT - 1e-9).astype(int), r)
        spikes += [(t, i) for i in np.flatnonzero(fired)]
    return spikes, v


@pytest.mark.parametrize("uniform", [False, True])
def test_if_curr_delta_matches_naive_iaf_psc_delta(uniform):
    rng = np.random.default_rng(3)
    n, n_src, n_steps = 40, 10, 600
    p = _params(rng, n)
    if uniform:
        p = {k: np.full(n, v[0]) for k, v in p.items()}
    src = rng.random((n_src, n_steps)) < 0.05
    rows = [(i, j, w) for i in range(n_src) for j in range(n) for w in [rng.normal(0, 4)] if rng.random() < 0.5]
    exc = [(i, j, w) for i, j, w in rows if w > 0]
    inh = [(i, j, -w) for i, j, w in rows if w < 0]
    net = Network([Population("src", n_src, "SpikeSourceInput"),
                   Population("n", n, "IF_curr_delta", {k: list(v) for k, v in p.items()})],
                  [Projection("src", "n", FromList(exc), delay=DT), Projection("src", "n", FromList(inh), delay=DT,
                                                                               receptor_type="inhibitory")], dt=DT)
    res = Simulator(net).run(n_steps * DT, stimuli={"src": src[None]}, record_v={"n": None})
    W = np.zeros((n, n_src))
    for i, j, w in rows:
        W[j, i] += w
    arrivals = np.zeros((n, n_steps))
    arrivals[:, 1:] = W @ src[:, :-1]           # a source spike of step t arrives in step t + 1 (delay one step)
    want, v_end = naive(p, arrivals, n_steps)
    t_ms, idx = res.spikes("n")
    got = sorted(zip(np.rint(t_ms / DT).astype(int) - 1, idx))
    assert got == sorted(want) and len(want) > 20
    np.testing.assert_allclose(res.v("n")[1][-1], v_end, rtol=0, atol=500 * np.finfo(float).eps * 80)


NEST_RUN = """
import json, sys
import nest
nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.SetKernelStatus(dict(resolution={dt}))
cfg = json.loads(sys.argv[1])
n = nest.Create("iaf_psc_delta", len(cfg["E_L"]))
for k in range(len(cfg["E_L"])):
    n[k].set(E_L=cfg["E_L"][k], V_m=cfg["E_L"][k], V_reset=cfg["V_reset"][k], V_th=cfg["V_th"][k], C_m=cfg["C_m"][k],
             tau_m=cfg["tau_m"][k], t_ref=cfg["t_ref"][k], I_e=cfg["I_e"][k], V_min=-1e9)
gens = nest.Create("spike_generator", len(cfg["times"]), params=[dict(spike_times=t) for t in cfg["times"]])
for i, j, w, d in cfg["syn"]:
    nest.Connect(gens[i], n[j], syn_spec=dict(weight=w, delay=d))
rec = nest.Create("spike_recorder")
nest.Connect(n, rec)
nest.Simulate(cfg["T"])
ev = rec.get("events")
print(json.dumps([[float(t), int(s) - 1] for t, s in zip(ev["times"], ev["senders"])]))
"""


def test_if_curr_delta_matches_nest_iaf_psc_delta():
    pytest.importorskip("nest")
    rng = np.random.default_rng(5)
    n, n_src, n_steps = 20, 6, 1000
    p = _params(rng, n)
    times = [sorted(DT * rng.choice(np.arange(1, n_steps - 30), 25, replace=False)) for _ in range(n_src)]
    syn = [(i, j, float(rng.normal(1, 4)), float(DT * rng.integers(1, 20))) for i in range(n_src) for j in range(n)
           if rng.random() < 0.6]
    projs = [Projection("src", "n", FromList([(i, j, abs(w), d)]), receptor_type="excitatory" if w > 0 else
                        "inhibitory", label=f"s{k}") for k, (i, j, w, d) in enumerate(syn)]
    net = Network([Population("src", n_src, "SpikeSourceArray", dict(spike_times=[list(t) for t in times])),
                   Population("n", n, "IF_curr_delta", {k: list(v) for k, v in p.items()})], projs, dt=DT)
    got = Simulator(net).run(n_steps * DT).spikes("n")
    cfg = dict(E_L=list(p["v_rest"]), V_reset=list(p["v_reset"]), V_th=list(p["v_thresh"]),
               C_m=list(1000 * p["cm"]), tau_m=list(p["tau_m"]), t_ref=list(p["tau_refrac"]),
               I_e=list(1000 * p["i_offset"]), times=[list(map(float, t)) for t in times], syn=syn, T=n_steps * DT)
    out = subprocess.run([sys.executable, "-c", NEST_RUN.format(dt=DT), json.dumps(cfg)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    nest_spikes = sorted((round(t / DT), i) for t, i in json.loads(out.stdout.strip().splitlines()[-1]))
    mine = sorted(zip(np.rint(got[0] / DT).astype(int).tolist(), got[1].tolist()))
    assert mine == nest_spikes and len(mine) > 50
