"""Schedules behind one interface (in the spirit of brian2's ``Device``): a schedule owns its extra arrays, its
run and its result fields; ``Simulator`` lowers the network, checks the options common to every schedule and
hands the rest to the schedule, which returns the fields of a complete ``Result``.

    class Schedule:
        name, stamp_offset              # spike time = (step + stamp_offset) * dt
        OPTIONS = {option: default}     # run options of this schedule only (record_v, carry_over, ...)
        __init__(sim)                   # lower the schedule's own arrays from sim.net / sim.lowered / sim.offsets
        options(batch, **given) -> dict # validate the schedule's options (unknown ones: SpecError naming them)
        run(stim, batch, sample_offset, n_steps, w0, chunk, progress, **options) -> dict of Result fields

Schedules: 'exact' (``generic.GenericSchedule``: the per-step order of ``snn/kernels/schedules.py``, each cell
type's kernel step from the registry), 'spinnaker' (``spinnaker.SpinnakerSchedule``: the board's fixed-point
tick, ``snn/kernels/board.py``, or the generic kernels with ``arithmetic='float64'``) and 'nalsm'
(``nalsm.NalsmSchedule``: ``snn/kernels/nalsm_schedule.py``). A new schedule is one class here plus its
kernels. A run that continues from a saved dynamic state (PyNN's incremental ``run``) is one more option of the
generic schedules: ``state`` in, the result's ``state`` out (snn/run_state.py); so is ``threads``, K threads inside
each sample (``team.py``, snn/threads.py).
"""
from .base import SCHEDULES, Schedule  # noqa: F401 (Schedule: the interface, re-exported)
from .generic import GenericSchedule
from .nalsm import NalsmSchedule
from .spinnaker import SpinnakerSchedule

SCHEDULES.update({"exact": GenericSchedule, "spinnaker": SpinnakerSchedule, "nalsm": NalsmSchedule})


def schedule_for(sim):
    """The schedule object of ``sim.net.schedule``."""
    return SCHEDULES[sim.net.schedule](sim)
