"""snn as sPyNNaker: ``import snn.pynn.spinnaker as sim`` in place of ``import pyNN.spiNNaker as sim`` (or
``spynnaker8``). The ``snn.pynn`` backend on the 'spinnaker' schedule in the board's fixed point
(snn/schedules/spinnaker.py): spikes stamped at the tick, V and gsyn recorded at the start of each tick, the
host's parameter encoding and STDP rules of ``spinnaker_version`` (snn/spinnaker_host.py: '2019' sPyNNaker 5.x,
'2021' 6.x, '2022' the 7-era STDP, the default).

    import snn.pynn.spinnaker as sim
    sim.setup(timestep=1.0, spinnaker_version="2019")
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 100)      # accepted, recorded: it only steers mapping
    pop = sim.Population(20, sim.IF_curr_exp(i_offset=1.0), label="pop")
    pop.add_placement_constraint(0, 0)
    pop.record("v")
    sim.run(5.0)

sPyNNaker's extras that only steer the mapping onto the machine (neurons per core, synapse cores, delay
extensions, placement constraints, time scale factor, boards / chips required, database sockets) are accepted
and recorded in ``mapping_requests()``; they change no result, as on the board they change none either.
``get_machine_dimensions()`` and ``get_machine()`` describe one SpiNN-5 board (48 chips, max chip x = y = 7).

STDP runs as the board runs it (snn/kernels/stdp_fixed.py): ``STDPMechanism`` with ``SpikePairRule`` or
``extra_models.SpikeNearestPairRule`` and ``AdditiveWeightDependence`` or ``MultiplicativeWeightDependence`` (the
7-era rules of the default version; ``spinnaker_version`` '2019' / '2021' run 6.x pair-additive STDP only);
``Projection.get('weight')`` after a run reads the board's learned weights (word / weight scale).
"""
import types
from copy import copy

import numpy as np
from lazyarray import larray as LazyArray

from . import *                                     # noqa: F401,F403 (the whole snn.pynn API)
from . import control, simulator
from .populations import Population as _Population, PopulationView as _PopulationView
from .spinnaker_initial import InitialValues, back_to_start, read_back
from .projections import Projection as _Projection
from .connectors import AllToAllConnector as _AllToAllConnector
from .standardmodels import CELL_TYPES, SpikeNearestPairRule
from .standardmodels import STDPMechanism as _STDPMechanism
from ..spinnaker_host import DEFAULT_VERSION, check_version, era

name = "snn.spinnaker"
# setup()'s own options in sPyNNaker (spynnaker/pyNN/__init__.py setup): mapping requests only
_MAPPING_OPTIONS = ("database_socket_addresses", "time_scale_factor", "n_chips_required", "n_boards_required")
# spinn_machine's SpiNN-5 board: chips (0, 0) .. (7, 7) less the corners a 48-chip board lacks
SPINN5_MAX_CHIP = 7


def setup(timestep=1.0, min_delay="auto", max_delay=None, spinnaker_version=None, **extra_params):
    """sPyNNaker's setup: timestep in ms (default 1.0, the board's machine time step), ``spinnaker_version`` the
    host encoding and STDP rules (snn/spinnaker_host.py VERSIONS; None: the default, '2022'), sPyNNaker's mapping options recorded."""
    timestep = 1.0 if timestep is None else timestep
    version = None if spinnaker_version is None else check_version(spinnaker_version)
    extras = {k: extra_params.pop(k) for k in _MAPPING_OPTIONS if k in extra_params}
    if extra_params.get("schedule", "spinnaker") != "spinnaker":
        raise ValueError(f"snn.pynn.spinnaker runs the 'spinnaker' schedule, got schedule="
                         f"{extra_params['schedule']!r}; use snn.pynn for the others")
    extra_params["schedule"] = "spinnaker"
    if max_delay is not None:
        extra_params["max_delay"] = max_delay
    rank = control.setup(timestep, min_delay, **extra_params)
    simulator.state.spinnaker_version = version
    simulator.state.spinnaker_extras = {"setup": extras}
    return rank


def _request(kind, *key_value):
    simulator.state.spinnaker_extras.setdefault(kind, []).append(key_value)


def set_number_of_neurons_per_core(neuron_type, max_permitted):
    """Neurons per core of a cell type: recorded (the mapping's, not the dynamics')."""
    _request("neurons_per_core", getattr(neuron_type, "__name__", str(neuron_type)), max_permitted)


def set_number_of_synapse_cores(neuron_type, n_synapse_cores):
    _request("synapse_cores", getattr(neuron_type, "__name__", str(neuron_type)), n_synapse_cores)


def set_allow_delay_extensions(neuron_type, allow_delay_extensions):
    _request("delay_extensions", getattr(neuron_type, "__name__", str(neuron_type)), allow_delay_extensions)


def mapping_requests():
    """What the script asked of the mapping: {kind: [(target, value), ...], 'setup': {option: value}}."""
    return simulator.state.spinnaker_extras


def get_machine_dimensions():
    """sPyNNaker's {'x': max chip x, 'y': max chip y} of the emulated machine: one SpiNN-5 board."""
    return {"x": SPINN5_MAX_CHIP, "y": SPINN5_MAX_CHIP}


def get_machine():
    """The emulated machine as spinn_machine describes one SpiNN-5 board (spinn_machine when installed)."""
    from spinn_machine.virtual_machine import virtual_machine_by_boards
    return virtual_machine_by_boards(1)


class Population(_Population):
    """snn.pynn's Population with sPyNNaker's extras: ``additional_parameters`` (splitter, seed, ...),
    ``set_max_atoms_per_core``, ``add_placement_constraint``: accepted and recorded;
    ``additional_parameters={"n_steps_per_timestep": n}`` also runs n neuron updates per tick."""

    def __init__(self, size, cellclass, cellparams=None, structure=None, initial_values=None, label=None,
                 additional_parameters=None, **additional_kwargs):
        extra = {**(additional_parameters or {}), **additional_kwargs}
        # neuron_impl_standard.h: the neuron updates n_steps_per_timestep times per tick (a dynamics option)
        self.n_steps_per_timestep = extra.get("n_steps_per_timestep", 1)
        super().__init__(size, cellclass, cellparams, structure, initial_values or {}, label)
        self.initial_values = InitialValues(self.initial_values)     # sPyNNaker's meaning (spinnaker_initial.py)
        if additional_parameters or additional_kwargs:
            _request("additional_parameters", self.label, {**(additional_parameters or {}), **additional_kwargs})

    def initialize(self, **initial_values):
        read_back(self)
        super().initialize(**initial_values)

    def set(self, **parameters):
        read_back(self)
        super().set(**parameters)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    def __getitem__(self, index):
        item = super().__getitem__(index)
        if isinstance(item, simulator.ID):      # sPyNNaker's cell also takes initialize()
            cell = ID(int(item))
            cell.parent = item.parent
            return cell
        return item

    def set_max_atoms_per_core(self, max_atoms_per_core):
        _request("max_atoms_per_core", self.label, max_atoms_per_core)

    def add_placement_constraint(self, x, y, p=None):
        _request("placement", self.label, (x, y, p))

    def get(self, parameter_names, gather=True, simplify=True):
        """sPyNNaker's get (spynnaker/pyNN/models/populations/population.py): one value per neuron, as a list
        (``simplify`` ignored, as there); a dict of lists for several names."""
        values = super().get(parameter_names, gather, simplify=False)
        if isinstance(values, dict):
            return {k: np.asarray(v).tolist() for k, v in values.items()}
        return np.asarray(values).tolist()

    def get_data(self, variables="all", gather=True, clear=False, annotations=None):
        """PyNN's get_data, each signal also annotated with ``channel_names`` = the recorded neurons' indexes, as
        sPyNNaker's neo writer (spynnaker/pyNN/utilities/neo_csv.py) does and its neo_convertor reads. The
        variables are picked here: pyNN 0.13's filter_by_variables compares names with Variable tuples and so
        drops every signal of the segments before a reset()."""
        block = super().get_data("all", gather, clear, annotations)
        names = None if variables == "all" else {variables} if isinstance(variables, str) else {*variables}
        if names is not None:       # shallow copies: the recorder's cached segments stay whole
            block.segments = [copy(seg) for seg in block.segments]
        for seg in block.segments:
            if names is not None:
                seg.analogsignals = [sig for sig in seg.analogsignals if sig.name in names]
                if "spikes" not in names:
                    seg.spiketrains = []
            for sig in seg.analogsignals:
                sig.annotations.setdefault("channel_names", np.asarray(
                    sig.array_annotations.get("channel_index", np.arange(sig.shape[1]))))
        return block

    def spinnaker_get_data(self, variable, as_matrix=False, view_indexes=None):
        """sPyNNaker's own read-back: the current segment as rows (neuron, time, value) ((neuron, time) for
        spikes), as spynnaker.pyNN.utilities.neo_convertor formats it; ``as_matrix``: (time, neuron) values."""
        block = self.get_data(variable)
        seg = block.segments[-1]
        if variable == "spikes":
            rows = [(self.id_to_index(st.annotations["source_id"]), t) for st in seg.spiketrains
                    for t in st.times.magnitude]
            return np.array(sorted(rows), float).reshape(-1, 2)
        sig = seg.filter(name=variable)[0]
        values = np.asarray(sig.magnitude, float)
        if as_matrix:
            return values
        ids = np.asarray(sig.array_annotations.get("channel_index", np.arange(values.shape[1])))
        times = np.asarray(sig.times.magnitude, float)
        return np.array([(i, t, values[k, c]) for c, i in enumerate(ids) for k, t in enumerate(times)], float)


class ID(simulator.ID):
    """A cell of sPyNNaker's: ``initialize`` as its one-cell view's (spynnaker's id_mixin.py)."""

    def initialize(self, **initial_values):
        self.as_view().initialize(**initial_values)


class PopulationView(_PopulationView):
    """snn.pynn's PopulationView; a change first reads the current state back, as sPyNNaker does."""

    def initialize(self, **initial_values):
        read_back(self._root)
        super().initialize(**initial_values)

    def set(self, **parameters):
        read_back(self._root)
        super().set(**parameters)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


def reset(annotations=None):
    """sPyNNaker's reset: back to t = 0 and to the state the first run since setup / the last reset started
    from (snn/pynn/spinnaker_initial.py)."""
    for pop in simulator.state.populations:
        if isinstance(pop, Population):
            back_to_start(pop)
    control.reset(annotations)


class AllToAllConnector(_AllToAllConnector):
    """PyNN's AllToAllConnector. Without self-connections, sPyNNaker 5.x / 6.x (all_to_all_connector.py
    create_synaptic_block) drops the pairs (i, i) whatever the two populations are; PyNN and the 7-era code
    (the '2022' setting) only when a population projects onto itself."""

    def _get_connection_map_no_self_connections(self, projection):
        version = simulator.state.spinnaker_version or DEFAULT_VERSION
        if era(version) == "6":
            return LazyArray(lambda i, j: i != j, shape=projection.shape)
        return super()._get_connection_map_no_self_connections(projection)


class Projection(_Projection):
    """snn.pynn's Projection taking sPyNNaker's ``space=None`` (PyNN's default Space then)."""

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None, source=None,
                 receptor_type=None, space=None, label=None):
        super().__init__(presynaptic_population, postsynaptic_population, connector, synapse_type, source,
                         receptor_type, Space() if space is None else space, label)

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, location_selector=None,
                            **connection_parameters):
        # sPyNNaker clips a delay under one time step to the time step and counts it for its provenance report
        # (abstract_connector.py _clip_delays); PyNN and snn.pynn refuse such a delay
        if "delay" in connection_parameters:
            delay = np.asarray(connection_parameters["delay"], float)
            short = delay < simulator.state.dt
            if short.any():
                self.clipped_delays = getattr(self, "clipped_delays", 0) + int(short.sum())
                connection_parameters["delay"] = np.where(short, simulator.state.dt, delay)
        super()._convergent_connect(presynaptic_indices, postsynaptic_index, location_selector,
                                    **connection_parameters)

    def get(self, attribute_names, format, gather=True, with_address=True, multiple_synapses="last"):
        # sPyNNaker's Projection.get (spynnaker/pyNN/models/projection.py) takes the names as given, so an empty
        # list gives the (pre, post) addresses alone; PyNN's reads an empty list as every attribute
        if format == "list" and not isinstance(attribute_names, str) and len(attribute_names) == 0:
            rows = self._get_attributes_as_list(["presynaptic_index", "postsynaptic_index"])
            return rows if with_address else [()] * len(rows)
        return super().get(attribute_names, format, gather, with_address, multiple_synapses)


def _positional_times(base):
    """sPyNNaker's spike source array also takes ``spike_times`` as its first positional argument."""

    def __init__(self, spike_times=None, **parameters):
        if spike_times is not None:
            parameters["spike_times"] = spike_times
        base.__init__(self, **parameters)
    return type(base.__name__, (base,), {"__init__": __init__, "__doc__": base.__doc__, "__module__": __name__})


# the registry's array source (the one PyNN class fed with given spike times), named as the registry names it
globals().update({c.__name__: _positional_times(c) for c in CELL_TYPES.values() if c.snn_input})


class STDPMechanism(_STDPMechanism):
    """sPyNNaker's STDPMechanism (synapse_dynamics_stdp.py): PyNN's, plus ``pad_to_length`` (row padding for
    structural plasticity: recorded, it changes no result) and ``backprop_delay`` (True: the delay counts as
    dendritic for the timing, the only setting emulated)."""

    def __init__(self, timing_dependence=None, weight_dependence=None, voltage_dependence=None,
                 dendritic_delay_fraction=1.0, weight=0.0, delay=None, pad_to_length=None, backprop_delay=True):
        if not backprop_delay:
            raise NotImplementedError("STDPMechanism(backprop_delay=False) is not emulated: snn.pynn.spinnaker "
                                      "counts the whole delay as dendritic for the timing rule (backprop_delay=True)")
        if pad_to_length is not None:
            _request("pad_to_length", type(timing_dependence).__name__, pad_to_length)
        super().__init__(timing_dependence, weight_dependence, voltage_dependence, dendritic_delay_fraction,
                         weight, delay)


# sPyNNaker's extra_models: the board-only rules emulated here
extra_models = types.SimpleNamespace(SpikeNearestPairRule=SpikeNearestPairRule)
