"""``initial_values`` as sPyNNaker (6.x) defines them, for ``snn.pynn.spinnaker``; ``snn.pynn`` keeps PyNN's.

sPyNNaker holds one host copy of each population's state variables (``spynnaker/pyNN/models/populations/
population.py``):

* ``pop.initial_values[name]`` reads that copy, as a list of numbers (it compares equal to a list);
* the first ``initialize`` (or ``set``) after a run first reads the current state back from the machine into the
  copy (``_read_parameters_before_set``: once per run, not after a reset), then changes the selected neurons:
  the others show their current state, no longer their initial value;
* ``reset()`` reloads the state the first run after ``setup`` / the last reset started from (the board saves it
  at load, ``neuron_impl_load_neuron_parameters``' ``save_initial_state``); changes made between runs are gone.

In PyNN (``snn.pynn``) initial values are what initialize() last set, and reset() returns to them.
"""
import numpy as np
from pyNN.parameters import LazyArray

from . import simulator
from ..kernels.fixed_point import S1615_ONE


class Listed(LazyArray):
    """A LazyArray that compares with a list of numbers as sPyNNaker's list of values does."""

    __hash__ = None

    def __eq__(self, other):
        if isinstance(other, (list, tuple)):
            return np.asarray(self.evaluate(simplify=False)).tolist() == list(other)
        return super().__eq__(other)

    def __ne__(self, other):
        if isinstance(other, (list, tuple)):
            return not self == other
        return super().__ne__(other)


class InitialValues(dict):
    """A population's initial values; each read as a ``Listed``."""

    def __getitem__(self, name):
        value = super().__getitem__(name)
        if isinstance(value, LazyArray) and not isinstance(value, Listed):
            listed = Listed.__new__(Listed)
            listed.__dict__.update(value.__dict__)
            return listed
        return value


def read_back(pop):
    """Before a change after a run (once per run): the current state becomes the population's initial values;
    the values the run started from are kept for reset()."""
    state = simulator.state
    run_state = state._run_state
    if state.step == 0 or run_state is None or getattr(pop, "_read_at", None) == state.step:
        return
    pop._read_at = state.step
    if getattr(pop, "_started_from", None) is None:
        pop._started_from = {k: LazyArray(v.evaluate(simplify=False), shape=(pop.size,))
                              for k, v in pop.initial_values.items()}
    cells = np.asarray(pop.all_cells, int)
    fixed = hasattr(run_state, "isyn")       # the board's integers: s16.15 bits
    syn = run_state.isyn if fixed else run_state.syn
    for name, row in getattr(pop.celltype, "state_rows", {}).items():
        if name in pop.initial_values:
            now = (run_state.v[0, cells] if row == 0 else syn[0, row - 1, cells]).astype(float)
            pop.initial_values[name] = LazyArray(now / S1615_ONE if fixed else now, shape=(pop.size,))


def back_to_start(pop):
    """reset(): the values the first run since setup / the last reset started from."""
    started = getattr(pop, "_started_from", None)
    pop._started_from, pop._read_at = None, None
    if started is not None:
        pop.initial_values.update(started)
        simulator.state.changed()
