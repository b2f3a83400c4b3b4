"""snn.pynn's PyNN API against independent references: the same network built two ways, one run against
pieces, PyNN's data model (neo) and PyNN's exceptions. NEST comparisons are in test_pynn_vs_nest.py; PyNN's own
system tests in tests/pynn_system/."""
import neo
import numpy as np
import pytest
import quantities as pq
from pyNN import errors

import snn.pynn as sim
from snn.errors import SpecError

import scripts


def test_set_between_runs_equals_a_step_current():
    """run(60); set(i_offset += 0.6); run(40) against a StepCurrentSource of 0.6 nA from t = 60 (another code
    path: a relowered parameter against an injected current): same spikes, V to float rounding."""
    a = scripts.curr_exp_network(sim, change="set")
    b = scripts.curr_exp_network(sim, change="source")
    assert a["cells"].shape[0] > 20
    np.testing.assert_array_equal(a["cells"], b["cells"])
    np.testing.assert_allclose(a["v"], b["v"], rtol=0, atol=1e-9)


def _poisson_net(pieces):
    sim.setup(timestep=0.1, rng_seed=11)
    src = sim.Population(30, sim.SpikeSourcePoisson(rate=40.0, start=5.0))
    arr = sim.Population(1, sim.SpikeSourceArray(spike_times=[29.9, 30.0, 30.1, 64.2]))
    cells = sim.Population(10, sim.IF_cond_exp(tau_refrac=1.0))
    sim.Projection(src, cells, sim.FixedProbabilityConnector(0.5, rng=sim.NumpyRNG(1)),
                   sim.StaticSynapse(weight=0.004, delay=2.3))
    sim.Projection(arr, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.05, delay=7.5))
    sim.Projection(cells, cells, sim.FixedProbabilityConnector(0.3, rng=sim.NumpyRNG(2)),
                   sim.StaticSynapse(weight=0.01, delay=9.9), receptor_type="inhibitory")
    for p in (src, arr, cells):
        p.record("spikes")
    cells.record(["v", "gsyn_exc"], sampling_interval=0.5)
    for d in pieces:
        sim.run(d)
    data = {k: p.get_data().segments[0] for k, p in (("src", src), ("arr", arr), ("cells", cells))}
    sim.end()
    return data


def test_one_run_equals_pieces():
    """Poisson streams, spikes in flight in the delay buffer, a SpikeSourceArray spike at the cut (30.0 ms):
    run(100) == run(30) + run(0.1) + run(69.9), spike for spike and sample for sample."""
    whole, parts = _poisson_net([100.0]), _poisson_net([30.0, 0.1, 69.9])
    for key in whole:
        w = [np.asarray(st) for st in whole[key].spiketrains]
        p = [np.asarray(st) for st in parts[key].spiketrains]
        assert sum(x.size for x in w) >= 4, key
        for x, y in zip(w, p):
            np.testing.assert_array_equal(x, y)
    for sw, sp in zip(whole["cells"].analogsignals, parts["cells"].analogsignals):
        assert sw.shape == (201, 10) and sw.sampling_period == 0.5 * pq.ms
        np.testing.assert_array_equal(np.asarray(sw), np.asarray(sp))


def test_reset_starts_a_new_segment_from_the_initial_values():
    sim.setup(timestep=0.1)
    p = sim.Population(2, sim.IF_curr_exp(i_offset=[0.0, 2.0]), initial_values={"v": -60.0})
    p.record(["spikes", "v"])
    sim.run(40.0)
    sim.reset()
    assert sim.get_current_time() == 0.0
    sim.run(40.0)
    block = p.get_data()
    assert [s.name for s in block.segments] == ["segment000", "segment001"]
    a, b = (seg.analogsignals[0] for seg in block.segments)
    assert float(a[0, 0]) == -60.0 and a.shape == (401, 2)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert len(block.segments[1].spiketrains[1]) > 0
    np.testing.assert_array_equal(block.segments[0].spiketrains[1], block.segments[1].spiketrains[1])
    sim.end()


def test_neo_output_carries_units_and_annotations(tmp_path):
    sim.setup(timestep=0.25)
    cells = sim.Population(3, sim.IF_cond_exp(i_offset=1.0), label="cells")
    cells.record(["spikes", "v", "gsyn_inh"])
    sim.run(50.0)
    block = cells.get_data()
    seg = block.segments[0]
    assert isinstance(block, neo.Block) and block.annotations["simulator"] == "snn"
    v = seg.filter(name="v")[0]
    assert v.units == pq.mV and v.sampling_period == 0.25 * pq.ms and v.t_start == 0 * pq.ms
    assert seg.filter(name="gsyn_inh")[0].units == pq.uS
    st = seg.spiketrains[0]
    assert st.t_stop == 50.0 * pq.ms and st.annotations["source_population"] == "cells" and len(st) > 0
    cells.write_data(str(tmp_path / "cells.pkl"))
    back = neo.io.PickleIO(str(tmp_path / "cells.pkl")).read_block()
    np.testing.assert_array_equal(back.segments[0].spiketrains[0], st)
    sim.end()


def test_procedural_api_and_views():
    sim.setup(timestep=0.1)
    pre = sim.create(sim.SpikeSourceArray(spike_times=[1.0, 2.0]), n=2)
    post = sim.create(sim.IF_curr_exp, {"tau_m": 10.0}, n=4)
    prj = sim.connect(pre, post[1:3], weight=3.0, delay=1.0, p=1.0)
    assert len(prj) == 4
    sim.record(["spikes"], post, "never_written.pkl")     # written by end() only, never called here
    post[2:4].set(tau_m=12.5)
    np.testing.assert_array_equal(post.get("tau_m"), [10.0, 10.0, 12.5, 12.5])
    sim.run(20.0)
    counts = post.get_spike_counts()
    assert counts[post[0]] == 0 and counts[post[1]] > 0
    sim.setup()


def test_pynn_exceptions():
    sim.setup(timestep=0.1)
    p = sim.Population(2, sim.IF_curr_exp())
    with pytest.raises(errors.NonExistentParameterError):
        p.set(tau_x=1.0)
    with pytest.raises(errors.InvalidDimensionsError):
        p.set(tau_m=[1.0, 2.0, 3.0])
    with pytest.raises(errors.RecordingError):
        p.record("gsyn_exc")
    with pytest.raises(errors.InvalidParameterValueError):
        sim.Population(1, sim.SpikeSourceArray(spike_times=[3.0, 1.0]))
    with pytest.raises(errors.ConnectionError):
        sim.Projection(p, p, sim.AllToAllConnector(), sim.StaticSynapse(weight=1.0), receptor_type="inhibitory")
    with pytest.raises(errors.ConnectionError, match="Delay"):
        sim.Projection(p, p, sim.AllToAllConnector(), sim.StaticSynapse(weight=1.0, delay=0.05))
    with pytest.raises(SpecError, match="schedule"):
        sim.setup(schedule="nalsm")
    sim.setup()      # a Tsodyks-Markram synapse takes tau_psc from the post cell's tau_syn (as pyNN.nest)
    q = sim.Population(2, sim.Izhikevich())
    sim.Projection(q, q, sim.AllToAllConnector(), sim.TsodyksMarkramSynapse(U=0.3))
    with pytest.raises(NotImplementedError, match="TsodyksMarkramSynapse needs a post cell type with tau_syn_E"):
        sim.run(1.0)
    sim.setup()      # NEST's domains (models/tsodyks_synapse.h), before the run starts
    q = sim.Population(2, sim.IF_cond_exp())
    sim.Projection(q, q, sim.AllToAllConnector(), sim.TsodyksMarkramSynapse(U=1.5))
    with pytest.raises(SpecError, match=r"U=1.5 must lie in \[0, 1\]"):
        sim.run(1.0)
    sim.setup()
    sim.Projection(sim.Population(1, sim.IF_cond_exp()), sim.Population(1, sim.IF_cond_exp()),
                   sim.AllToAllConnector(), sim.SimpleStochasticSynapse(p=-0.1))
    with pytest.raises(SpecError, match=r"p=-0.1 must lie in \[0, 1\]"):
        sim.run(1.0)
    sim.setup()


def test_trials_are_independent_runs_from_the_start():
    """run_trials(T, trials=4): each trial equals a sim.run(T) from the start with the engine sample of that
    index (trial 0 is what sim.run gives with the same seed); Poisson trials differ from each other."""
    sim.setup(timestep=0.1, rng_seed=4)
    src = sim.Population(20, sim.SpikeSourcePoisson(rate=50.0))
    cells = sim.Population(5, sim.IF_curr_exp(tau_refrac=2.0), initial_values={"v": -60.0})
    sim.Projection(src, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=0.4, delay=1.0))
    cells.record(["spikes", "v"])
    blocks = sim.run_trials(50.0, trials=4)
    assert sim.get_current_time() == 0.0 and [s.annotations["trial"] for s in blocks[cells.label].segments] == \
        [0, 1, 2, 3]
    sim.run(50.0)
    seg = cells.get_data().segments[0]
    t0 = blocks[cells.label].segments[0]
    for a, b in zip(t0.spiketrains, seg.spiketrains):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(np.asarray(t0.analogsignals[0]), np.asarray(seg.analogsignals[0]))
    trains = [np.concatenate([np.asarray(st) for st in s.spiketrains]) for s in blocks[cells.label].segments]
    assert min(t.size for t in trains) > 0
    assert any(t.size != trains[0].size or np.any(t != trains[0]) for t in trains[1:])   # independent draws
    assert sim.to_spec().populations[1].cell_type == "IF_curr_exp"
    sim.end()


def test_poisson_rate_set_between_runs_applies_at_once():
    """PyNN's examples/varying_poisson.py pattern: rate 0, then 40 Hz, then 10 Hz, set between runs of 200 ms.
    Expected counts 0, 400, 100 (50 sources); bands of 5 standard deviations (Poisson: sd = sqrt(mean))."""
    sim.setup(timestep=0.1, rng_seed=3)
    p = sim.Population(50, sim.SpikeSourcePoisson(rate=0.0))
    p.record("spikes")
    for rate in (0.0, 40.0, 10.0):
        p.set(rate=rate)
        sim.run(200.0)
    t = np.concatenate([np.asarray(st) for st in p.get_data().segments[0].spiketrains])
    counts = [int(((t > a) & (t <= a + 200.0)).sum()) for a in (0.0, 200.0, 400.0)]
    assert counts[0] == 0
    assert abs(counts[1] - 400) <= 5 * 20 and abs(counts[2] - 100) <= 5 * 10, counts
    sim.end()


def test_va_benchmark_network_builds_as_pynn_describes():
    """experiments/bench_pynn.py's COBA through snn.pynn, 5 ms: PyNN's constants give 4000 cells connected with
    p = 0.02 (expected 0.02 * 4000 * 4000 = 320000 synapses, sd ~ 560; band 5 sd) plus the Poisson input."""
    from snn.experiments.bench_pynn import va_benchmark
    out = va_benchmark(sim, "COBA", 5.0)
    assert abs(out["synapses"] - 0.02 * 4000 * 4000 - 0.01 * 20 * 4000) < 5 * 570
    assert out["sim_seconds"] > 0 and out["build_seconds"] > 0 and out["spikes"] >= 0
