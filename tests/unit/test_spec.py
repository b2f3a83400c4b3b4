"""Network.validate() names every problem with the offending value and what is allowed."""
import pytest

from snn.connectors import AllToAll, OneToOne
from snn.errors import SpecError
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection


def lif(label="a", size=3, **params):
    return Population(label, size, "IF_curr_exp", params=params)


@pytest.mark.parametrize("net, message", [
    (Network([lif(foo=1.0)]), r"unknown parameter\(s\) \['foo'\] for IF_curr_exp"),
    (Network([lif(tau_m=-5.0)]), r"tau_m=-5.0 must be > 0"),
    (Network([lif(v_reset=-40.0, v_thresh=-50.0)]), r"v_reset must lie below v_thresh"),
    (Network([lif(v_thresh=[1.0, 2.0])]), r"v_thresh has 2 values for 3 neurons"),
    (Network([Population("a", 0, "IF_curr_exp")]), r"size=0 must be a positive integer"),
    (Network([Population("a", 2, "Izhikevich_x")]), r"unknown cell type 'Izhikevich_x'"),
    (Network([lif("a"), lif("a")]), r"population label 'a' is used more than once"),
    (Network([lif()], [Projection("a", "b", AllToAll())]), r"post='b' names no population"),
    (Network([lif(), lif("b")], [Projection("a", "b", AllToAll(), delay=0.05)], dt=0.1),
     r"delay=0.05 ms is shorter than the time step dt=0.1 ms"),
    (Network([lif(), lif("b")], [Projection("a", "b", AllToAll(), delay=0.25)], dt=0.1),
     r"not a whole number of time steps"),
    (Network([lif(), lif("b")], [Projection("a", "b", AllToAll(), weight=-1.0)]), r"weight must be >= 0"),
    (Network([lif(), lif("b")], [Projection("a", "b", AllToAll(), receptor_type="gaba")]), r"receptor_type='gaba'"),
    (Network([lif(), lif("b")], [Projection("a", "b", "all")]), r"connector 'all' is not one of"),
    (Network([lif()], schedule="euler"), r"schedule='euler' is not known"),
    (Network([lif()], dt=0.0), r"dt=0.0 must be a finite time step > 0"),
    (Network([lif(), lif("b")], [Projection("a", "b", AllToAll(), plasticity=SpikePairSTDP())]),
     r"runs in the 'spinnaker' schedule only"),
    (Network([lif(), lif("b")], [Projection("a", "b", AllToAll(), plasticity=SpikePairSTDP(tau_plus=0.0))],
             schedule="spinnaker"), r"tau_plus=0.0 must be > 0"),
    (Network([Population("s", 2, "SpikeSourceArray"), lif()], [Projection("a", "s", OneToOne())]),
     r"is a spike source and cannot receive synapses"),
])
def test_validate_names_the_problem(net, message):
    with pytest.raises(SpecError, match=message):
        net.validate()


def test_validate_lists_every_problem_at_once():
    net = Network([lif(tau_m=-1.0), lif("b", foo=2.0)], [Projection("a", "zz", AllToAll())])
    problems = net.problems()
    assert len(problems) == 3
    with pytest.raises(SpecError) as err:
        net.validate()
    assert all(p in str(err.value) for p in problems)


def test_valid_network_passes_and_spec_is_frozen():
    net = Network([lif(), lif("b")], [Projection("a", "b", OneToOne(), weight=1.0, delay=2.0)], dt=1.0)
    assert net.validate() is net
    with pytest.raises(AttributeError):
        net.dt = 0.5
