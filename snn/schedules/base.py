"""The interface every schedule implements (``snn/schedules/__init__.py`` says what each method does) and the
table of schedules by name, which ``snn/schedules/__init__.py`` fills."""
from ..errors import SpecError

SCHEDULES = {}      # schedule name -> class


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
