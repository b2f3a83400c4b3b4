"""One PyNN network, written once against the PyNN API, run on snn.pynn, on pyNN.nest and on snn.pynn.spinnaker
(the SpiNNaker board's fixed-point arithmetic, sPyNNaker's schedule): only the module passed in changes.

    from snn.experiments import pynn_three_ways as three
    spikes = three.run_all()                  # {simulator: {population: (times ms, index)}}
    print(three.table(spikes))

The network: 20 SpikeSourceArray inputs (times drawn once from a seeded generator) onto 40 excitatory and 10
inhibitory IF_curr_exp cells (FromList connections drawn from the same generator, so every simulator makes the
same synapses), with recurrent excitation and inhibition, dt = 1 ms (the board's tick). NEST runs in a
subprocess (its OpenMP runtime and numba's threads do not share a process well).
"""
import importlib

import numpy as np

from snn.experiments.child import run_json

SIMULATORS = {"snn": "snn.pynn", "nest": "pyNN.nest", "spinnaker": "snn.pynn.spinnaker"}
DT, DURATION, SEED = 1.0, 300.0, 7
N_IN, N_EXC, N_INH = 20, 40, 10


def _connections(rng, n_pre, n_post, p, weight, delays):
    pairs = np.argwhere(rng.random((n_pre, n_post)) < p)
    d = rng.integers(delays[0], delays[1] + 1, len(pairs)).astype(float)
    return [(int(i), int(j), weight, float(dk)) for (i, j), dk in zip(pairs, d)]


def build(sim):
    """The network in the PyNN module ``sim`` (after ``sim.setup``): {label: Population}, spikes recorded."""
    rng = np.random.default_rng(SEED)
    times = [np.sort(rng.choice(np.arange(5.0, DURATION - 5.0), size=15, replace=False)) for _ in range(N_IN)]
    inputs = sim.Population(N_IN, sim.SpikeSourceArray(spike_times=[list(t) for t in times]), label="inputs")
    cell = sim.IF_curr_exp(tau_m=20.0, tau_syn_E=5.0, tau_syn_I=5.0, tau_refrac=2.0, v_rest=-65.0,
                           v_reset=-65.0, v_thresh=-55.0, cm=1.0)
    exc = sim.Population(N_EXC, cell, initial_values={"v": -65.0}, label="exc")
    inh = sim.Population(N_INH, cell, initial_values={"v": -65.0}, label="inh")
    wiring = [(inputs, exc, 0.3, 2.0, "excitatory"), (inputs, inh, 0.3, 2.0, "excitatory"),
              (exc, exc, 0.1, 0.5, "excitatory"), (exc, inh, 0.2, 1.0, "excitatory"),
              (inh, exc, 0.3, -1.5, "inhibitory")]
    for pre, post, p, w, receptor in wiring:
        rows = _connections(rng, pre.size, post.size, p, w, (1, 4))
        sim.Projection(pre, post, sim.FromListConnector(rows, column_names=["weight", "delay"]),
                       sim.StaticSynapse(), receptor_type=receptor)
    for pop in (inputs, exc, inh):
        pop.record("spikes")
    return {p.label: p for p in (inputs, exc, inh)}


def run(sim_name):
    """setup, build, run, read back: {label: (times ms, index)} for one simulator, in this process."""
    sim = importlib.import_module(SIMULATORS[sim_name])
    extra = {"spike_precision": "on_grid"} if sim_name == "nest" else {}
    sim.setup(timestep=DT, min_delay=DT, max_delay=4.0, **extra)
    pops = build(sim)
    sim.run(DURATION)
    out = {}
    for label, pop in pops.items():
        trains = pop.get_data("spikes").segments[0].spiketrains
        t = np.concatenate([np.asarray(st.magnitude, float) for st in trains])
        i = np.concatenate([np.full(len(st), k) for k, st in enumerate(trains)])
        order = np.lexsort((i, t))
        out[label] = (t[order], i[order])
    sim.end()
    return out


def _in_subprocess(sim_name):
    code = ("from snn.experiments.pynn_three_ways import run; "
            f"answer({{k: [v[0].tolist(), v[1].tolist()] for k, v in run({sim_name!r}).items()}})")
    out = run_json(code, sim_name, timeout=600)
    return {k: (np.array(t, float), np.array(i, int)) for k, (t, i) in out.items()}


def run_all(sims=tuple(SIMULATORS)):
    """{simulator: {label: (times, index)}}; NEST in a subprocess."""
    return {s: _in_subprocess(s) if s == "nest" else run(s) for s in sims}


def table(spikes, reference="nest"):
    """Markdown: spikes per population and simulator, and how many spike times match ``reference`` exactly."""
    sims = list(spikes)
    head = "| population | " + " | ".join(f"{s} spikes" for s in sims) + " | " + \
        " | ".join(f"{s}: same (time, cell) as {reference}" for s in sims if s != reference) + " |"
    lines = [head, "|" + "---|" * (1 + len(sims) + len(sims) - 1)]
    for label in spikes[reference]:
        ref = set(zip(*(np.round(a, 6).tolist() for a in spikes[reference][label])))
        counts = [str(len(spikes[s][label][0])) for s in sims]
        same = [str(len(ref & set(zip(*(np.round(a, 6).tolist() for a in spikes[s][label]))))) for s in sims
                if s != reference]
        lines.append(f"| {label} | " + " | ".join(counts) + " | " + " | ".join(same) + " |")
    return "\n".join(lines)
