"""PyNN 0.13's STDPMechanism writes each weight dependence's translations into its class-level table, so after
one GutigWeightDependence every later STDPMechanism of the process expects mu_plus / mu_minus and a projection
with an Additive one fails (KeyError). snn.pynn copies the table first: the second network below builds and
runs, and its synapse has only the parameters of its own components."""
import snn.pynn as sim


def _stdp_network(dependence):
    sim.setup(timestep=0.1)
    pre = sim.Population(2, sim.SpikeSourceArray(spike_times=[[5.0], [7.0]]))
    post = sim.Population(1, sim.IF_curr_exp())
    syn = sim.STDPMechanism(timing_dependence=sim.SpikePairRule(), weight_dependence=dependence,
                            weight=0.5, delay=1.0)
    proj = sim.Projection(pre, post, sim.AllToAllConnector(), syn)
    sim.run(10.0)
    names = set(syn.get_native_names())
    weights = proj.get("weight", format="array")
    sim.end()
    return names, weights


def test_an_additive_stdp_after_a_gutig_one_has_no_mu():
    gutig, _ = _stdp_network(sim.GutigWeightDependence(w_max=1.0, mu_plus=0.4, mu_minus=0.6))
    assert {"mu_plus", "mu_minus"} <= gutig
    additive, weights = _stdp_network(sim.AdditiveWeightDependence(w_max=1.0))
    assert not {"mu_plus", "mu_minus"} & additive
    assert weights.shape == (2, 1)
