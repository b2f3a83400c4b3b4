"""Lowering details the benchmarks rely on, and the `snn bench` command's output."""
import json

import numpy as np

from snn.connectors import AllToAll, FixedProbability, FromList
from snn.engine import Simulator
from snn.experiments import cli
from snn.lowering import expand_projections, lower
from snn.models.benchmarks import N_EXC, N_INH, coba, cuba
from snn.spec import Network, Population, Projection


def test_per_neuron_initial_v_lowers_to_v0():
    v = np.linspace(-60.0, -50.0, 7)
    net = Network((Population("a", 3, "IF_curr_exp"), Population("b", 7, "IF_curr_exp", initial_values={"v": v}),
                   Population("c", 2, "IF_cond_exp", initial_values={"v": -61.0})), dt=0.1)
    low = lower(net)[0]
    np.testing.assert_array_equal(low.v0, np.concatenate([[-65.0] * 3, v, [-61.0] * 2]))


def test_cuba_initial_voltages_are_per_neuron_and_uniform_in_range():
    net = cuba(seed=5)
    low = lower(net)[0]
    assert low.v0.shape == (N_EXC + N_INH,)
    assert low.v0.min() >= -60.0 and low.v0.max() <= -50.0 and np.unique(low.v0).size > 3900
    assert low.pop_uniform.all()


def test_expand_projections_is_what_the_engine_lowers():
    net = cuba(seed=2, p=0.01)
    sim = Simulator(net, record=[])
    for proj, pre, post, w, d in expand_projections(net):
        m = sim.synapses[proj.name]
        np.testing.assert_array_equal(m.pre - sim.offsets[proj.pre], pre)
        np.testing.assert_array_equal(m.post - sim.offsets[proj.post], post)
        np.testing.assert_array_equal(sim.lowered.s_w[m.index], w)
        assert np.all(d == 1)


def test_uniform_rows_and_mixed_rows_deliver_the_same():
    """Rows whose synapses share weight, delay and receptor take the post-index-only path; a row that mixes
    them takes the general one. Splitting one neuron's synapses over two projections must not change spikes."""
    src = Population("src", 1, "SpikeSourceArray", {"spike_times": [[1.0, 3.0, 6.0]]})
    n = Population("n", 2, "IF_curr_exp", dict(cm=0.25, tau_m=10.0, v_rest=-65.0, v_thresh=-55.0))
    mixed = Network((src, n), (Projection("src", "n", FromList(((0, 0, 3.0, 0.1), (0, 1, 2.0, 0.3)))),), dt=0.1)
    split = Network((src, n), (Projection("src", "n", FromList(((0, 0),)), weight=3.0, delay=0.1, label="x"),
                               Projection("src", "n", FromList(((0, 1),)), weight=2.0, delay=0.3, label="y")), dt=0.1)
    s_mixed = Simulator(mixed)
    assert not s_mixed.lowered.s_row_uniform[0]
    one = Network((src, n), (Projection("src", "n", AllToAll(), weight=3.0, delay=0.2),), dt=0.1)
    assert Simulator(one).lowered.s_row_uniform[0]
    a, b = s_mixed.run(20.0), Simulator(split).run(20.0)
    assert a.counts_all.sum() > 3
    for k in range(2):
        np.testing.assert_array_equal(a.spike_trains("n")[k], b.spike_trains("n")[k])


def test_coba_builds_and_runs_briefly():
    net = coba(seed=0)
    res = Simulator(net, record=[]).run(100.0)
    assert res.counts("exc").sum() > 0


def test_bench_command_prints_json(capsys):
    assert cli.main(["bench", "cuba", "--duration", "0.2", "--repeats", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    for key in ("sim_seconds", "build_seconds", "spikes", "synapses"):
        assert key in out
    assert out["spikes"] > 0 and 300_000 < out["synapses"] < 340_000


def test_bench_command_times_one_and_k_threads(capsys):
    assert cli.main(["bench", "coba", "--duration", "0.1", "--repeats", "1", "--threads", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["threads"] == 2 and out["same_spikes_as_1_thread"] is True and out["spikes"] > 1000
    assert out["speedup_vs_1_thread"] == out["sim_seconds_1_thread"] / out["sim_seconds"]
    assert cli.main(["bench", "nalsm", "--threads", "2"]) == 2
    assert "--threads 2 is for cuba, coba and microcircuit" in capsys.readouterr().err


def test_bench_command_rejects_unknown_peer(capsys):
    assert cli.main(["bench", "cuba", "--against", "neuron"]) == 2
    assert "unknown peer" in capsys.readouterr().err
