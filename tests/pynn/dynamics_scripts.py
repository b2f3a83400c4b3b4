"""PyNN scripts of the short-term synapse and state-variable tests, run unchanged on snn.pynn and on pyNN.nest (only the module
differs). ``python synapse_scripts.py NAME pyNN.nest OUT.npz`` saves what NAME(module) returns (the tests start
NEST in a subprocess, as tests/pynn/scripts.py explains)."""
import importlib
import sys

import numpy as np

from scripts import DT, _flat, _setup, _spikes


def tsodyks_markram_network(sim):
    """One SpikeSourceArray train (bursts and pauses) through TsodyksMarkramSynapses onto IF_curr_exp cells:
    depressing and facilitating, excitatory and inhibitory, U and tau_rec per connection; two runs. Cell 0 fires
    on the first spikes of a burst only (depression)."""
    _setup(sim)
    times = [5.0, 10.0, 12.5, 15.0, 17.5, 20.0, 60.0, 61.0, 62.0, 63.0, 150.0, 250.0, 255.0, 260.0, 265.0]
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=times), label="src")
    cells = sim.Population(6, sim.IF_curr_exp(tau_syn_E=2.0, tau_syn_I=4.0, tau_refrac=2.0, v_thresh=-60.0),
                           label="cells")
    rows = [(0, 0, 8.0, 1.0, 0.5, 120.0), (0, 1, 0.6, 1.5, 0.2, 40.0), (0, 2, 0.8, 2.0, 0.7, 400.0)]
    sim.Projection(src, cells[0:3], sim.FromListConnector(rows, column_names=["weight", "delay", "U", "tau_rec"]),
                   sim.TsodyksMarkramSynapse(tau_facil=0.0), receptor_type="excitatory")
    sim.Projection(src, cells[3:5], sim.AllToAllConnector(),
                   sim.TsodyksMarkramSynapse(weight=0.4, delay=1.0, U=0.05, tau_rec=50.0, tau_facil=300.0),
                   receptor_type="excitatory")
    sim.Projection(src, cells[5:6], sim.AllToAllConnector(),
                   sim.TsodyksMarkramSynapse(weight=-0.5, delay=0.5, U=0.1, tau_rec=80.0, tau_facil=200.0),
                   receptor_type="inhibitory")
    cells.record(["spikes", "v"])
    sim.run(100.0)
    sim.run(200.0)
    out = {"cells": _flat(_spikes(cells)),
           "v": np.asarray(cells.get_data("v").segments[0].analogsignals[0].magnitude)}
    sim.end()
    return out


def izhikevich_u(sim):
    """Izhikevich cells (regular spiking, chattering, ...) with u initialised per cell, a DCSource and input
    spikes (both receptors); u and v recorded over two runs."""
    _setup(sim)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 22.5, 40.0, 41.0, 70.0]), label="src")
    cells = sim.Population(4, sim.Izhikevich(a=[0.02, 0.02, 0.1, 0.02], b=0.2, c=[-65.0, -50.0, -65.0, -55.0],
                                             d=[8.0, 2.0, 2.0, 4.0], i_offset=[0.0, 0.005, 0.0, 0.002]),
                           label="cells")
    cells.initialize(v=[-70.0, -65.0, -60.0, -70.0], u=[-14.0, -10.0, -16.0, -12.0])
    sim.Projection(src, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=8.0, delay=1.0),
                   receptor_type="excitatory")
    sim.Projection(src, cells[2:], sim.AllToAllConnector(), sim.StaticSynapse(weight=-3.0, delay=2.0),
                   receptor_type="inhibitory")
    cells[0:1].inject(sim.DCSource(amplitude=0.01, start=10.0, stop=80.0))
    cells.record(["spikes", "v", "u"])
    sim.run(50.0)
    sim.run(50.0)
    block = cells.get_data()
    out = {"cells": _flat(_spikes(cells))}
    for name in ("v", "u"):
        out[name] = np.asarray(block.segments[0].filter(name=name)[0].magnitude)
    sim.end()
    return out


if __name__ == "__main__":
    name, module, path = sys.argv[1:4]
    np.savez(path, **globals()[name](importlib.import_module(module)))
