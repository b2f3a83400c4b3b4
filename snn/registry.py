"""The registry of cell types and spike sources: one entry per model, in the spirit of PyNN's ``standardmodels``
(``default_parameters``, ``units``, ``default_initial_values`` once, each backend adding only its translations).

An entry (``CellType``) declares everything the rest of snn needs to know about a model:

* its PyNN name and the PyNN backends that have it (``hardware/capabilities.py`` derives what is deployable);
* its parameters with defaults, units and domains (``snn/validate.py`` checks them), its state variables;
* for every schedule it runs in: the *named* layout of its coefficient rows (``coefs[row, neuron]``), the function
  that lowers parameters to those coefficients, and the kernel step (``snn.kernels.<module>.<function>``);
* its synaptic state (rows of the per-neuron synaptic state array the kernels update) and weight unit;
* its translations for NEST (``NestModel``) and brian2 (``Brian2Model``); sPyNNaker takes the PyNN name.

Entries are registered in ``snn/cells.py``; model ids are assigned here, in registration order (0 is every spike
source: sources have no neuron kernel). The numba dispatch from model id to kernel step is generated from the
registry once (``snn/kernels/dispatch.py``). Nothing else lists cell types or compares their names.
"""
from collections import namedtuple
from dataclasses import dataclass, field, replace

SOURCE = 0
SCHEDULE_IDS = {"exact": 0, "spinnaker": 1}   # the generic schedules (kernels/schedules.py); 'nalsm' has its own


@dataclass(frozen=True)
class Param:
    """One parameter: default value, PyNN unit, and the values allowed (None: any finite number; '>0'; '>=0')."""
    default: object
    unit: str = ""
    domain: str = None


@dataclass(frozen=True)
class NestModel:
    """A cell type in NEST. ``params``: (snn parameter, NEST name, scale) with scale a number (a unit change) or a
    function of the snn parameter dict (a derived value, e.g. g_L = cm / tau_m); ``state``: snn state variable ->
    NEST name; ``weight_scale``: spec weight unit -> NEST's (nA -> pA, uS -> nS: 1000; mV: 1). NEST's inhibitory
    weights are negative."""
    model: str
    params: tuple = ()
    state: dict = field(default_factory=dict)
    weight_scale: float = 1000.0


@dataclass(frozen=True)
class Brian2Model:
    """A cell type in brian2: ``equations`` (with ``: volt (unless refractory)`` etc.), the integration ``method``,
    the parameters the equations read (renamed by ``rename``: brian2's ``cm`` is the centimetre), ``derived``
    parameters (name -> (function of the snn parameters, unit)), each receptor's ``on_pre`` statement (it reads the
    synapse's ``w_syn``), and the weight unit."""
    equations: str
    method: str
    params: tuple
    rename: dict = field(default_factory=dict)
    derived: dict = field(default_factory=dict)
    receptors: dict = field(default_factory=dict)
    weight_unit: str = "nA"


@dataclass(frozen=True)
class CellType:
    name: str
    parameters: dict                                # name -> Param
    state: dict = field(default_factory=dict)       # state variable -> parameter giving its default initial value
                                                    # (or a number: Izhikevich's v starts at -70 mV); a variable
                                                    # other than v is the synapse_state row of its name
    pynn_name: str = None
    pynn_backends: tuple = ()                       # PyNN backends ('spinnaker', 'nest', 'mock') that deploy it
    source: str = None                              # spike sources: 'fixed' (spike_times), 'input' (run-time
                                                    # stimuli), 'poisson' (drawn in the kernel), 'renewal' (a
                                                    # renewal process drawn in the kernel, 'exact' schedule only:
                                                    # gamma, dead time); None: a neuron
                                                    # (drawn sources: lower(params, dt) -> the law of their gaps,
                                                    # dict(p=, dead=, phases=), snn/lowering.py)
    coefficients: dict = field(default_factory=dict)   # schedule -> coefficient names (the row layout)
    lower: object = None                            # lower(params, dt, schedule) -> {coefficient name: value}
    kernels: dict = field(default_factory=dict)     # schedule -> 'module.function' in snn.kernels
    schedules: tuple = ()                           # every schedule it runs in (kernels' plus own schedules)
    synapse_state: tuple = ()                       # rows of the synaptic state array its kernel uses
    weight_unit: str = "nA"                         # 'nA' (current), 'uS' (conductance), 'mV' (voltage jump)
    signed_weights: bool = False                    # one current: weights carry their sign
    nest: NestModel = None
    brian2: Brian2Model = None
    board: str = None                               # the neuron model of the board's fixed-point 'spinnaker'
                                                    # schedule (snn/kernels/board.py) that computes it, if any
    refusal: tuple = None                           # (reason, nearest deployable variant) on PyNN backends
    nir: str = None                                 # the NIR node it is read from and written to (snn/nir)
    doc: str = ""
    check: object = None                            # check(params, dt) -> problems beyond the domains
    model_id: int = SOURCE

    @property
    def defaults(self):
        return {k: p.default for k, p in self.parameters.items()}

    @property
    def units(self):
        return {k: p.unit for k, p in self.parameters.items()}

    @property
    def is_source(self):
        return self.source is not None

    @property
    def is_drawn(self):
        """A source whose spikes the kernel draws (``lower`` gives the law of its gaps)."""
        return self.source in ("poisson", "renewal")

    @property
    def current_based(self):
        """Inhibitory weights are negative in PyNN and NEST for current (and voltage-jump) synapses."""
        return self.weight_unit in ("nA", "mV")

    def default_state(self, var, params):
        """The default initial value of state variable ``var``: a parameter's value, or the entry's number."""
        default = self.state[var]
        return default if isinstance(default, float) else params[default]

    def rows(self, schedule):
        """The coefficient layout of ``schedule`` as a namedtuple name -> row (constants inside kernels)."""
        names = self.coefficients[schedule]
        return namedtuple(f"{self.name}_{schedule}_rows", names)(*range(len(names)))


CATALOGUE = {}


def register(ct):
    """Add a cell type (neurons get the next model id, sources share id 0)."""
    if ct.name in CATALOGUE:
        raise ValueError(f"cell type {ct.name!r} is registered twice")
    if not ct.is_source:
        ct = replace(ct, model_id=1 + sum(not c.is_source for c in CATALOGUE.values()))
    CATALOGUE[ct.name] = ct
    return ct


def rows(name, schedule):
    return CATALOGUE[name].rows(schedule)


def n_coefficients():
    """Rows of the coefficient table: the longest layout of any cell type."""
    return max(len(names) for ct in CATALOGUE.values() for names in ct.coefficients.values())


def n_synapse_state(cell_types=None):
    """Rows of the synaptic state array for networks of ``cell_types`` (all registered when None); at least 1."""
    cts = CATALOGUE.values() if cell_types is None else (CATALOGUE[c] for c in cell_types)
    return max([1] + [len(ct.synapse_state) for ct in cts])
