"""HH_cond_exp through the PyNN API on snn.pynn and on pyNN.nest (hh_cond_exp_traub), one script, only the module
changed: PyNN's initial values of m, h and n (set by initialize) reach the engine, inputs on both receptors.
NEST runs in a subprocess (as tests/pynn/test_pynn_vs_nest.py). Tolerance as tests/reference/test_hh.py: the
same spike counts, times within one dt, V within 0.1 mV outside 2 ms around any spike."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyNN.nest")

HERE = Path(__file__).resolve().parent
DT = 0.125           # exact in binary: pyNN.nest's spike times minus min_delay stay on the grid


def hh_network(sim):
    sim.setup(timestep=DT, min_delay=DT)
    cells = sim.Population(3, sim.HH_cond_exp(i_offset=[0.0, 0.4, 0.8], tau_syn_E=[0.2, 1.0, 2.0]))
    cells.initialize(v=[-65.0, -60.0, -70.0], m=[0.0, 0.05, 0.02], h=[1.0, 0.6, 0.9], n=[0.0, 0.3, 0.1])
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[list(np.arange(5.0, 150.0, 6.25)),
                                                             list(np.arange(9.0, 150.0, 12.5))]))
    sim.Projection(src[0:1], cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.03, delay=1.0),
                   receptor_type="excitatory")
    sim.Projection(src[1:2], cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.02, delay=2.0),
                   receptor_type="inhibitory")
    cells.record(["spikes", "v"])
    sim.run(150.0)
    seg = cells.get_data().segments[0]
    sim.end()
    out = {f"s{k}": np.asarray(st.magnitude) for k, st in enumerate(seg.spiketrains)}
    out["v"] = np.asarray(seg.filter(name="v")[0].magnitude)
    return out


def test_hh_cond_exp_as_pynn_nest(tmp_path):
    out = tmp_path / "hh.npz"
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import numpy as np, pyNN.nest as sim; "
            f"from test_pynn_hh import hh_network; np.savez({str(out)!r}, **hh_network(sim))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nest = dict(np.load(out))
    import snn.pynn
    ours = hh_network(snn.pynn)
    t = np.arange(ours["v"].shape[0]) * DT
    assert ours["v"].shape == nest["v"].shape
    np.testing.assert_allclose(ours["v"][0], nest["v"][0], rtol=0, atol=1e-12)     # the initial values
    assert sum(nest[f"s{k}"].size for k in range(3)) >= 10
    for k in range(3):
        a, b = ours[f"s{k}"], nest[f"s{k}"]
        assert a.size == b.size and np.abs(a - b).max(initial=0.0) <= DT + 1e-9, (k, a, b)
        spikes = np.concatenate([a, b])
        calm = ~np.any((t[:, None] >= spikes[None, :] - 2.0) & (t[:, None] <= spikes[None, :] + 2.0), axis=1)
        assert np.abs(ours["v"][calm, k] - nest["v"][calm, k]).max() < 0.1
