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
'spinnaker' variant) is one class here plus its kernels. A run that continues from a saved dynamic state (PyNN's
incremental ``run``) is one more option of the generic schedules: ``state`` in, the result's ``state`` out
(snn/run_state.py).
"""
from ..errors import SpecError


class Schedule:
    name = None
    stamp_offset = 0
    OPTIONS = {}
    keeps_traces = False            # per-neuron plasticity state besides V (for the memory estimate)

    def __init__(self, sim):
        self.sim = sim

    def options(self, batch, **given):
        """The schedule's options, defaults filled in. An option this schedule does not know is an error naming
        the schedule that has it, when one does."""
        unknown = [k for k, v in given.items() if k not in self.OPTIONS and not _is_default(k, v)]
        if unknown:
            owners = {k: [s for s, cls in SCHEDULES.items() if k in cls.OPTIONS] for k in unknown}
            where = "; ".join(f"{k} is an option of the {' / '.join(map(repr, o))} schedule" if o else
                              f"{k} is not a run option" for k, o in owners.items())
            raise SpecError(f"{where}, not of {self.name!r} (its options: {sorted(self.OPTIONS)})")
        return {k: given.get(k, default) for k, default in self.OPTIONS.items()}

    def run(self, stim, batch, sample_offset, n_steps, w0, chunk, progress, **options):
        raise NotImplementedError


def _is_default(option, value):
    """``value`` is None or the default another schedule gives ``option`` (passing it changes nothing)."""
    if value is None:
        return True
    defaults = [cls.OPTIONS[option] for cls in SCHEDULES.values() if option in cls.OPTIONS]
    return isinstance(value, (bool, int)) and any(type(d) is type(value) and d == value for d in defaults)


def schedule_for(sim):
    """The schedule object of ``sim.net.schedule``."""
    return SCHEDULES[sim.net.schedule](sim)


from .generic import GenericSchedule          # noqa: E402  (they subclass Schedule above)
from .nalsm import NalsmSchedule              # noqa: E402

SCHEDULES = {"exact": GenericSchedule, "spinnaker": GenericSchedule, "nalsm": NalsmSchedule}
