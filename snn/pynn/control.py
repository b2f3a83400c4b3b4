"""setup / end / run / reset and the state queries of ``snn.pynn`` (as pyNN/mock/control.py).

``setup`` takes PyNN's arguments (timestep, min_delay, max_delay, rng_seed) and snn's own extra, ``schedule``
('exact', the default: NEST-like exact integration with on-grid spikes; 'spinnaker': the board's fixed point,
better reached through ``snn.pynn.spinnaker``, which takes sPyNNaker's setup options too).
Other simulators' extras (NEST's ``t_flush``, ``threads`` ...) are accepted and ignored, so a script written for
them runs unchanged; NEST's ``spike_precision`` ("on_grid", "off_grid") is kept (see SPIKE_PRECISIONS).
"""
from pyNN import common
from pyNN.common.control import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
from pyNN.recording import get_io

from ..errors import SpecError
from . import simulator

# 'exact': NEST's conventions; 'spinnaker': the board's tick stamps and start-of-tick recording, in its fixed
# point (the schedule of snn.pynn.spinnaker, which also takes sPyNNaker's own setup options).
SNN_SCHEDULES = ("exact", "spinnaker")
# pyNN.nest's spike precisions: snn's spikes stay on the grid either way; with "off_grid" a SpikeSourceArray
# records its given times (as NEST's precise spike_generator), snn/pynn/build.py
SPIKE_PRECISIONS = ("on_grid", "off_grid")


def setup(timestep=DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY, **extra_params):
    """Initialise (or re-initialise) the simulator; any existing network is destroyed. Returns the rank (0)."""
    max_delay = extra_params.get("max_delay", DEFAULT_MAX_DELAY)
    common.setup(timestep, min_delay, **extra_params)
    schedule = extra_params.get("schedule", "exact")
    if schedule not in SNN_SCHEDULES:
        raise SpecError(f"setup(schedule={schedule!r}): snn.pynn runs the schedules {SNN_SCHEDULES}")
    seed = extra_params.get("rng_seed", 0)
    if not (isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2 ** 63):
        raise SpecError(f"setup(rng_seed={seed!r}) must be an integer in [0, 2**63)")
    state = simulator.state
    state.clear()
    state.dt = float(timestep)
    state.auto_min_delay = min_delay == "auto"      # then the shortest delay of the network, known at run()
    state.min_delay = state.dt if min_delay == "auto" else float(min_delay)
    state.max_delay = max(10.0, state.min_delay) if max_delay == "auto" else float(max_delay)
    state.rng_seed = seed
    state.schedule = schedule
    state.spike_precision = extra_params.get("spike_precision", "on_grid")
    if state.spike_precision not in SPIKE_PRECISIONS:
        raise SpecError(f"setup(spike_precision={state.spike_precision!r}): one of {SPIKE_PRECISIONS}")
    state.spinnaker_version = None
    state.spinnaker_extras = {}
    return rank()


def end(compatible_output=True):
    """Write the data requested with ``record(..., filename)`` and forget the run."""
    for population, variables, filename in simulator.state.write_on_end:
        population.write_data(get_io(filename), variables)
    simulator.state.write_on_end = []


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, get_min_delay, get_max_delay, num_processes, rank = \
    common.build_state_queries(simulator)
