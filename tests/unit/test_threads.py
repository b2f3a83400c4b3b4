"""Threads inside one sample (``run(..., threads=K)``, snn/threads.py): the same spikes, V and synaptic state as the
one-thread kernel, bit for bit, whatever K; the spin barrier itself; clear errors for what threads cannot run."""
import threading

import numpy as np
import pytest

from snn.connectors import FixedProbability, FromList
from snn.engine import Simulator
from snn.errors import NumericalError, SpecError
from snn.kernels._config import njit
from snn.kernels.spin_barrier import barrier, new_sync
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection
from snn.threads import neuron_bounds, split_rows


def mixed_net(seed=5):
    """Every kind of spike source (Poisson, Bernoulli, events), two cell types (one with per-neuron
    coefficients), rows that mix delays and receptors, about 330 neurons: K ranges of 64 neurons cross them.
    Recurrent synapses with a weight and delay each, so that a neuron's input of a step sums many different
    terms and any change in their order shows in the last bits."""
    P = Projection
    rng = np.random.default_rng(seed)
    pre, post = np.nonzero(rng.random((200, 200)) < 0.15)
    mixed = FromList(tuple(zip(pre.tolist(), post.tolist(), rng.uniform(0.05, 0.2, pre.size).tolist(),
                               (0.1 * rng.integers(1, 4, pre.size)).round(1).tolist())))
    pops = [Population("pois", 30, "SpikeSourcePoisson", params=dict(rate=80.0)),
            Population("in", 20, "SpikeSourceInput"),
            Population("arr", 5, "SpikeSourceArray", params=dict(spike_times=[[1.0, 7.5], [3.0], [], [2.0], [9.0]])),
            Population("cur", 200, "IF_curr_exp", dict(tau_refrac=2.0, cm=0.25,
                                                      i_offset=list(np.linspace(0.0, 0.3, 200)))),
            Population("cond", 130, "IF_cond_exp", dict(tau_refrac=1.0))]
    projs = [P("pois", "cur", FixedProbability(0.3), 0.4, 0.2), P("pois", "cond", FixedProbability(0.3), 0.01, 0.4),
             P("in", "cur", FixedProbability(0.2), 0.5, 0.1), P("arr", "cond", FixedProbability(0.5), 0.02, 0.1),
             P("cur", "cur", mixed, 0.0, label="cur-cur"), P("cur", "cond", FixedProbability(0.1), 0.004, 0.1),
             P("cur", "cur", FixedProbability(0.05), 0.3, 0.2, "inhibitory", label="cur-inh"),
             P("cond", "cur", FixedProbability(0.1), 0.3, 0.1, "inhibitory"),
             P("cond", "cond", FixedProbability(0.1), 0.02, 0.5, "inhibitory")]
    return Network(pops, projs, dt=0.1, schedule="exact", seed=seed)


PROBE = {"cur": None, "cond": None, ("cur", "syn_exc"): None, ("cond", "syn_inh"): None}


def _run(sim, threads, **kw):
    rates = np.random.default_rng(1).uniform(0, 0.02, (1, 20))
    return sim.run(60.0, stimuli={"in": rates}, seed=4, record_v=PROBE, threads=threads, **kw)


def _same(a, b):
    assert np.array_equal(a.counts_all, b.counts_all)
    for x, y in zip(a._times + a._index, b._times + b._index):
        assert np.array_equal(x, y)
    assert np.array_equal(a._v, b._v)          # V and synaptic state, every neuron, every step: bit for bit


def test_threads_give_bit_identical_spikes_v_and_synaptic_state():
    sim = Simulator(mixed_net(), record=["cur", "cond", "pois"])
    one = _run(sim, 1)
    n_cur = one.counts("cur").sum()
    assert n_cur > 200 and one.counts("cond").sum() > 50 and one.counts("pois").sum() > 100   # a busy network
    for k in (2, 3, 5):
        _same(one, _run(sim, k))


def test_threads_continue_a_saved_state_as_one_thread_does():
    sim = Simulator(mixed_net(), record=["cur"])
    whole = _run(sim, 1)
    first = _run(sim, 2, state=sim.initial_state())
    second = _run(sim, 3, state=first.state)
    ref = _run(sim, 1, state=_run(sim, 1, state=sim.initial_state()).state)
    assert np.array_equal(first.counts_all, whole.counts_all)
    _same(second, ref)


def test_threads_report_a_non_finite_state_as_one_thread_does():
    # validation refuses such weights, so they are written into the lowered arrays (as tests/kernels/test_probes.py)
    found = []
    for k in (1, 2, 3):
        sim = Simulator(mixed_net())
        sim.lowered.s_w[:] = 1e308
        sim.lowered.s_row_w[:] = 1e308
        with pytest.raises(NumericalError) as info:
            _run(sim, k)
        found.append((info.value.label, info.value.neuron, info.value.step))
    assert found[0] == found[1] == found[2]


def test_threads_refuse_plastic_networks_fixed_point_and_bad_counts():
    stdp = SpikePairSTDP(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.01, w_min=0.0, w_max=1.0)
    pops = [Population("pre", 10, "SpikeSourcePoisson", params=dict(rate=20.0)), Population("post", 10, "IF_curr_exp")]
    static = Network(pops, [Projection("pre", "post", FixedProbability(0.5), 3.0, 1.0)], dt=1.0, schedule="spinnaker")
    plastic = Network(pops, [Projection("pre", "post", FixedProbability(0.5), 0.5, 1.0, plasticity=stdp)], dt=1.0,
                      schedule="spinnaker")
    with pytest.raises(SpecError, match="plastic synapses"):
        Simulator(plastic, arithmetic="float64").run(1.0, threads=2)
    with pytest.raises(SpecError, match="fixed point"):
        Simulator(static).run(1.0, threads=2)
    a = Simulator(static, arithmetic="float64").run(200.0, threads=1)
    assert a.counts("post").sum() > 20
    assert np.array_equal(a.counts_all, Simulator(static, arithmetic="float64").run(200.0, threads=2).counts_all)
    for bad in (0, -1, 1.5, True, 10 ** 6):
        with pytest.raises(SpecError, match="threads="):
            Simulator(mixed_net()).run(1.0, threads=bad)


def test_split_rows_keeps_row_order_per_owner_and_bounds_align():
    bounds = neuron_bounds(300, 3)
    assert bounds[0] == 0 and bounds[-1] == 300 and np.all(bounds[1:-1] % 64 == 0)
    rng = np.random.default_rng(0)
    ptr = np.concatenate([[0], np.cumsum(rng.integers(0, 30, 50))])
    post = rng.integers(0, 300, ptr[-1])
    order, split = split_rows(ptr, post, bounds)
    for j in range(50):
        row = np.arange(ptr[j], ptr[j + 1])
        for r in range(3):
            part = order[split[r, j]:split[r + 1, j]]
            mine = row[(post[row] >= bounds[r]) & (post[row] < bounds[r + 1])]
            assert np.array_equal(part, mine)       # the owner's synapses, in row order


@njit
def _ring(sync, k, rank, data, n):
    """Each step reads the neighbour's value of the step before: wrong without a barrier between steps."""
    gen = 0
    for t in range(1, n):
        data[rank, t] = data[(rank + 1) % k, t - 1] + 1
        gen = barrier(sync, k, gen)
        if gen < 0:
            return


def test_spin_barrier_orders_the_steps_of_every_thread():
    for k in (2, 3):
        n = 3000
        data = np.zeros((k, n), np.int64)
        sync = new_sync()
        threads = [threading.Thread(target=_ring, args=(sync, k, r, data, n)) for r in range(k)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert np.array_equal(data, np.broadcast_to(np.arange(n), (k, n)))
