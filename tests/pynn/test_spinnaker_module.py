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


@pytest.mark.parametrize("timing, weights", [("pair", "additive"), ("nearest", "multiplicative"),
                                             ("nearest", "additive"), ("pair", "multiplicative")])
def test_stdp_as_spynnaker_scripts_write_it_learns_the_engines_board_weights(timing, weights):
    """STDPMechanism(SpikePairRule or extra_models.SpikeNearestPairRule, Additive / Multiplicative) through
    snn.pynn.spinnaker, run in two parts, against the engine's one fixed-point run of the same network
    (snn.plasticity.SpikePairSTDP): post spikes and the learned weight read back by Projection.get are the same."""
    from snn.connectors import OneToOne
    from snn.plasticity import SpikePairSTDP
    params = dict(tau_plus=3.0, tau_minus=3.0, A_plus=0.5, A_minus=0.25)
    pre_t, drive_t = [2.0, 12.0, 20.0], [4.0, 6.0, 15.0]
    cell = dict(cm=0.27, tau_m=3.0, tau_refrac=1.0, tau_syn_E=0.3, tau_syn_I=0.3, v_rest=-60.0, v_reset=-60.0,
                v_thresh=-57.0)
    sim.setup(1)
    pre = sim.Population(1, sim.SpikeSourceArray(pre_t), label="pre")
    drive = sim.Population(1, sim.SpikeSourceArray(drive_t), label="drive")
    post = sim.Population(1, sim.IF_curr_exp(**cell), label="post")
    post.record("spikes")
    rule = sim.extra_models.SpikeNearestPairRule if timing == "nearest" else sim.SpikePairRule
    dep = sim.MultiplicativeWeightDependence if weights == "multiplicative" else sim.AdditiveWeightDependence
    stdp = sim.STDPMechanism(timing_dependence=rule(**params), weight_dependence=dep(w_min=0.0, w_max=6.0),
                             weight=2.0, delay=1)
    sim.Projection(drive, post, sim.OneToOneConnector(), sim.StaticSynapse(weight=6.0, delay=1))
    proj = sim.Projection(pre, post, sim.OneToOneConnector(), stdp)
    sim.run(10)
    sim.run(14)
    w = proj.get("weight", "list", with_address=False)
    spikes = post.get_data("spikes").segments[0].spiketrains[0].magnitude.tolist()
    sim.end()
    net = spec.Network(
        [spec.Population("pre", 1, "SpikeSourceArray", params=dict(spike_times=[pre_t])),
         spec.Population("drive", 1, "SpikeSourceArray", params=dict(spike_times=[drive_t])),
         spec.Population("post", 1, "IF_curr_exp", params=cell)],
        [spec.Projection("drive", "post", OneToOne(), weight=6.0, delay=1.0),
         spec.Projection("pre", "post", OneToOne(), weight=2.0, delay=1.0, label="plastic",
                         plasticity=SpikePairSTDP(**params, w_min=0.0, w_max=6.0, timing=timing,
                                                  weight_dependence=weights))],
        dt=1.0, schedule="spinnaker")
    res = Simulator(net).run(24.0)
    assert spikes == res.spike_trains("post")[0].tolist() == [5.0, 7.0, 16.0]
    assert list(w) == res.weights("plastic")[2].tolist()
    assert w[0] != 2.0


def test_stdp_rules_the_board_lacks_are_named():
    sim.setup(1)
    pre = sim.Population(1, sim.SpikeSourceArray([1.0]), label="pre")
    post = sim.Population(1, sim.IF_curr_exp(), label="post")
    stdp = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(),
                             weight_dependence=sim.GutigWeightDependence(w_min=0.0, w_max=1.0), weight=0.5, delay=1)
    sim.Projection(pre, post, sim.OneToOneConnector(), stdp)
    with pytest.raises(NotImplementedError, match="sPyNNaker has no GutigWeightDependence"):
        sim.run(2)
    sim.end()
    with pytest.raises(NotImplementedError, match="backprop_delay=False"):
        sim.STDPMechanism(timing_dependence=sim.SpikePairRule(), weight_dependence=sim.AdditiveWeightDependence(),
                          backprop_delay=False)


def test_short_delays_are_clipped_to_the_time_step_and_get_takes_names_as_given():
    """sPyNNaker clips a delay under one time step to the step and counts it (abstract_connector.py _clip_delays):
    the clipped connection then arrives as a delay-1 one does; Projection.get([], 'list') gives the addresses alone
    (spynnaker/pyNN/models/projection.py), where PyNN's reads [] as every attribute. snn.pynn refuses the delay."""
    sim.setup(timestep=1.0)
    src = sim.Population(2, sim.SpikeSourceArray(spike_times=[5.0]), label="src")
    post = sim.Population(2, sim.IF_curr_exp(), label="post")
    post.record("v")
    proj = sim.Projection(src, post, sim.FromListConnector([(0, 0, 2.0, -3.0), (1, 1, 2.0, 1.0)],
                                                           column_names=["weight", "delay"]), sim.StaticSynapse())
    sim.run(12.0)
    v = _v(post)
    sim.end()
    assert proj.clipped_delays == 1
    assert proj.get([], "list") == [(0.0, 0.0), (1.0, 1.0)]
    assert proj.get("delay", "list", with_address=False) == [1.0, 1.0]
    assert np.array_equal(v[:, 0], v[:, 1]) and v[-1, 0] != v[0, 0]
    import snn.pynn as plain
    from pyNN.errors import ConnectionError
    plain.setup(timestep=1.0)
    a, b = plain.Population(1, plain.SpikeSourceArray(spike_times=[5.0])), plain.Population(1, plain.IF_curr_exp())
    with pytest.raises(ConnectionError, match="out of range"):
        plain.Projection(a, b, plain.OneToOneConnector(), plain.StaticSynapse(weight=1.0, delay=-3.0))
    plain.end()


@pytest.mark.parametrize("version, diagonal", [("2021", False), ("2022", True)])
def test_all_to_all_without_self_connections_follows_the_version(version, diagonal):
    """5.x / 6.x (all_to_all_connector.py create_synaptic_block) drops (i, i) between two populations too; PyNN and
    the 7-era code only within one population."""
    sim.setup(timestep=1.0, spinnaker_version=version)
    a = sim.Population(3, sim.SpikeSourceArray(spike_times=[1.0]), label="a")
    b = sim.Population(3, sim.IF_curr_exp(), label="b")
    between = sim.Projection(a, b, sim.AllToAllConnector(allow_self_connections=False), sim.StaticSynapse())
    within = sim.Projection(b, b, sim.AllToAllConnector(allow_self_connections=False), sim.StaticSynapse())
    pairs = {(int(i), int(j)) for i, j in between.get([], "list")}
    assert ((0, 0) in pairs) == diagonal and len(pairs) == (9 if diagonal else 6)
    assert not any(i == j for i, j in within.get([], "list"))
    sim.end()
