"""Schedules behind one interface (snn/schedules/): each takes its own run options and refuses the others by
name; the result is built complete with the schedule's own fields."""
import numpy as np
import pytest

from snn.connectors import OneToOne
from snn.engine import Simulator
from snn.errors import SpecError
from snn.schedules import SCHEDULES, GenericSchedule, NalsmSchedule
from snn.spec import SCHEDULES as SPEC_SCHEDULES, Network, Population, Projection


def _generic():
    return Network([Population("src", 2, "SpikeSourceArray", {"spike_times": [[1.0], [2.0]]}),
                    Population("n", 2, "IF_curr_exp", {"tau_syn_E": 0.5})],
                   [Projection("src", "n", OneToOne(), weight=300.0, delay=1.0)], dt=1.0)


def _nalsm():
    return Network([Population("in", 2, "SpikeSourceInput"), Population("n", 2, "NALSM_LIF")],
                   [Projection("in", "n", OneToOne(), weight=100.0)], dt=1.0, schedule="nalsm")


def test_every_spec_schedule_has_an_object():
    assert set(SCHEDULES) == set(SPEC_SCHEDULES)
    assert isinstance(Simulator(_generic()).schedule, GenericSchedule)
    assert isinstance(Simulator(_nalsm()).schedule, NalsmSchedule)


@pytest.mark.parametrize("make, option, value, owner", [
    (_generic, "carry_over", True, "'nalsm'"),
    (_generic, "traces", np.zeros(4), "'nalsm'"),
    (_nalsm, "record_v", {"n": None}, "'exact' / 'spinnaker'"),
    (_nalsm, "every", 5, "'exact' / 'spinnaker'"),
])
def test_an_option_of_another_schedule_is_refused_by_name(make, option, value, owner):
    with pytest.raises(SpecError, match=f"{option} is an option of the {owner} schedule"):
        Simulator(make()).run(5.0, **{option: value})


def test_unknown_options_and_defaults():
    with pytest.raises(SpecError, match="colour is not a run option"):
        Simulator(_generic()).run(5.0, colour="red")
    Simulator(_generic()).run(5.0, keep_weights=True, carry_over=False)   # another schedule's defaults: no-ops
    Simulator(_nalsm()).run(5.0, every=1, record_v=None)


def test_results_carry_the_schedules_fields():
    r = Simulator(_generic()).run(5.0, record_v={"n": None})
    t, v = r.v("n")
    assert t.size == 5 and v.shape == (5, 2) and r.counts("n").sum() == 2
    r = Simulator(_nalsm()).run(5.0, batch=2, stimuli={"in": np.array([[1.0, 0.0], [0.0, 1.0]])})
    assert r.traces.shape == (2, 4) and r.calcium.shape == (2, 4) and r.modulator_state.shape == (2, 3)
    c = r.counts("n")
    assert c[0, 0] > 0 and c[0, 1] == 0 and c[1, 1] > 0 and c[1, 0] == 0
