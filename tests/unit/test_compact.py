"""Compact synapse tables (snn/compact.py): the numba builder against independent numpy draws of the same laws,
and the compact run kernel against the general engine on the very same synapses (spike for spike)."""
import numpy as np
import pytest

from snn.compact import CompactNetwork, FixedTotalBlock
from snn.connectors import FromList
from snn.engine import Simulator
from snn.errors import SpecError
from snn.kernels.compact_run import poisson_background, poisson_cdf
from snn.spec import Network, Population, Projection

CELL = dict(cm=0.25, tau_m=10.0, v_rest=-65.0, v_thresh=-50.0, v_reset=-65.0, tau_refrac=2.0, tau_syn_E=0.5,
            tau_syn_I=1.0)


def _pops(i_offset=0.0, sizes=(300, 100)):
    rng = np.random.default_rng(0)
    return [Population("E", sizes[0], "IF_curr_exp", dict(CELL, i_offset=i_offset),
                       initial_values={"v": rng.uniform(-65, -50, sizes[0])}),
            Population("I", sizes[1], "IF_curr_exp", dict(CELL, i_offset=i_offset),
                       initial_values={"v": rng.uniform(-65, -50, sizes[1])})]


BLOCKS = [FixedTotalBlock("E", "E", 20000, 0.09, 0.009, d_mean=1.5, d_sd=0.75, d_low=0.05),
          FixedTotalBlock("E", "I", 8000, 0.09, 0.009, d_mean=1.5, d_sd=0.75, d_low=0.05),
          FixedTotalBlock("I", "E", 6000, 0.35, 0.035, "inhibitory", d_mean=0.75, d_sd=0.375, d_low=0.05),
          FixedTotalBlock("I", "I", 2000, 0.35, 0.035, "inhibitory", d_mean=0.75, d_sd=0.375, d_low=0.05)]


def _numpy_delays(mean, sd, low, n, dt=0.1, seed=5):
    """The same law drawn independently: normal, redrawn below `low`, rounded to steps (NEST)."""
    rng = np.random.default_rng(seed)
    d = rng.normal(mean, sd, n)
    while np.any(d < low):
        bad = d < low
        d[bad] = rng.normal(mean, sd, bad.sum())
    return np.maximum(1, np.floor(d / dt + 0.5))


def test_builder_counts_weights_delays_and_order():
    net = CompactNetwork(_pops(), BLOCKS, dt=0.1, seed=4)
    assert net.n_synapses == 36000 and net.post.dtype == np.int32 and net.w.dtype == np.float32
    n = net.v0.size                                        # 8 bytes per synapse + per neuron its delay groups
    assert net.synapse_bytes == 8 * net.n_synapses + n * (net.d_max + 1) * 8 + (n + 1) * 8 + n
    for b in BLOCKS:
        pre, post, w, d = net.synapses(b.pre, b.post)
        assert pre.size == b.n                             # fixed total number per pair
        se = b.w_sd / np.sqrt(b.n)
        assert abs(w.mean() - b.w_mean) < 4 * se and abs(w.std() - b.w_sd) < 0.05 * b.w_sd
        assert w.min() >= 0
        ref = _numpy_delays(b.d_mean, b.d_sd, b.d_low, 200000)
        assert abs(d.mean() - ref.mean()) < 4 * ref.std() / np.sqrt(b.n)
        assert d.min() >= 1
        n_pre, n_post = net.populations[net._index(b.pre)].size, net.populations[net._index(b.post)].size
        # pre and post uniform: counts per neuron have the multinomial mean and variance (chi-square band)
        for idx, m in ((pre, n_pre), (post, n_post)):
            c = np.bincount(idx, minlength=m)
            chi2 = ((c - b.n / m) ** 2 / (b.n / m)).sum()
            assert abs(chi2 - (m - 1)) < 5 * np.sqrt(2 * (m - 1))
    for j in range(net.v0.size):                           # rows by delay, then post; receptor per row
        for d in range(net.d_max):
            assert np.all(np.diff(net.post[net.dptr[j, d]:net.dptr[j, d + 1]]) >= 0)
        assert net.dptr[j, 0] == net.ptr[j] and net.dptr[j, -1] == net.ptr[j + 1]
    assert np.all(net.row_rec[:300] == 0) and np.all(net.row_rec[300:] == 1)


def test_builder_is_deterministic_and_seeded():
    a, b = CompactNetwork(_pops(), BLOCKS, seed=4), CompactNetwork(_pops(), BLOCKS, seed=4)
    c = CompactNetwork(_pops(), BLOCKS, seed=5)
    assert np.array_equal(a.post, b.post) and np.array_equal(a.w, b.w) and np.array_equal(a.dptr, b.dptr)
    assert not np.array_equal(a.post, c.post)


def test_compact_run_matches_engine_spike_for_spike():
    """The same synapses through the general engine (FromList): same neuron kernel, same step order, so the
    same spikes to the last one."""
    net = CompactNetwork(_pops(i_offset=0.45), BLOCKS, dt=0.1, seed=4)
    res = net.run(300.0)
    assert res.counts["E"].sum() > 500 and res.counts["I"].sum() > 100
    projs = []
    for b in BLOCKS:
        pre, post, w, d = net.synapses(b.pre, b.post)
        rows = np.column_stack([pre, post, w.astype(np.float64), d * 0.1])
        projs.append(Projection(b.pre, b.post, FromList(rows), receptor_type=b.receptor, label=f"{b.pre}{b.post}"))
    ref = Simulator(Network(_pops(i_offset=0.45), projs, dt=0.1, schedule="exact", seed=0)).run(300.0)
    for label in ("E", "I"):
        t, i = ref.spikes(label, 0)
        order = np.lexsort((i, t))
        ct, ci = res.spikes[label]
        corder = np.lexsort((ci, ct))
        assert np.allclose(ct[corder], t[order]) and np.array_equal(ci[corder], i[order])


def test_poisson_background_counts_have_poisson_law():
    c = np.zeros(200001)
    poisson_background(3, np.uint64(12345), 0, 200000, poisson_cdf(1.7), 1.0, c)
    assert c[-1] == 0
    c = c[:-1]
    assert abs(c.mean() - 1.7) < 4 * np.sqrt(1.7 / c.size) and abs(c.var() - 1.7) < 0.03
    assert abs(np.mean(c == 0) - np.exp(-1.7)) < 0.005


def test_bad_blocks_are_named():
    with pytest.raises(SpecError, match="unknown population 'X'"):
        CompactNetwork(_pops(), [FixedTotalBlock("X", "E", 10, 0.1)])
    with pytest.raises(SpecError, match="weights are magnitudes"):
        CompactNetwork(_pops(), [FixedTotalBlock("E", "E", 10, -0.1)])
    with pytest.raises(SpecError, match="sends on both"):
        CompactNetwork(_pops(), [FixedTotalBlock("E", "E", 10, 0.1), FixedTotalBlock("E", "I", 10, 0.1, 0, "inhibitory")])


def test_threads_give_bit_identical_spikes():
    """Each step split by neuron range over 2, 3 and 5 persistent threads: the same spikes as one thread."""
    net = CompactNetwork(_pops(i_offset=0.3), BLOCKS, dt=0.1, seed=4,
                         poisson={"E": (4000.0, 0.05, 0.5), "I": (3000.0, 0.05, 0.5)})
    one = net.run(200.0)
    assert one.counts["E"].sum() > 300
    for k in (2, 3, 5):
        many = net.run(200.0, threads=k)
        for label in ("E", "I"):
            assert np.array_equal(one.counts[label], many.counts[label])
            assert np.array_equal(one.spikes[label][0], many.spikes[label][0])
            assert np.array_equal(one.spikes[label][1], many.spikes[label][1])
    with pytest.raises(SpecError, match="threads=0"):
        net.run(10.0, threads=0)
