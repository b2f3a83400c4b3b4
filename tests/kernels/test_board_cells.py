"""IF_cond_exp, IF_curr_delta and Izhikevich in the board's fixed point (snn/kernels/board_cells.py) against a
naive integer transcription of sPyNNaker's C (tests/kernels/naive_board_cells.py) and hand-worked integers.
Tolerance: none, the board's integers are exact."""
import numpy as np
import pytest

from snn.connectors import FromList
from snn.engine import Simulator
from snn.errors import SpecError
from snn.spec import Network, Population, Projection

from naive_board_cells import run as naive

LIF = dict(cm=1.0, tau_m=20.0, tau_refrac=2.0, v_rest=-65.0, v_reset=-70.0, v_thresh=-50.0, i_offset=0.0)


def board(cell, params, weight, times, n_ticks, dt=1.0, steps=None, inh=(0.0, ())):
    """One neuron of ``cell`` driven by a SpikeSourceArray (delay one tick) through its excitatory synapse and,
    ``inh`` = (weight, times), another through its inhibitory one: V per tick and spike ticks."""
    net = Network([Population("src", 1, "SpikeSourceArray", params=dict(spike_times=[times])),
                   Population("inh", 1, "SpikeSourceArray", params=dict(spike_times=[list(inh[1])])),
                   Population("n", 1, cell, params=params)],
                  [Projection("src", "n", FromList(((0, 0, weight),)), weight, dt),
                   Projection("inh", "n", FromList(((0, 0, inh[0]),)), inh[0], dt, receptor_type="inhibitory")],
                  dt=dt, schedule="spinnaker")
    res = Simulator(net, n_steps_per_timestep=steps and {"n": steps}).run(n_ticks * dt, record_v={"n": None})
    t, _ = res.spikes("n")
    return res.v("n")[1][:, 0].tolist(), np.round(t / dt).astype(int).tolist(), res


@pytest.mark.parametrize("weight", [0.05, 0.13, 0.4])
def test_if_cond_exp_matches_naive(weight):
    p = dict(LIF, tau_syn_E=5.0, tau_syn_I=5.0, e_rev_E=0.0, e_rev_I=-70.0, i_offset=0.2)
    times, inh = [0.0, 3.0, 4.0, 20.0, 21.0, 22.0, 40.0], [10.0, 21.0, 50.0]
    v, spikes, res = board("IF_cond_exp", p, weight, times, 80, inh=(0.07, inh))
    v_ref, s_ref = naive("cond", p, weight, {int(x) + 1 for x in times}, 80, inh=(0.07, {int(x) + 1 for x in inh}))
    assert v == v_ref and spikes == s_ref
    assert len(set(v)) > 20       # the trace moves: the comparison is not of two constants


def test_if_cond_exp_records_the_conductance_in_uS():
    """gsyn_exc of a conductance cell is the input value >> 10 (input_type_conductance.h): 5 uS arrives as the
    word 20480 << 13 (max weight 5 * 1024 -> shift 13, scale 4 * 1024), times init, then >> 10."""
    _, _, res = board("IF_cond_exp", {}, 5.0, [0.0], 4)
    init = round(5.0 * (1 - np.exp(-1 / 5.0)) * 2 ** 32)      # synapse_type_exponential.py, tau_syn_E 5
    assert res.ring_buffer_shifts[("n", 0)] == 13
    assert res.gsyn("n")[1][1, 0] == (((20480 << 13) * init >> 32) >> 10) / 2 ** 15


def test_if_curr_delta_hand_worked():
    """2 mV at rest: word 16384 << 2 = 2.0 (max weight 2 -> shift 2), times scale_factor 1.0; alpha = 2 * R +
    V_rest = 40 - 65 = -25 (bits -819200); exp_TC = round(e^-0.05 2^15) = 31170; V = alpha - (31170 * 1310720
    >> 15) = -819200 - 1246800 = -2066000 bits = -63.04931640625 mV, recorded at the start of the next tick; the
    input is gone after the tick (synapse_types_delta_impl.h)."""
    p = dict(LIF)
    v, _, _ = board("IF_curr_delta", p, 2.0, [0.0], 4)
    assert v[:3] == [-65.0, -65.0, -63.04931640625]
    v_ref, _ = naive("delta", p, 2.0, {1}, 4)
    assert v == v_ref and -65.0 < v[3] < v[2]       # then it relaxes towards rest: no more input


def test_if_curr_delta_matches_naive_with_spikes():
    p = dict(LIF, tau_refrac=3.0)
    times = [float(t) for t in range(0, 60, 2)]
    v, spikes, _ = board("IF_curr_delta", p, 4.0, times, 80, inh=(3.0, [9.0, 30.0]))
    v_ref, s_ref = naive("delta", p, 4.0, {int(x) + 1 for x in times}, 80, inh=(3.0, {10, 31}))
    assert v == v_ref and spikes == s_ref and len(spikes) >= 2


def test_izhikevich_hand_worked_first_step():
    """In s16.15 bits: V = -2293760 (-70), U = -458752 (-14), I = 0, a = 655 (0.02), b = 6554 (0.2), h = 32768:
    pre_alph = 4587520 + 458752 = 5046272; 1311 V >> 15 = -91770, (163840 - 91770) V >> 15 = -5044900, alpha =
    1372; eta = V + (1372 >> 1) = -2293074; b V >> 15 = -458780, minus U = -28, times a >> 15 = -1, half: beta =
    -1; 1311 eta >> 15 = -91743, (163840 - 91743) eta >> 15 = -5045281; V += 5046272 + 1 - 5045281 = 992:
    V = -2292768 bits = -69.9697265625 mV at the start of tick 1."""
    v, _, _ = board("Izhikevich", {}, 0.0, [], 3)
    assert v[:2] == [-70.0, -69.9697265625]


@pytest.mark.parametrize("params", [dict(a=0.02, b=0.2, c=-65.0, d=8.0, i_offset=5.0),
                                    dict(a=0.1, b=0.2, c=-65.0, d=2.0, i_offset=0.0)])
def test_izhikevich_matches_naive(params):
    """Regular spiking with a bias (spikes, resets, the 1.85 h after a spike) and fast spiking driven by an
    exponential current synapse (sPyNNaker's Izhikevich, tau_syn 5 ms)."""
    times = [float(t) for t in range(5, 100, 7)]
    v, spikes, _ = board("Izhikevich", params, 6.0, times, 150)
    v_ref, s_ref = naive("izk", params, 6.0, {int(x) + 1 for x in times}, 150)
    assert v == v_ref and spikes == s_ref and len(spikes) >= 3


def test_steps_per_timestep_are_the_finer_time_step():
    """n_steps_per_timestep = 2 at 0.1 ms computes each step as a 0.05 ms tick (test_multi_step's claim): the
    V at the start of tick k (after 2k steps) is the naive 0.05 ms neuron's after 2k ticks, the input joining
    once per tick at the first of its two steps."""
    p = dict(LIF, tau_syn_E=5.0, tau_syn_I=5.0, e_rev_E=0.0, e_rev_I=-70.0)
    v, _, _ = board("IF_cond_exp", p, 0.1, [0.0, 2.0], 60, dt=0.1, steps=2)
    v_ref, _ = naive("cond", p, 0.1, {2, 42}, 120, dt=0.05)
    assert v == v_ref[::2] and len(set(v)) > 10


def test_fixed_point_only_types_refuse_float64():
    net = Network([Population("n", 1, "IF_cond_exp")], dt=1.0, schedule="spinnaker")
    with pytest.raises(SpecError, match="fixed point only"):
        Simulator(net, arithmetic="float64")
    with pytest.raises(SpecError, match="n_steps_per_timestep names population 'x'"):
        Simulator(net, n_steps_per_timestep={"x": 2})


def test_a_continued_run_carries_u_and_h():
    """Izhikevich's U and this_h travel in BoardState.aux: 30 + 50 ticks are the 80 of one run, bit for bit."""
    times = [float(t) for t in range(2, 80, 9)]
    net = Network([Population("src", 1, "SpikeSourceArray", params=dict(spike_times=[times])),
                   Population("n", 1, "Izhikevich", params=dict(i_offset=10.0, d=8.0))],
                  [Projection("src", "n", FromList(((0, 0, 5.0),)), 5.0, 1.0)], dt=1.0, schedule="spinnaker")
    whole = Simulator(net).run(80.0, record_v={"n": None})
    sim = Simulator(net)
    r1 = sim.run(30.0, state=sim.initial_state(), record_v={"n": None})
    r2 = sim.run(50.0, state=r1.state, record_v={"n": None})
    v = np.concatenate([r1.v("n")[1], r2.v("n")[1]])
    assert np.array_equal(v, whole.v("n")[1]) and whole.spikes("n")[0].size >= 3
    assert r2.spikes("n")[0].tolist() == [t for t in whole.spikes("n")[0].tolist() if t >= 30]
