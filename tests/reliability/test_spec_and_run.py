"""Malformed and extreme values thrown at the network description, the connectors and ``Simulator.run``: each
either runs to a finite result or is refused with an SnnError naming the parameter; never a crash inside numba,
an IndexError / ZeroDivisionError / OverflowError, or a silent NaN."""
import numpy as np
from hypothesis import given, strategies as st

from snn.connectors import AllToAll, DistanceDependent, FixedProbability, FixedTotalNumber, FromList, OneToOne
from snn.engine import Simulator
from snn.plasticity import Astrocyte, SpikePairSTDP, TraceSTDP
from snn.spec import Network, Population, Projection

from ._util import BAD_FLOATS, BAD_OTHER, assert_finite, attempt

ANY_VALUE = st.one_of(st.sampled_from(BAD_FLOATS + BAD_OTHER), st.floats(allow_nan=True, allow_infinity=True),
                      st.integers(-10 ** 20, 10 ** 20), st.lists(st.floats(-1e3, 1e3), max_size=7))
IF_PARAMS = ("cm", "tau_m", "tau_refrac", "tau_syn_E", "tau_syn_I", "v_rest", "v_reset", "v_thresh", "i_offset")


def _net(params=None, init=None, size=5, weight=0.5, delay=1.0, dt=0.5, schedule="exact", seed=1, conn=None,
         plasticity=None):
    cell = "IF_curr_exp"
    return Network([Population("in", 5, "SpikeSourceInput"),
                    Population("lif", size, cell, params=params or {}, initial_values=init or {})],
                   [Projection("in", "lif", conn or AllToAll(), weight=weight, delay=delay, plasticity=plasticity)],
                   dt=dt, schedule=schedule, seed=seed)


def _build_and_run(net, **run_kw):
    sim = Simulator(net)
    # a 64 MiB limit: a valid but enormous network (a delay of 10^7 steps) is refused up front, not run for minutes
    res = sim.run(run_kw.pop("duration", 5.0), stimuli={"in": np.full((1, 5), 0.3)}, memory_limit=2 ** 26,
                  **run_kw)
    assert_finite(res)
    return res


@given(name=st.sampled_from(IF_PARAMS), value=ANY_VALUE, schedule=st.sampled_from(["exact", "spinnaker"]))
def test_cell_parameters(name, value, schedule):
    attempt("spec: cell parameters", lambda: _build_and_run(_net({name: value}, schedule=schedule)),
            names=(name, "v_reset", "lower"))


@given(value=ANY_VALUE)
def test_initial_values(value):
    attempt("spec: initial values", lambda: _build_and_run(_net(init={"v": value})), names=("v",))


@given(size=st.one_of(st.sampled_from([0, -1, 1.5, "3", None, True, 2 ** 70, np.int64(3), float("nan")]),
                      st.integers(-5, 8)))
def test_population_size(size):
    attempt("spec: population size", lambda: _build_and_run(_net(size=size)), names=("size",))


@given(weight=ANY_VALUE, delay=st.one_of(st.none(), ANY_VALUE), dt=st.sampled_from([0.1, 0.5, 1.0]))
def test_projection_weight_and_delay(weight, delay, dt):
    attempt("spec: weight, delay", lambda: _build_and_run(_net(weight=weight, delay=delay, dt=dt)),
            names=("weight", "delay", "memory"))


@given(dt=ANY_VALUE, seed=st.one_of(ANY_VALUE, st.integers(-2 ** 70, 2 ** 70)),
       schedule=st.sampled_from(["exact", "spinnaker", "nalsm", "", "EXACT", None, 3]))
def test_network_fields(dt, seed, schedule):
    attempt("spec: network dt, seed, schedule",
            lambda: _build_and_run(_net(dt=dt, seed=seed, schedule=schedule, delay=None)),
            names=("dt", "seed", "schedule", "does not run", "delay"))


CONNECTORS = st.one_of(
    st.builds(FixedProbability, ANY_VALUE), st.builds(FixedTotalNumber, ANY_VALUE),
    st.builds(DistanceDependent, ANY_VALUE, ANY_VALUE), st.builds(AllToAll, ANY_VALUE),
    st.builds(FromList, st.one_of(ANY_VALUE, st.lists(st.lists(ANY_VALUE, max_size=5), max_size=4),
                                  st.lists(st.tuples(st.integers(-2, 7), st.integers(-2, 7),
                                                     st.floats(allow_nan=True), st.sampled_from([0.5, 1.0, 1.3, 9e9])),
                                           max_size=6))),
    st.just(OneToOne()))


@given(data=st.data())
def test_connectors(data):
    def go():
        conn = data.draw(CONNECTORS)      # construction may refuse already
        return _build_and_run(_net(conn=conn, delay=None))
    attempt("connectors", go, names=("FixedProbability", "FixedTotalNumber", "DistanceDependent", "FromList",
                                     "AllToAll", "OneToOne", "positions", "weight", "delay"))


RULES = st.one_of(
    st.builds(SpikePairSTDP, ANY_VALUE, ANY_VALUE, ANY_VALUE, ANY_VALUE, ANY_VALUE, ANY_VALUE,
              st.one_of(st.integers(-3, 40), ANY_VALUE)),
    st.builds(TraceSTDP, ANY_VALUE, ANY_VALUE, ANY_VALUE, ANY_VALUE, ANY_VALUE, ANY_VALUE))


@given(data=st.data())
def test_plasticity_rules(data):
    def go():
        rule = data.draw(RULES)
        schedule = "spinnaker" if isinstance(rule, SpikePairSTDP) else "nalsm"
        if schedule == "nalsm":
            net = Network([Population("in", 5, "SpikeSourceInput"), Population("x", 4, "NALSM_LIF")],
                          [Projection("in", "x", AllToAll(), weight=0.5, plasticity=rule)], dt=1.0, schedule="nalsm",
                          seed=1)
        else:
            net = _net(plasticity=rule, schedule="spinnaker", dt=1.0, weight=0.5)
        return _build_and_run(net)
    attempt("plasticity rules", go, names=("STDP", "weight"))


@given(w_A=ANY_VALUE, b_A=ANY_VALUE, tau_A=ANY_VALUE, A0=ANY_VALUE, density=ANY_VALUE,
       plus=st.sampled_from([("x",), "x", ("nope",), (), None]))
def test_astrocyte(w_A, b_A, tau_A, A0, density, plus):
    def go():
        net = Network([Population("in", 5, "SpikeSourceInput"), Population("x", 4, "NALSM_LIF")],
                      [Projection("in", "x", AllToAll(), weight=0.5, plasticity=TraceSTDP())], dt=1.0,
                      schedule="nalsm", seed=1,
                      modulators=[Astrocyte(plus, w_A=w_A, b_A=b_A, tau_A=tau_A, A0=A0, density=density)])
        return _build_and_run(net)
    attempt("astrocyte", go, names=("Astrocyte",))


RUN_NET = _net(plasticity=None)


@given(duration=st.one_of(ANY_VALUE, st.sampled_from([1e15, 2.25, 0.5, 7.0])),
       batch=st.one_of(st.sampled_from([0, -1, 1.5, 2.0, "2", None, True, 2 ** 40, float("nan"), 10 ** 30]),
                       st.integers(1, 4)),
       seed=st.one_of(st.sampled_from([-1, 2 ** 63, 1.0, "1", None, True]), st.integers(0, 2 ** 63 - 1)),
       sample_offset=st.one_of(st.sampled_from([-1, 1.5, None, 2 ** 63]), st.integers(0, 10 ** 6)),
       chunk=st.one_of(st.none(), st.sampled_from([0, -2, 1.5, "a", 3]), st.integers(1, 5)))
def test_run_arguments(duration, batch, seed, sample_offset, chunk):
    sim = Simulator(RUN_NET)

    def go():
        # 16 MiB: a valid but enormous duration (1e9 ms) is refused up front instead of running for hours
        res = sim.run(duration, batch=batch, seed=seed, sample_offset=sample_offset, chunk=chunk,
                      stimuli={"in": np.full((1, 5), 0.3)}, memory_limit=2 ** 24)
        assert_finite(res)
        return res
    attempt("run: duration, batch, seed, offset, chunk", go,
            names=("duration", "batch", "seed", "sample_offset", "chunk", "memory"))


STIM_ARRAYS = st.one_of(
    st.sampled_from([np.full((1, 5), np.nan), np.full((1, 5), -0.1), np.full((1, 5), 1.01), np.zeros((2, 5)),
                     np.zeros((3, 5)), np.zeros((1, 4)), np.zeros(5), np.zeros((1, 5, 3), bool),
                     np.zeros((1, 5, 40), np.uint8), np.zeros((2, 5, 40), bool), np.zeros((1, 5, 40), np.int64),
                     np.zeros((1, 5, 40), np.float32), np.full((1, 5), 0.5, np.float16), np.zeros((0, 5)),
                     np.array([[0.1] * 5], dtype=object), "abc", None, [[0.1, 0.2], [0.3]], 5, {"a": 1}]),
    st.lists(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=5, max_size=5), min_size=1,
             max_size=2).map(np.array))


@given(stim=STIM_ARRAYS, label=st.sampled_from(["in", "lif", "nope", 3]),
       batch=st.integers(1, 2))
def test_run_stimuli(stim, label, batch):
    sim = Simulator(RUN_NET)
    attempt("run: stimuli", lambda: assert_finite(sim.run(20.0, batch=batch, stimuli={label: stim})),
            names=("stimul",))


def test_run_stimuli_not_a_dict():
    sim = Simulator(RUN_NET)
    for bad in (["in"], "in", np.zeros((1, 5)), 3):
        attempt("run: stimuli", sim.run, 10.0, stimuli=bad, names=("stimuli",))


@given(w=st.one_of(ANY_VALUE, st.sampled_from([np.full(25, np.nan), np.full((2, 25), 0.5), np.full((3, 25), 0.5),
                                               np.full(24, 0.5), np.full((1, 1, 25), 0.5), np.full(25, 1e300)])),
       batch=st.integers(1, 2))
def test_run_plastic_weights(w, batch):
    net = _net(plasticity=SpikePairSTDP(), schedule="spinnaker", dt=1.0)
    sim = Simulator(net)
    attempt("run: plastic_weights",
            lambda: assert_finite(sim.run(10.0, batch=batch, plastic_weights=w,
                                          stimuli={"in": np.full((1, 5), 0.3)})),
            names=("plastic_weights",))


@given(traces=st.one_of(ANY_VALUE, st.sampled_from([np.full(9, np.nan), np.zeros(9), np.zeros(8),
                                                     np.zeros((2, 9))])),
       carry=st.sampled_from([True, False, 1, None]))
def test_run_traces_and_carry_over(traces, carry):
    net = Network([Population("in", 5, "SpikeSourceInput"), Population("x", 4, "NALSM_LIF")],
                  [Projection("in", "x", AllToAll(), weight=0.5, plasticity=TraceSTDP())], dt=1.0, schedule="nalsm")
    sim = Simulator(net)
    attempt("run: traces, carry_over",
            lambda: assert_finite(sim.run(10.0, batch=2, traces=traces, carry_over=carry,
                                          stimuli={"in": np.full((1, 5), 0.3)})),
            names=("traces", "carry_over"))
