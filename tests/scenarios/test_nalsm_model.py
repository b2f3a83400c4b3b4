"""The NALSM liquid as built (specs/nalsm.md 1.2-1.3), batch-size invariance of the features, end to end."""
import numpy as np
import pytest

from snn.engine import Simulator
from snn.errors import SpecError
from snn.models.nalsm import C_LIQUID, LAMBDA, build_liquid, initialise, liquid_counts


@pytest.fixture(scope="module")
def liquid():
    net = build_liquid(64, shape=(10, 10, 10), variant="nalsm", phase="features", seed=4)
    return net, Simulator(net, record=())


def test_synapse_counts_match_the_connection_formula(liquid):
    """Per block the count is a sum of independent Bernoulli(C exp(-(D/lam)^2)) draws over all pairs; its
    expectation and variance come from the actual positions. Band: 5 standard deviations."""
    net, sim = liquid
    pos = {p: net.population(p).positions for p in ("exc", "inh")}
    total = 0
    for (src, dst), C in C_LIQUID.items():
        d2 = ((pos[dst][:, None, :] - pos[src][None, :, :]) ** 2).sum(-1)
        p = C * np.exp(-d2 / LAMBDA ** 2)
        if src == dst:
            np.fill_diagonal(p, 0.0)
        mean, sd = p.sum(), np.sqrt((p * (1 - p)).sum())
        got = sim.synapses[f"{src}->{dst}"].pre.size
        assert abs(got - mean) < 5 * sd, (src, dst, got, mean, sd)
        total += got
    assert 15_000 < total < 18_500          # the spec's 10x10x10 estimate: ~16.7k (a sampled draw gave 17.0k)
    n_in = sum(sim.synapses[f"input->{d}"].pre.size for d in ("exc", "inh"))
    assert n_in == int(1000 * 64 * 0.15)
    pairs = np.c_[sim.synapses["input->exc"].post, sim.synapses["input->exc"].pre]
    assert len(np.unique(pairs, axis=0)) == len(pairs)       # without replacement


def test_weights_and_bounds_by_source(liquid):
    net, sim = liquid
    w = sim.initial_plastic_weights
    for name, lo, hi in (("exc->exc", 0, 3), ("exc->inh", 0, 3), ("inh->exc", -3, 0), ("inh->inh", -3, 0),
                         ("input->exc", -3, 3), ("input->inh", -3, 3)):
        vals = w[sim.synapses[name].index]
        proj = next(p for p in net.projections if p.name == name)
        assert (proj.plasticity.w_min, proj.plasticity.w_max) == (lo, hi)
        assert np.all(np.abs(vals) == 3.0)
        if name.startswith("input"):
            assert 0.4 < np.mean(vals > 0) < 0.6           # random signs, p = 0.5
        else:
            assert np.all(vals == (3.0 if name.startswith("exc") else -3.0))
        assert proj.plasticity.mirrored == name.startswith("inh")
    assert len(net.modulators) == 1 and net.modulators[0].w_A == 0.015
    lsm = build_liquid(64, variant="lsm", w_init=0.8, seed=4)
    assert all(p.plasticity is None for p in lsm.projections) and lsm.modulators == ()
    with pytest.raises(SpecError, match="theta_C and dC set the calcium gate of variant 'lsm-apstdp', not 'nalsm'"):
        build_liquid(64, variant="nalsm", theta_C=30.0)


def test_apstdp_liquid_gates_phase_one_and_freezes_phase_two():
    """lsm-apstdp (specs 3.5): |w| = 1, phase 1 = STDP 0.15 both ways under a CalciumGate (default 37 / 22),
    phase 2 = no plasticity. From its initial weights, phase 2 gives exactly the features of the static lsm
    liquid (|w| = 1, same synapses): the frozen rule changes nothing and costs no arithmetic difference."""
    init = build_liquid(64, shape=(5, 5, 5), variant="lsm-apstdp", phase="init", seed=1)
    gate = init.modulators[0]
    assert (gate.theta, gate.width, gate.tau_C) == (37.0, 22.0, 1000.0)
    assert {(p.plasticity.eta_plus, p.plasticity.eta_minus) for p in init.projections if p.plasticity} == {(0.15, 0.15)}
    feat = build_liquid(64, shape=(5, 5, 5), variant="lsm-apstdp", phase="features", seed=1)
    assert feat.modulators == ()
    sim = Simulator(feat, record=())
    w0 = sim.initial_plastic_weights
    assert np.all(np.abs(w0) == 1.0)
    rates = np.random.default_rng(3).random((4, 64)) * 0.3
    counts, r = liquid_counts(sim, rates, w0, seed=5, duration=100)
    lsm, _ = liquid_counts(Simulator(build_liquid(64, shape=(5, 5, 5), variant="lsm", seed=1), record=()), rates,
                           np.zeros(0), seed=5, duration=100)
    np.testing.assert_array_equal(counts, lsm)
    assert counts.sum() > 0
    kept = sim.run(100.0, batch=4, stimuli={"events": rates}, seed=5, plastic_weights=w0)
    np.testing.assert_array_equal(kept.plastic_weights, np.broadcast_to(w0, kept.plastic_weights.shape))


def test_apstdp_phase_one_learns_only_inside_the_windows():
    """Phase 1 with windows a 5x5x5 liquid reaches (theta 5, dC 4: C of its active neurons is 0-17 after 600 ms)
    changes weights both ways, within bounds; with the LTP window out of reach (theta 1000, LTD window (0.1,
    1000)) only depression happens; with both windows out of reach (theta 1e6, dC 10) nothing changes."""
    rates = np.random.default_rng(1).random((30, 64)) * 0.3

    def phase1(theta, dc):
        net = build_liquid(64, shape=(5, 5, 5), variant="lsm-apstdp", phase="init", seed=1, theta_C=theta, dC=dc)
        w0 = Simulator(net, record=()).initial_plastic_weights
        return initialise(net, rates, seed=2, chunk=7), w0, Simulator(net, record=())

    w, w0, sim = phase1(5.0, 4.0)
    assert np.mean(w > w0) > 0.01 and np.mean(w < w0) > 0.05
    for name, lo, hi in (("exc->exc", 0, 3), ("inh->exc", -3, 0), ("input->exc", -3, 3)):
        v = w[sim.synapses[name].index]
        assert v.min() >= lo and v.max() <= hi
    w, w0, _ = phase1(1000.0, 999.9)
    assert np.mean(w < w0) > 0.05 and not np.any(w > w0)
    w, w0, _ = phase1(1e6, 10.0)
    np.testing.assert_array_equal(w, w0)


def test_same_seed_same_features_whatever_the_batch(liquid):
    net, sim = liquid
    rates = np.random.default_rng(0).random((5, 64)) * 0.2
    w0 = sim.initial_plastic_weights
    whole, _ = liquid_counts(sim, rates, w0, seed=9, duration=60)
    r = sim.run(60.0, batch=5, stimuli={"events": rates}, seed=9, plastic_weights=w0, chunk=2)
    np.testing.assert_array_equal(whole, np.c_[r.counts("exc"), r.counts("inh")])
    one, _ = liquid_counts(sim, rates[3:4], w0, seed=9, sample_offset=3, duration=60)
    np.testing.assert_array_equal(one[0], whole[3])
    assert whole.sum() > 0


def test_phase_one_changes_weights_within_bounds():
    net = build_liquid(64, shape=(5, 5, 5), variant="nalsm", phase="init", seed=1)
    rates = np.random.default_rng(1).random((30, 64)) * 0.3
    w = initialise(net, rates, seed=2, chunk=7)
    sim = Simulator(net, record=())
    w0 = sim.initial_plastic_weights
    assert np.mean(w != w0) > 0.05
    for name, lo, hi in (("exc->exc", 0, 3), ("inh->exc", -3, 0), ("input->exc", -3, 3)):
        v = w[sim.synapses[name].index]
        assert v.min() >= lo and v.max() <= hi
    np.testing.assert_array_equal(w, initialise(net, rates, seed=2, chunk=30))   # chunking does not matter


def test_astrocyte_density_ablation_listens_to_a_subset():
    """density 0.5: round(0.5 * size) random neurons of each listened population (exc 100, inh 25, input 64)."""
    net = build_liquid(64, shape=(5, 5, 5), variant="nalsm", astro_density=0.5, seed=2)
    w = Simulator(net, record=()).schedule.arrays.astro_w
    assert (w == 1).sum() == 50 + 12 and (w == -1).sum() == 32
    full = Simulator(build_liquid(64, shape=(5, 5, 5), seed=2), record=()).schedule.arrays.astro_w
    assert (full == 1).sum() == 125 and (full == -1).sum() == 64
