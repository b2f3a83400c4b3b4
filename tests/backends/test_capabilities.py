"""check(net, backend): every problem, with a clear message, before any build."""
from dataclasses import dataclass

import pytest

from snn.connectors import AllToAll, OneToOne
from snn.errors import SpecError
from snn.hardware.capabilities import check, weight_resolution
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection

from nets import cam_like


def _net(**kw):
    pops = [Population("a", 4, "IF_curr_exp"), Population("b", 4, "IF_curr_exp")]
    projs = kw.pop("projections", [Projection("a", "b", OneToOne(), 1.0, 1.0)])
    return Network(pops + kw.pop("extra", []), projs, **kw)


def test_deployable_networks_have_no_problems():
    assert check(_net(), "spinnaker") == [] and check(_net(), "nest") == []
    assert check(cam_like(), "spinnaker") == []


def test_a_delay_of_200_steps_is_refused_on_spinnaker_only():
    net = _net(projections=[Projection("a", "b", OneToOne(), 1.0, 200.0)])
    (msg,) = check(net, "spinnaker")
    assert "'a->b'" in msg and "200 steps" in msg and "144" in msg and "delay-extension" in msg
    assert check(net, "nest") == []
    assert check(_net(projections=[Projection("a", "b", OneToOne(), 1.0, 144.0)]), "spinnaker") == []


def test_a_tenth_of_a_millisecond_is_refused_on_spinnaker():
    (msg,) = check(_net(dt=0.1), "spinnaker")
    assert "dt=0.1" in msg and "1.0" in msg
    assert check(_net(dt=0.1), "nest") == []


def test_an_unknown_cell_type_is_named():
    (msg,) = check(_net(extra=[Population("odd", 2, "HH_fancy")]), "spinnaker")
    assert "'odd'" in msg and "'HH_fancy'" in msg and "IF_curr_exp" in msg


def test_nalsm_models_are_refused_with_the_nearest_variant():
    @dataclass(frozen=True)
    class Astrocyte:        # stands in for the NALSM modulator: check knows models by name only
        plus: tuple = ("liquid",)

    @dataclass(frozen=True)
    class TraceSTDP:
        a: float = 0.1

    net = Network([Population("liquid", 10, "NALSM_LIF")],
                  [Projection("liquid", "liquid", AllToAll(False), 1.0, 1.0, plasticity=TraceSTDP())],
                  schedule="nalsm")
    object.__setattr__(net, "modulators", (Astrocyte(),))
    msgs = check(net, "spinnaker")
    assert len(msgs) == 4
    for where, name in (("schedule 'nalsm'", "'nalsm' schedule"), ("population 'liquid'", "NALSM_LIF"),
                        ("projection 'liquid->liquid'", "TraceSTDP"), ("modulator Astrocyte", "astrocyte")):
        (m,) = [m for m in msgs if m.startswith(where)]
        assert name in m and "cannot run on spinnaker" in m and "Nearest deployable variant" in m
    assert any("IF_curr_exp" in m for m in msgs) and any("SpikePairSTDP" in m for m in msgs)
    assert len(check(net, "nest")) == 4


def test_spinnaker_limits_plastic_rows_and_weight_resolution():
    big = Network([Population("pre", 2, "IF_curr_exp"), Population("post", 300, "IF_curr_exp")],
                  [Projection("pre", "post", AllToAll(), 0.0, 1.0, plasticity=SpikePairSTDP())], schedule="spinnaker")
    (msg,) = check(big, "spinnaker")
    assert "256 plastic synapses" in msg and "254" in msg
    tiny = _net(projections=[Projection("a", "b", OneToOne(), 100.0, 1.0),
                             Projection("a", "b", AllToAll(), 1e-4, 1.0, label="tiny")])
    (msg,) = check(tiny, "spinnaker")
    assert "'tiny'" in msg and "stored as 0" in msg
    assert weight_resolution(6.0) == 2.0 ** -12 and weight_resolution(8.0) == 2.0 ** -11


def test_unknown_backend_is_a_user_error():
    with pytest.raises(SpecError, match="not known"):
        check(_net(), "loihi")


def test_the_calcium_gate_is_refused_with_the_nearest_variant():
    from snn.plasticity import CalciumGate
    net = Network([Population("liquid", 10, "IF_curr_exp")], modulators=(CalciumGate(),))
    (msg,) = check(net, "nest")
    assert msg.startswith("modulator CalciumGate") and "calcium gate" in msg and "cannot run on nest" in msg
    assert "Nearest deployable variant" in msg and "FromList" in msg


def test_board_only_stdp_rules_are_named_as_not_exported():
    rule = SpikePairSTDP(w_max=2.0, timing="nearest", weight_dependence="multiplicative")
    net = _net(projections=[Projection("a", "b", OneToOne(), 1.0, 1.0, plasticity=rule)], schedule="spinnaker")
    (msg,) = check(net, "spinnaker")
    assert "'a->b'" in msg and "not exported yet" in msg and "timing='nearest'" in msg
