"""PyNN's short-term synapse types on snn.pynn: TsodyksMarkramSynapse against NEST's tsodyks_synapse (which
pyNN.nest runs) spike for spike, SimpleStochasticSynapse's releases against the binomial law; Izhikevich's u
as a state variable against pyNN.nest."""
from pathlib import Path

import numpy as np
import pytest

import snn.pynn as sim
import scripts

HERE = Path(__file__).resolve().parent


def _on_nest(name, tmp_path):
    """What dynamics_scripts.NAME records on pyNN.nest (in a subprocess: NEST and numba threads apart)."""
    return scripts.on_nest(name, tmp_path, HERE / "dynamics_scripts.py")


def test_tsodyks_markram_as_nest_tsodyks_synapse(tmp_path):
    """Depressing and facilitating synapses, both receptors, per-connection U and tau_rec, two runs: the same
    spikes and V to 1e-9 mV (NEST's propagators in the same order)."""
    pytest.importorskip("pyNN.nest")
    import dynamics_scripts
    nest = _on_nest("tsodyks_markram_network", tmp_path)
    ours = dynamics_scripts.tsodyks_markram_network(sim)
    np.testing.assert_array_equal(ours["cells"], nest["cells"])
    assert 2 <= nest["cells"].shape[0] < 15       # cell 0 fires, but not at every input spike (depression)
    np.testing.assert_allclose(ours["v"], nest["v"], rtol=0, atol=1e-9)
    # the PSP of a facilitating synapse grows along a burst, that of a depressing one shrinks
    assert np.ptp(ours["v"][:, 3]) > 0.1


def _releases(p, n_spikes=200, seed=1):
    """Count, per cell, the spikes of one source (every 5 ms) that a SimpleStochasticSynapse of release
    probability p[k] passed on: the upward jumps of the cell's gsyn_exc (tau_syn_E = 0.5 ms)."""
    sim.setup(timestep=0.1, min_delay=0.5, rng_seed=seed)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=np.arange(2.5, 5.0 * n_spikes, 5.0)))
    cells = sim.Population(len(p), sim.IF_cond_exp(tau_syn_E=0.5))
    sim.Projection(src, cells, sim.AllToAllConnector(),
                   sim.SimpleStochasticSynapse(weight=1.0, delay=0.5, p=np.asarray(p)[None, :]))
    cells.record("gsyn_exc")
    sim.run(5.0 * n_spikes + 5.0)
    i = np.asarray(cells.get_data().segments[0].filter(name="gsyn_exc")[0].magnitude)
    sim.end()
    return (np.diff(i, axis=0) > 0.5).sum(axis=0), i


def test_simple_stochastic_synapse_is_binomial():
    """Each synapse passes each spike with probability p, independently: the releases of 20 synapses of each p
    over 200 spikes lie within 4 sigma of the binomial mean, and their spread across synapses is binomial too
    (the dispersion statistic within its chi-square(20) 0.1% - 99.9% range: 5.92 .. 45.3). p = 0 never, p = 1
    always releases; the same seed gives the same releases, another seed others."""
    ps = np.repeat([0.0, 0.2, 0.5, 0.9, 1.0], 20)
    counts, trace = _releases(ps)
    for p in (0.2, 0.5, 0.9):
        k = counts[ps == p]
        n = 200
        assert abs(k.sum() - 20 * n * p) < 4 * np.sqrt(20 * n * p * (1 - p)), (p, k.sum())
        dispersion = ((k - n * p) ** 2).sum() / (n * p * (1 - p))
        assert 5.92 < dispersion < 45.3, (p, dispersion)
    assert counts[ps == 0.0].sum() == 0 and np.all(counts[ps == 1.0] == 200)
    np.testing.assert_array_equal(_releases(ps)[1], trace)
    assert not np.array_equal(_releases(ps, seed=2)[0], counts)


def test_izhikevich_u_is_a_state_variable_as_on_nest(tmp_path):
    """Izhikevich's u, initialised per cell by initialize(u=...) and recorded by record('u'), over two runs with
    input spikes and a DCSource: the same spikes, v and u as pyNN.nest (NEST izhikevich's U_m) to 1e-9."""
    pytest.importorskip("pyNN.nest")
    import dynamics_scripts
    nest = _on_nest("izhikevich_u", tmp_path)
    ours = dynamics_scripts.izhikevich_u(sim)
    assert nest["cells"].shape[0] >= 3
    np.testing.assert_array_equal(ours["cells"], nest["cells"])
    np.testing.assert_allclose(ours["u"][0], [-14.0, -10.0, -16.0, -12.0], rtol=0, atol=0)
    for name in ("v", "u"):
        np.testing.assert_allclose(ours[name], nest[name], rtol=0, atol=1e-9)
