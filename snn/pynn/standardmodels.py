"""Standard cell and synapse types of ``snn.pynn``: PyNN's own classes (names, defaults, units) made from the
registry (``snn.cells.CATALOGUE``): one class per entry with a PyNN name, whose parameter names already are
PyNN's, so every translation is the identity (as in pyNN.mock); ``snn_name`` names the entry that runs it.
A cell type the engine lacks is absent, so a script that uses one fails at ``sim.<Name>`` with Python's
AttributeError, as on any PyNN backend.
"""
from pyNN.standardmodels import build_translations, cells, synapses

from ..cells import CATALOGUE


def _identity(celltype_class):
    return build_translations(*((name, name) for name in celltype_class.default_parameters))


def _state_rows(base, entry):
    """PyNN state variable -> the engine's probe row: 0 V, 1 / 2 the first two rows of the entry's synaptic
    state (the excitatory / inhibitory current or conductance, as the registry lays them out), r + 1 a row r
    named as the variable."""
    rows = {"v": 0}
    names = set(base.recordable) | set(getattr(base, "default_initial_values", {}))
    for row, side in ((1, "exc"), (2, "inh")):
        for var in (f"isyn_{side}", f"gsyn_{side}"):
            if var in names and len(entry.synapse_state) >= row:
                rows[var] = row
    # a synaptic-state row named as a PyNN state variable holds it (AdEx's w, HH's m, h, n)
    rows.update({var: r + 1 for r, var in enumerate(entry.synapse_state) if var in names})
    return rows


def _cell_types():
    """One PyNN class per registry entry that has a PyNN name and runs in the 'exact' schedule. PyNN's
    SpikeSourceArray is the registry's run-time 'input' source: its times are handed to the engine run by run
    as events, so spikes after a run's end wait for the next run (the 'fixed' entry needs them all up front)."""
    out = {}
    for entry in CATALOGUE.values():
        if entry.pynn_name is None or "exact" not in entry.schedules or entry.source == "fixed":
            continue
        base = getattr(cells, entry.pynn_name)
        out[entry.pynn_name] = type(entry.pynn_name, (base,), dict(
            __doc__=base.__doc__, __module__=__name__, translations=_identity(base), snn_name=entry.name,
            snn_input=entry.source == "input", state_rows={} if entry.is_source else _state_rows(base, entry)))
    return out


CELL_TYPES = _cell_types()
globals().update(CELL_TYPES)


class _SnnSynapse:
    def _get_minimum_delay(self):
        from .simulator import state
        return state.min_delay


class StaticSynapse(_SnnSynapse, synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"))
    snn_rule = None      # no plasticity: a static row of the engine


class TsodyksMarkramSynapse(_SnnSynapse, synapses.TsodyksMarkramSynapse):
    """PyNN's Tsodyks-Markram synapse, run as NEST's tsodyks_synapse (``snn.short_term.TsodyksMarkram``, with
    the post cell's tau_syn as tau_psc, as pyNN.nest sets it)."""
    __doc__ = synapses.TsodyksMarkramSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"), ("U", "U"),
                                      ("tau_rec", "tau_rec"), ("tau_facil", "tau_facil"))
    snn_rule = "tsodyks_markram"


class SimpleStochasticSynapse(_SnnSynapse, synapses.SimpleStochasticSynapse):
    """PyNN's SimpleStochasticSynapse, run as NEST's bernoulli_synapse (``snn.short_term.StochasticRelease``)."""
    __doc__ = synapses.SimpleStochasticSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"), ("p", "p"))
    snn_rule = "release"


class STDPMechanism(_SnnSynapse, synapses.STDPMechanism):
    """PyNN's STDPMechanism; snn runs SpikePairRule with an Additive, Multiplicative,
    AdditivePotentiationMultiplicativeDepression or Gutig weight dependence as NEST's stdp_synapse does
    (``snn.plasticity.NestPairSTDP``: the delay is dendritic, dendritic_delay_fraction must be 1)."""
    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = build_translations(("weight", "weight"), ("delay", "delay"),
                                           ("dendritic_delay_fraction", "dendritic_delay_fraction"))
    snn_rule = "stdp"

    def __init__(self, timing_dependence=None, weight_dependence=None, voltage_dependence=None,
                 dendritic_delay_fraction=1.0, weight=0.0, delay=None):
        from pyNN import errors
        if not isinstance(timing_dependence, SpikePairRule) or not hasattr(weight_dependence, "snn_mu"):
            raise errors.NoModelAvailableError(
                f"snn.pynn runs STDPMechanism with SpikePairRule and one of {WEIGHT_DEPENDENCES}, got "
                f"{type(timing_dependence).__name__} and {type(weight_dependence).__name__}")
        if voltage_dependence is not None or dendritic_delay_fraction != 1.0:
            raise errors.NoModelAvailableError("snn.pynn runs STDP with the whole delay dendritic "
                                               "(dendritic_delay_fraction=1.0) and no voltage dependence")
        super().__init__(timing_dependence, weight_dependence, voltage_dependence, dendritic_delay_fraction,
                         weight, delay)

    def _build_translations(self):
        # PyNN 0.13 updates the class's base_translations in place (pyNN/standardmodels/synapses.py), so after a
        # GutigWeightDependence every later STDPMechanism of the process expects mu_plus / mu_minus: copy first
        self.translations = dict(self.__class__.base_translations)
        for component in (self.timing_dependence, self.weight_dependence, self.voltage_dependence):
            if component:
                self.translations.update(component.translations)

    def _get_minimum_delay(self):
        from .simulator import state
        return state.min_delay


def _component(base, names, mu=None, board=None, **attrs):
    """A PyNN plasticity component with identity translations. ``mu``: (mu_plus, mu_minus) of NEST's
    stdp_synapse (pyNN/nest/standardmodels); ``board``: the weight dependence of the board's rule
    (snn.plasticity.SpikePairSTDP.weight_dependence), None where sPyNNaker has none."""
    attrs = {"__doc__": base.__doc__, "translations": build_translations(*((n, n) for n in names)), **attrs}
    if mu is not None:
        attrs.update(snn_mu=mu, snn_board=board)
    return type(attrs.pop("name", base.__name__), (base,), attrs)


TIMING_NAMES = ("tau_plus", "tau_minus", "A_plus", "A_minus")
SpikePairRule = _component(synapses.SpikePairRule, TIMING_NAMES, snn_timing="pair")
# sPyNNaker's extra_models.SpikeNearestPairRule (timing_dependence_spike_nearest_pair.py): PyNN's SpikePairRule
# parameters, nearest pairs only; the board's rule (snn.pynn.spinnaker)
SpikeNearestPairRule = _component(SpikePairRule, TIMING_NAMES, snn_timing="nearest", name="SpikeNearestPairRule",
                                  __doc__="sPyNNaker's nearest-pair timing rule (only on snn.pynn.spinnaker).")
AdditiveWeightDependence = _component(synapses.AdditiveWeightDependence, ("w_min", "w_max"), (0.0, 0.0), "additive")
MultiplicativeWeightDependence = _component(synapses.MultiplicativeWeightDependence, ("w_min", "w_max"), (1.0, 1.0),
                                            "multiplicative")
AdditivePotentiationMultiplicativeDepression = _component(
    synapses.AdditivePotentiationMultiplicativeDepression, ("w_min", "w_max"), (0.0, 1.0))
GutigWeightDependence = _component(synapses.GutigWeightDependence, ("w_min", "w_max", "mu_plus", "mu_minus"),
                                   ("mu_plus", "mu_minus"))
WEIGHT_DEPENDENCES = ("AdditiveWeightDependence", "MultiplicativeWeightDependence",
                      "AdditivePotentiationMultiplicativeDepression", "GutigWeightDependence")

