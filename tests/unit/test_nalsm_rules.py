"""NALSM_LIF / TraceSTDP / Astrocyte / CalciumGate: validation, STDP sign conventions, the calcium gate's
windows, the astrocyte fixed point."""
import numpy as np
import pytest

from snn.connectors import FromList, OneToOne
from snn.engine import Simulator
from snn.errors import SpecError
from snn.plasticity import Astrocyte, CalciumGate, TraceSTDP
from snn.spec import Network, Population, Projection

D, A_TR, ETA = 0.9047744744744745, 0.1, 0.15


def test_signed_weights_only_onto_signed_cell_types():
    ok = Network([Population("a", 2, "NALSM_LIF"), Population("b", 2, "NALSM_LIF")],
                 [Projection("a", "b", OneToOne(), weight=-1.5)], schedule="nalsm")
    ok.validate()
    bad = Network([Population("a", 2, "IF_curr_exp"), Population("b", 2, "IF_curr_exp")],
                  [Projection("a", "b", OneToOne(), weight=-1.5)])
    with pytest.raises(SpecError, match="signed weights are allowed only onto.*NALSM_LIF"):
        bad.validate()


def test_rules_and_modulators_name_their_schedule():
    pops = [Population("a", 2, "IF_curr_exp"), Population("b", 2, "IF_curr_exp")]
    with pytest.raises(SpecError, match="TraceSTDP runs in the 'nalsm' schedule only"):
        Network(pops, [Projection("a", "b", OneToOne(), weight=1.0, plasticity=TraceSTDP())]).validate()
    with pytest.raises(SpecError, match="NALSM_LIF does not run in schedule 'exact'"):
        Network([Population("a", 2, "NALSM_LIF")]).validate()
    with pytest.raises(SpecError, match="Astrocyte listens to 'zz'"):
        Network([Population("a", 2, "NALSM_LIF")], schedule="nalsm", modulators=(Astrocyte(plus=("zz",)),)).validate()


def test_calcium_gate_validation():
    net = Network([Population("a", 2, "NALSM_LIF")], schedule="nalsm")
    with pytest.raises(SpecError, match="CalciumGate width=0.0 must be > 0"):
        Network(net.populations, schedule="nalsm", modulators=(CalciumGate(width=0.0),)).validate()
    with pytest.raises(SpecError, match="CalciumGate tau_C=-1.0 must be > 0"):
        Network(net.populations, schedule="nalsm", modulators=(CalciumGate(tau_C=-1.0),)).validate()
    with pytest.raises(SpecError, match="at most one CalciumGate per network"):
        Network(net.populations, schedule="nalsm", modulators=(CalciumGate(), CalciumGate())).validate()
    Network(net.populations, schedule="nalsm", modulators=(CalciumGate(), Astrocyte(plus=("a",)))).validate()


def _pair_net(pre_sign, mirrored, mods=()):
    """Two cells, each driven by its own event source (pulse 100 -> it spikes the next step); a weak plastic
    synapse pre -> post of weight pre_sign * 0.5 that cannot make post spike by itself."""
    pops = [Population("pre", 1, "NALSM_LIF"), Population("post", 1, "NALSM_LIF"),
            Population("src", 2, "SpikeSourceInput")]
    lo, hi = (-3.0, 0.0) if pre_sign < 0 else (0.0, 3.0)
    projs = [Projection("src", "pre", FromList([(0, 0, 100.0)])), Projection("src", "post", FromList([(1, 0, 100.0)])),
             Projection("pre", "post", FromList([(0, 0, 0.5 * pre_sign)]),
                        plasticity=TraceSTDP(w_min=lo, w_max=hi, mirrored=mirrored))]
    return Network(pops, projs, schedule="nalsm", modulators=mods)


@pytest.mark.parametrize("pre_sign,mirrored", [(1, False), (-1, True)])
@pytest.mark.parametrize("order", ["causal", "anticausal"])
def test_stdp_sign_conventions(pre_sign, mirrored, order):
    """Pre fires at step 5, post at 8 (causal) or the reverse. Exc: causal potentiates by eta+ a d^3,
    anti-causal depresses by eta- a d^3. Inh (mirrored): causal makes w more negative by eta- a d^3, anti-causal
    less negative by eta+ a d^3. Exact to 1e-15 (a handful of float operations)."""
    sim = Simulator(_pair_net(pre_sign, mirrored))
    ev = np.zeros((1, 2, 20), bool)
    t_pre, t_post = (4, 7) if order == "causal" else (7, 4)     # events one step before the spikes
    ev[0, 0, t_pre], ev[0, 1, t_post] = True, True
    r = sim.run(20.0, stimuli={"src": ev})
    assert r.spikes("pre")[0].tolist() == [t_pre + 1] and r.spikes("post")[0].tolist() == [t_post + 1]
    w = r.weights("pre->post")[2][0]
    step = ETA * A_TR * D ** 3
    raise_w = (order == "causal") != mirrored      # exc causal / inh anti-causal raise the signed weight
    expected = 0.5 * pre_sign + (step if raise_w else -step)
    assert w == pytest.approx(expected, abs=1e-15)


def test_astrocyte_fixed_point_under_constant_drive():
    """30 'plus' cells and 15 'minus' cells fire every 3 steps, in three phases set by their initial V, so the
    drive is 10 - 5 = 5 spikes per step from step 2 on. A relaxes with tau_A = 100 to A* = b_A + w_A * 5 = 0.225;
    after 1500 steps the transient is below 0.1 e^-14.9 < 1e-7."""
    v0 = np.tile([25.0, 0.0, -10.0], 10)
    pops = [Population("plus", 30, "NALSM_LIF", params=dict(i_offset=25.0), initial_values=dict(v=v0)),
            Population("minus", 15, "NALSM_LIF", params=dict(i_offset=25.0), initial_values=dict(v=v0[:15]))]
    net = Network(pops, schedule="nalsm", modulators=(Astrocyte(plus=("plus",), minus=("minus",), w_A=0.015,
                                                                b_A=0.15, tau_A=100.0, A0=0.15),))
    r = Simulator(net, record=("plus",)).run(1500.0)
    t, i = r.spikes("plus")
    per_step = np.bincount(t.astype(int), minlength=1500)
    assert np.all(per_step[2:] == 10)
    assert np.all(r.counts("minus")[0] >= 499)
    A, w_A, b_A = r.modulator_state[0]
    assert A == pytest.approx(0.15 + 0.015 * 5, abs=1e-7)
    assert (w_A, b_A) == (0.015, 0.15)


@pytest.mark.parametrize("pre_sign,mirrored", [(1, False), (-1, True)])
@pytest.mark.parametrize("order", ["causal", "anticausal"])
@pytest.mark.parametrize("c0,window", [(48.0, "ltp"), (26.0, "ltd"), (5.0, None), (70.0, None)])
def test_calcium_gate_windows(pre_sign, mirrored, order, c0, window):
    """The pairs of test_stdp_sign_conventions under CalciumGate(theta=37, width=22): LTP window (37, 59), LTD
    window (15, 37). Every neuron starts at calcium c0, which moves by < 2 in 20 steps (tau 1000 ms, one spike),
    so it stays in its window. A change that raises w (exc causal, inh anti-causal) happens only in the LTP
    window, one that lowers w only in the LTD window, none outside both; its size is that of the free rule."""
    sim = Simulator(_pair_net(pre_sign, mirrored, mods=(CalciumGate(theta=37.0, width=22.0),)))
    ev = np.zeros((1, 2, 20), bool)
    t_pre, t_post = (4, 7) if order == "causal" else (7, 4)
    ev[0, 0, t_pre], ev[0, 1, t_post] = True, True
    r = sim.run(20.0, stimuli={"src": ev}, calcium=np.full(sim.lowered.coefs.shape[1], c0))
    assert r.spikes("pre")[0].tolist() == [t_pre + 1] and r.spikes("post")[0].tolist() == [t_post + 1]
    raise_w = (order == "causal") != mirrored
    passes = window == ("ltp" if raise_w else "ltd")
    step = ETA * A_TR * D ** 3 if passes else 0.0
    assert r.weights("pre->post")[2][0] == pytest.approx(0.5 * pre_sign + (step if raise_w else -step), abs=1e-15)
    post = sim.offsets["post"]
    expected_c = c0 * (1 - 1e-3) ** 20 + (1 - 1e-3) ** (19 - (t_post + 1))     # decayed start + its one spike
    assert r.calcium[0, post] == pytest.approx(expected_c, rel=1e-12)
