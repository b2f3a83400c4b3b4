"""Population, PopulationView and Assembly of ``snn.pynn`` (as pyNN/mock/populations.py): parameters live as
native arrays in the population (``_parameters``, one value per cell) and reach the engine when the network is
next lowered; initial values are pyNN.common's LazyArrays. A change marks the network as changed, so the next
run lowers it again and continues from the carried state.
"""
import numpy as np
from pyNN import common, errors
from pyNN.parameters import LazyArray, ParameterSpace, simplify
from pyNN.standardmodels import StandardCellType

from . import simulator
from .recording import Recorder


def _per_cell(value, size):
    """One value per cell (an object array for sequences such as spike_times)."""
    arr = np.asarray(value)
    if arr.ndim == 0 or arr.shape[0] != size:
        out = np.empty(size, dtype=arr.dtype)
        out[:] = value if arr.ndim == 0 else arr.ravel()[0] if arr.size == 1 else value
        return out
    return arr.copy()


def _check_spike_times(parameters):
    """SpikeSourceArray times must be sorted, as PyNN's Sequence demands (InvalidParameterValueError)."""
    for seq in parameters.get("spike_times", ()):
        times = np.asarray(getattr(seq, "value", seq), float)
        if times.size > 1 and np.any(np.diff(times) < 0):
            raise errors.InvalidParameterValueError(f"spike_times must be in increasing order, got {times}")


class Assembly(common.Assembly):
    _simulator = simulator


class _Parameters:
    """get / set of native parameters through a mask of the parent's arrays (shared by views and populations)."""

    def _get_parameters(self, *names):
        if any(name in self.celltype.computed_parameters() for name in names):
            native_names = self.celltype.get_native_names()
        else:
            native_names = self.celltype.get_native_names(*names)
        return self.celltype.reverse_translate(self._get_native_parameters(*native_names))

    def _get_native_parameters(self, *names):
        values = {}
        for name in names:
            value = self._root._parameters[name][self._cells]
            values[name] = simplify(value)
        return ParameterSpace(values, shape=(self.size,))

    def _set_parameters(self, parameter_space):
        """``parameter_space`` holds native parameters."""
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            if name == "spike_times":
                _check_spike_times({name: _per_cell(value, self.size)})
            try:
                self._root._parameters[name][self._cells] = value
            except (ValueError, TypeError):
                raise errors.InvalidParameterValueError(f"{name}={value!r} cannot be stored for "
                                                        f"{self.celltype.__class__.__name__}") from None
        simulator.state.changed()

    def _set_initial_value_array(self, variable, initial_values):
        """Store the initial value; if the network is running, the current value changes too (as pyNN.nest and
        pyNN.brian2 do)."""
        simulator.state.changed()
        run_state = simulator.state._run_state
        rows = getattr(self.celltype, "state_rows", {})
        if run_state is not None and variable in rows:
            values = initial_values.evaluate(simplify=False) if hasattr(initial_values, "evaluate") \
                else np.asarray(initial_values, float)
            cells, row = np.asarray(self.all_cells, int), rows[variable]
            values = np.broadcast_to(values, (self.size,))
            if hasattr(run_state, "isyn"):     # the board's integers (snn/board_state.py): s16.15 as the host
                from ..spinnaker_host import DEFAULT_VERSION, s1615
                version = simulator.state.spinnaker_version or DEFAULT_VERSION
                values = [s1615(x, version, variable) for x in values]
                syn = run_state.isyn
            else:
                syn = run_state.syn
            if row == 0:       # indexed assignment: the carried arrays themselves change, not a copy
                run_state.v[:, cells] = values
            else:
                syn[:, row - 1, cells] = values


class PopulationView(_Parameters, common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    @property
    def _root(self):
        return self.grandparent

    @property
    def _cells(self):
        return self.index_in_grandparent(np.arange(self.size))

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    @property
    def initial_values(self):
        """The view's slice of the grandparent's initial values (read only)."""
        return {k: LazyArray(v.evaluate(simplify=False)[self._cells], shape=(self.size,))
                for k, v in self._root.initial_values.items()}

    def initialize(self, **initial_values):
        root = self._root
        for variable, value in initial_values.items():
            full = root.initial_values[variable].evaluate(simplify=False).astype(float)
            full[self._cells] = LazyArray(value, shape=(self.size,), dtype=float).evaluate(simplify=False)
            root.initial_values[variable] = LazyArray(full, shape=(root.size,), dtype=float)
            self._set_initial_value_array(variable, LazyArray(full[self._cells], shape=(self.size,)))


class Population(_Parameters, common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    @property
    def _root(self):
        return self

    @property
    def _cells(self):
        return slice(None)

    def _create_cells(self):
        if not isinstance(self.celltype, StandardCellType) or not hasattr(self.celltype, "snn_name"):
            raise errors.NoModelAvailableError(f"snn.pynn runs its standard cell types only; "
                                             f"{type(self.celltype).__name__} is not one of them")
        state = simulator.state
        ids = np.arange(state.id_counter, state.id_counter + self.size)
        self.all_cells = np.array([simulator.ID(i) for i in ids], dtype=simulator.ID)
        self._mask_local = np.ones(self.size, bool)
        parameter_space = self.celltype.native_parameters
        parameter_space.shape = (self.size,)
        parameter_space.evaluate(simplify=False)
        self._parameters = {name: _per_cell(value, self.size) for name, value in parameter_space.as_dict().items()}
        _check_spike_times(self._parameters)
        for id in self.all_cells:
            id.parent = self
        state.id_counter += self.size
        state.populations.append(self)
        state.changed()

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)
