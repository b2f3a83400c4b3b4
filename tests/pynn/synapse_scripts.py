"""PyNN scripts of the short-term synapse tests, run unchanged on snn.pynn and on pyNN.nest (only the module
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


if __name__ == "__main__":
    name, module, path = sys.argv[1:4]
    np.savez(path, **globals()[name](importlib.import_module(module)))
