"""PyNN scripts the snn.pynn tests run unchanged on snn.pynn and on pyNN.nest (only the module differs).

Each function takes the simulator module and returns {name: array} of what it recorded. Run directly
(``python scripts.py NAME pyNN.nest OUT.npz``) it saves that dict: the tests start NEST in a subprocess
(NEST's OpenMP runtime and numba's threads do not share a process well; tests/backends/test_nest.py).
"""
import importlib
import subprocess
import sys
from pathlib import Path

import numpy as np


def on_nest(name, tmp_path, script=__file__):
    """What ``script``'s function NAME records on pyNN.nest, run in a subprocess: {name: array}."""
    out = Path(tmp_path) / f"{name}.npz"
    proc = subprocess.run([sys.executable, str(script), name, "pyNN.nest", str(out)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with np.load(out) as z:
        return {k: z[k] for k in z.files}


def _spikes(pop, segment=0):
    trains = pop.get_data("spikes").segments[segment].spiketrains
    return [np.asarray(st.magnitude, float) for st in trains]


def _flat(trains):
    """Spike trains as one (neuron, time) array sorted by neuron then time."""
    rows = [(i, t) for i, st in enumerate(trains) for t in st]
    return np.array(rows, float).reshape(-1, 2)


# dt = 0.125 ms: every time below is exact in binary floating point. pyNN.nest hands a SpikeSourceArray time T
# to NEST as T - min_delay and NEST stamps it at the next tic up, so at dt = 0.1 a time such as 4.4 ms
# (4.4 - 0.1 = 4.300000000000001) arrives one step late there; snn puts it on its grid point (docs/pynn.md).
DT = 0.125


def _setup(sim, **extra):
    if "nest" in sim.__name__:
        extra["spike_precision"] = "on_grid"    # NEST's default is off-grid spikes; snn's are on the grid
    sim.setup(timestep=DT, min_delay=DT, **extra)


def curr_exp_network(sim, change="source"):
    """IF_curr_exp cells driven by SpikeSourceArray inputs (excitatory and inhibitory, delays 0.5-3 ms, random
    weights) and by heterogeneous i_offset; recurrent excitation; run(60) then run(40), with 0.6 nA more into
    cells 0-9 from t = 60 ms: a StepCurrentSource (``change="source"``) or ``set(i_offset=...)`` between the
    runs (``change="set"``; pyNN.nest runs one min_delay past each requested time, so there a set() takes
    effect one step late: compared on snn only)."""
    _setup(sim, max_delay=10.0)
    rng = sim.NumpyRNG(seed=7)
    times = [[2.0, 10.25, 25.0, 61.75], [4.375, 5.0, 30.125], [12.0, 70.0, 85.25], [1.125, 40.0, 95.0]]
    src = sim.Population(4, sim.SpikeSourceArray(spike_times=times), label="src")
    cells = sim.Population(20, sim.IF_curr_exp(tau_refrac=2.0, tau_syn_E=3.0, tau_syn_I=6.0,
                                               i_offset=sim.RandomDistribution("uniform", (0.2, 0.9), rng=rng)),
                           label="cells")
    cells.initialize(v=sim.RandomDistribution("uniform", (-70.0, -55.0), rng=rng))
    # explicit lists: pyNN.nest's probabilistic connectors draw in another order than pyNN.common's
    draw = np.random.default_rng(3)
    inputs = [(i, j, draw.uniform(0.5, 2.5), DT * draw.integers(4, 24)) for i in range(3) for j in range(20)
              if draw.random() < 0.6]
    recurrent = [(i, j, 0.4, DT * draw.integers(4, 24)) for i in range(20) for j in range(20)
                 if i != j and draw.random() < 0.2]
    sim.Projection(src[:3], cells, sim.FromListConnector(inputs, column_names=["weight", "delay"]),
                   sim.StaticSynapse(), receptor_type="excitatory")
    sim.Projection(src[3:], cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=-1.5, delay=1.0),
                   receptor_type="inhibitory")
    sim.Projection(cells, cells, sim.FromListConnector(recurrent, column_names=["weight", "delay"]),
                   sim.StaticSynapse(), receptor_type="excitatory")
    cells.record(["spikes", "v"])
    src.record("spikes")
    if change == "source":
        cells[:10].inject(sim.StepCurrentSource(times=[60.0], amplitudes=[0.6]))
    sim.run(60.0)
    if change == "set":
        cells[:10].set(i_offset=cells[:10].get("i_offset") + 0.6)
    sim.run(40.0)
    v = cells.get_data("v").segments[0].analogsignals[0]
    out = {"cells": _flat(_spikes(cells)), "src": _flat(_spikes(src)), "v": np.asarray(v.magnitude),
           "v_times": np.asarray(v.times.magnitude)}
    sim.end()
    return out


def cond_exp_network(sim):
    """IF_cond_exp cells with a DCSource step and SpikeSourceArray input (NEST integrates iaf_cond_exp with an
    adaptive Runge-Kutta solver, snn with exponential Euler: compared within a stated tolerance)."""
    _setup(sim)
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[[5.0, 7.0, 9.0, 40.0], [20.0, 22.0]]))
    cells = sim.Population(3, sim.IF_cond_exp(tau_refrac=2.0, i_offset=[0.0, 0.3, 0.6]))
    sim.Projection(src[:1], cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.02, delay=1.0),
                   receptor_type="excitatory")
    sim.Projection(src[1:], cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.05, delay=1.0),
                   receptor_type="inhibitory")
    cells[0:1].inject(sim.DCSource(amplitude=1.5, start=30.0, stop=60.0))
    cells.record(["spikes", "v", "gsyn_exc", "gsyn_inh"])
    sim.run(80.0)
    seg = cells.get_data().segments[0]
    sig = {s.name: np.asarray(s.magnitude) for s in seg.analogsignals}
    out = {"cells": _flat(_spikes(cells)), **sig}
    sim.end()
    return out


def alpha_delta_network(sim):
    """IF_curr_alpha and IF_curr_delta cells from SpikeSourceArray inputs (excitatory and inhibitory) and a
    DCSource, with recurrent connections; NEST's iaf_psc_alpha / iaf_psc_delta are integrated exactly too."""
    _setup(sim)
    src = sim.Population(3, sim.SpikeSourceArray(spike_times=[[3.0, 11.25, 30.0, 42.5], [6.5, 7.0, 50.0],
                                                               [20.0, 21.0, 22.0]]))
    alpha = sim.Population(4, sim.IF_curr_alpha(tau_refrac=2.0, tau_syn_E=2.0, tau_syn_I=4.0,
                                                i_offset=[0.0, 0.3, 0.6, 0.9]))
    delta = sim.Population(4, sim.IF_curr_delta(tau_refrac=2.0, i_offset=[0.0, 0.4, 0.8, 1.2]))
    # pyNN.nest 0.13 leaves iaf_psc_delta's V_m at NEST's default, -70 mV, whatever the initial value
    # (tests/reference/test_new_cell_types.py): start there on both
    delta.initialize(v=-70.0)
    for post, w in ((alpha, 3.0), (delta, 6.0)):
        sim.Projection(src[:2], post, sim.AllToAllConnector(), sim.StaticSynapse(weight=w, delay=1.0),
                       receptor_type="excitatory")
        sim.Projection(src[2:], post, sim.AllToAllConnector(), sim.StaticSynapse(weight=-w / 2, delay=2.0),
                       receptor_type="inhibitory")
        post[1:2].inject(sim.DCSource(amplitude=0.8, start=25.0, stop=45.0))
    sim.Projection(alpha, delta, sim.OneToOneConnector(), sim.StaticSynapse(weight=2.0, delay=1.5))
    alpha.record(["spikes", "v"])
    delta.record("spikes")        # pyNN.nest 0.13 cannot record v of IF_curr_delta ("unknown recordable v")
    sim.run(35.0)
    sim.run(25.0)
    out = {"alpha": _flat(_spikes(alpha)), "delta": _flat(_spikes(delta)),
           "alpha_v": np.asarray(alpha.get_data("v").segments[0].analogsignals[0].magnitude)}
    sim.end()
    return out


def hh_network(sim):
    """Three HH_cond_exp cells with PyNN initial values of m, h and n and inputs on both receptors."""
    _setup(sim)
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
    out = {"cells": _flat(_spikes(cells)), "v": np.asarray(cells.get_data("v").segments[0].analogsignals[0])}
    sim.end()
    return out


if __name__ == "__main__":
    name, module, path = sys.argv[1:4]
    np.savez(path, **globals()[name](importlib.import_module(module)))


def stdp_network(sim, dependence="Additive"):
    """Pre and post SpikeSourceArray-driven cells with STDPMechanism (SpikePairRule + ``dependence``) onto
    IF_curr_exp cells that also fire from a drive of their own; 2 runs, learned weights compared."""
    _setup(sim)
    draw = np.random.default_rng(9)
    pre_times = [sorted(set(np.round(draw.uniform(1, 195, 12) / DT) * DT)) for _ in range(6)]
    post_times = [sorted(set(np.round(draw.uniform(1, 195, 10) / DT) * DT)) for _ in range(4)]
    pre = sim.Population(6, sim.SpikeSourceArray(spike_times=pre_times))
    drive = sim.Population(4, sim.SpikeSourceArray(spike_times=post_times))
    cells = sim.Population(4, sim.IF_curr_exp(tau_refrac=2.0))
    sim.Projection(drive, cells, sim.OneToOneConnector(), sim.StaticSynapse(weight=20.0, delay=DT),
                   receptor_type="excitatory")
    wdep = getattr(sim, f"{dependence}WeightDependence")(w_min=0.0, w_max=2.0)
    stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(tau_plus=15.0, tau_minus=25.0, A_plus=0.05,
                                                                  A_minus=0.025),
                             weight_dependence=wdep, weight=1.0, delay=1.5, dendritic_delay_fraction=1.0)
    prj = sim.Projection(pre, cells, sim.AllToAllConnector(), stdp, receptor_type="excitatory")
    cells.record("spikes")
    sim.run(100.0)
    w1 = np.array(prj.get("weight", format="array"))
    sim.run(100.0)
    w2 = np.array(prj.get("weight", format="array"))
    out = {"cells": _flat(_spikes(cells)), "w1": w1, "w2": w2}
    sim.end()
    return out
