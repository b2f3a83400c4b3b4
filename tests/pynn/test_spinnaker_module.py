"""snn.pynn.spinnaker: sPyNNaker's PyNN front end on the board's fixed point. V is recorded at the start of each
tick (5 samples for run(5)), incremental runs are one run bit for bit, the mapping extras are recorded and change
nothing. The reference is the engine's own fixed-point run of the same network (snn.engine, no PyNN between)."""
import numpy as np
import pytest

import snn.pynn.spinnaker as sim
from snn import spec
from snn.engine import Simulator


def _v(pop):
    return pop.get_data("v").segments[0].filter(name="v")[0].magnitude


def _engine_v(steps, version):
    pop = spec.Population("pop", 1, "IF_curr_exp", params=dict(i_offset=1.0, tau_syn_E=1.0))
    res = Simulator(spec.Network([pop], dt=1.0, schedule="spinnaker"), spinnaker_version=version).run(
        float(steps), record_v={"pop": None})
    return res.v("pop")[1]


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_incremental_runs_record_the_ticks_of_one_engine_run(version):
    sim.setup(timestep=1.0, spinnaker_version=version)
    pop = sim.Population(1, sim.IF_curr_exp(i_offset=1.0, tau_syn_E=1.0), label="pop")
    pop.record("v")
    sim.run(5.0)
    assert _v(pop).shape == (5, 1)        # sPyNNaker: one sample per tick, at its start
    sim.run(7.0)
    got = _v(pop)
    sim.end()
    assert np.array_equal(got, _engine_v(12, version))


def test_mapping_extras_are_recorded_and_change_nothing():
    sim.setup(timestep=1.0, n_boards_required=1, time_scale_factor=10)
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 3)
    pop = sim.Population(1, sim.IF_curr_exp(i_offset=1.0, tau_syn_E=1.0), label="pop",
                         additional_parameters={"seed": 1})
    pop.set_max_atoms_per_core(1)
    pop.add_placement_constraint(0, 0, 3)
    pop.record("v")
    sim.run(6.0)
    req = sim.mapping_requests()
    assert req["setup"] == {"n_boards_required": 1, "time_scale_factor": 10}
    assert req["neurons_per_core"] == [("IF_curr_exp", 3)] and req["placement"] == [("pop", (0, 0, 3))]
    assert sim.get_machine_dimensions() == {"x": 7, "y": 7}
    assert np.array_equal(_v(pop), _engine_v(6, None))


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="spinnaker_version"):
        sim.setup(spinnaker_version="1999")
    with pytest.raises(ValueError, match="schedule"):
        sim.setup(schedule="exact")


@pytest.mark.parametrize("backend", ["snn.pynn", "snn.pynn.spinnaker"])
def test_initialize_between_runs_sets_the_current_v(backend):
    """As sPyNNaker's test_initialize asserts (v0[runtime1] == -62: the first sample of the next run is the new
    value) and pyNN.nest does: initialize() while running changes the state, for the cells named only."""
    import importlib
    front = importlib.import_module(backend)
    front.setup(timestep=1.0)
    pop = front.Population(3, front.IF_curr_exp(i_offset=1.0), label="pop")
    pop.record("v")
    front.run(5.0)
    pop[1:2].initialize(v=-55.0)
    front.run(5.0)
    v = _v(pop)
    front.end()
    first = 5 if backend.endswith("spinnaker") else 6      # start of tick 5 / the sample after step 5
    assert v[first - 1, 1] == v[first - 1, 0] != -55.0
    if backend.endswith("spinnaker"):
        assert v[first, 1] == -55.0 and v[first, 0] != -55.0
    else:
        assert v[first, 1] > -55.0 > v[first, 0]


@pytest.mark.parametrize("backend", ["snn.pynn", "snn.pynn.spinnaker"])
def test_initial_values_keep_each_fronts_meaning(backend):
    """After a run, a change to one cell: sPyNNaker reads the state back first (the other cells show their current
    V) and reset() returns to the state the first run started from; PyNN keeps the values initialize() set and
    reset() returns to them."""
    import importlib
    front = importlib.import_module(backend)
    front.setup(timestep=1.0, **({} if backend.endswith("spinnaker") else {"schedule": "spinnaker"}))
    pop = front.Population(2, front.IF_curr_exp(i_offset=1.0), label="pop")
    pop.record("v")
    front.run(5.0)
    pop[1:2].initialize(v=-60.0)
    values = pop.initial_values["v"].evaluate(simplify=False).tolist()
    v_now = _v(pop)[-1, 0]
    front.run(3.0)
    front.reset()
    after_reset = pop.initial_values["v"].evaluate(simplify=False).tolist()
    front.end()
    if backend.endswith("spinnaker"):
        assert values[1] == -60.0 and values[0] != -65.0 and values[0] > v_now     # V at t = 5 ms, risen
        assert after_reset == [-65.0, -65.0] and pop.initial_values["v"] == [-65, -65]
    else:
        assert values == [-65.0, -60.0] and after_reset == [-65.0, -60.0]


def test_a_reset_run_repeats_the_first_and_drops_spikes_in_flight():
    """test_tiny_with_reset / test_reset_clears_delayed_spike (which only compare .all() of both runs): the run
    after reset() gives the first run's spikes and V exactly, IF_cond_exp in the board's fixed point, with a
    spike of the first run still in flight (sent at 25 ms, delay 7) at the reset."""
    sim.setup(timestep=1.0, min_delay=1.0)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[[0, 5, 25]]), label="src")
    pop = sim.Population(2, sim.IF_cond_exp(), label="pop")
    pop.record(["spikes", "v"])
    sim.Projection(src, pop, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.1, delay=7))
    sim.run(30.0)
    sim.reset()
    sim.run(30.0)
    block = pop.get_data(["spikes", "v"])
    sim.end()
    (v1, v2), (s1, s2) = ([seg.filter(name="v")[0].magnitude for seg in block.segments],
                          [[st.times.magnitude.tolist() for st in seg.spiketrains] for seg in block.segments])
    assert np.array_equal(v1, v2) and s1 == s2
    assert np.all(v1[:8] == -65.0) and v1[8, 0] > -65.0      # at rest until the first spike arrives (tick 7)
    assert block.segments[0].filter(name="v")[0].annotations["channel_names"].tolist() == [0, 1]
