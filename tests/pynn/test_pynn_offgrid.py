"""setup(spike_precision=...) as pyNN.nest reads it: with "off_grid" a SpikeSourceArray records the times it
was given (NEST's spike_generator with precise times, PyNN's scenario test_recording.issue259); with "on_grid"
(the default) the grid point NEST's allow_offgrid_times puts them on (the next one up). The spikes reach the
cells on the grid either way."""
import numpy as np
import pytest

import snn.pynn as sim

TIMES = [0.075, 3.01, 3.02, 10.025, 12.34, 1000.025]


def _run(precision):
    sim.setup(timestep=0.05, spike_precision=precision)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=TIMES))
    cell = sim.Population(1, sim.IF_curr_delta(tau_refrac=0.0, v_thresh=100.0))
    sim.Projection(src, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=1.0, delay=0.5))
    src.record("spikes")
    cell.record("v")
    sim.run(20.0)
    data = src.get_data().segments[0].spiketrains[0].magnitude
    v = cell.get_data().segments[0].filter(name="v")[0].magnitude[:, 0]
    sim.end()
    return data, v


def test_off_grid_records_the_given_times_and_delivers_on_the_grid():
    exact, v_off = _run("off_grid")
    grid, v_on = _run("on_grid")
    # 3.01 and 3.02 fall in one step (2.95, 3.05]: one engine spike, recorded at the earlier time
    np.testing.assert_array_equal(exact, [0.075, 3.01, 10.025, 12.34])
    np.testing.assert_allclose(grid, [0.1, 3.05, 10.05, 12.35], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(v_off, v_on)
    jumps = np.flatnonzero(np.diff(v_on) > 0.5) + 1          # V jumps by the weight (1 mV) on arrival
    np.testing.assert_allclose(jumps * 0.05, np.array([0.1, 3.05, 10.05, 12.35]) + 0.5, atol=1e-9)


def test_unknown_spike_precision_is_refused():
    with pytest.raises(Exception, match="spike_precision"):
        sim.setup(spike_precision="exact")
