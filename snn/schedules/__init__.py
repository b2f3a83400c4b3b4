"""Schedules behind one interface (in the spirit of brian2's ``Device``): a schedule owns its extra arrays, its
run and its result fields; ``Simulator`` lowers the network, checks the options common to every schedule and
hands the rest to the schedule, which returns the fields of a complete ``Result``.

    class Schedule:
        name, stamp_offset              # spike time = (step + stamp_offset) * dt
        OPTIONS = {option: default}     # run options of this schedule only (record_v, carry_over, ...)
        __init__(sim)                   # lower the schedule's own arrays from sim.net / sim.lowered / sim.offsets
        options(batch, **given) -> dict # validate the schedule's options (unknown ones: SpecError naming them)
        run(stim, batch, sample_offset, n_steps, w0, chunk, progress, **options) -> dict of Result fields

Schedules: 'exact' and 'spinnaker' (``generic.GenericSchedule``: the per-step order of
``snn/kernels/schedules.py``, each cell type's kernel step from the registry) and 'nalsm'
(``nalsm.NalsmSchedule``: ``snn/kernels/nalsm_schedule.py``). A new schedule (e.g. a bit-exact fixed-point
'spinnaker' variant) is one class here plus its kernels; a run that continues from a saved dynamic state (PyNN's
incremental ``run``) would be one more option of the schedule (a state in, a state out), not a change of
``Simulator``.
"""
from .base import SCHEDULES, Schedule  # noqa: F401 (Schedule: the interface, re-exported)
from .generic import GenericSchedule
from .nalsm import NalsmSchedule

SCHEDULES.update({"exact": GenericSchedule, "spinnaker": GenericSchedule, "nalsm": NalsmSchedule})


def schedule_for(sim):
    """The schedule object of ``sim.net.schedule``."""
    return SCHEDULES[sim.net.schedule](sim)
