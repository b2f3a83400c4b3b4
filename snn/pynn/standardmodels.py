"""Standard cell and synapse types of ``snn.pynn``: PyNN's own classes (names, defaults, units) with the
translations to the names of snn's cell catalogue (``snn.cells.CATALOGUE``), which already are PyNN's: every
translation is the identity, as in pyNN.mock, and ``snn_name`` names the catalogue entry that runs it.

Only the cell types whose kernel the engine has are listed; any other PyNN name is absent from this module,
so a script that uses one fails at ``sim.<Name>`` with Python's AttributeError, as on any PyNN backend.
"""
from pyNN.standardmodels import build_translations, cells, synapses

from ..cells import CATALOGUE


def _identity(celltype_class):
    return build_translations(*((name, name) for name in celltype_class.default_parameters))


class IF_curr_exp(cells.IF_curr_exp):
    __doc__ = cells.IF_curr_exp.__doc__
    translations = _identity(cells.IF_curr_exp)
    snn_name = "IF_curr_exp"
    # state variables the engine keeps: v (mV) and the synaptic currents (nA)
    state_rows = {"v": 0, "isyn_exc": 1, "isyn_inh": 2}


class IF_cond_exp(cells.IF_cond_exp):
    __doc__ = cells.IF_cond_exp.__doc__
    translations = _identity(cells.IF_cond_exp)
    snn_name = "IF_cond_exp"
    state_rows = {"v": 0, "gsyn_exc": 1, "gsyn_inh": 2}


class IF_curr_alpha(cells.IF_curr_alpha):
    __doc__ = cells.IF_curr_alpha.__doc__
    translations = _identity(cells.IF_curr_alpha)
    snn_name = "IF_curr_alpha"
    state_rows = {"v": 0, "isyn_exc": 1, "isyn_inh": 2}


class IF_curr_delta(cells.IF_curr_delta):
    __doc__ = cells.IF_curr_delta.__doc__
    translations = _identity(cells.IF_curr_delta)
    snn_name = "IF_curr_delta"
    state_rows = {"v": 0}


class SpikeSourcePoisson(cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    translations = _identity(cells.SpikeSourcePoisson)
    snn_name = "SpikeSourcePoisson"
    state_rows = {}


class SpikeSourceArray(cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = _identity(cells.SpikeSourceArray)
    # the times are handed to the engine run by run as events (spikes past a run's end wait for the next run)
    snn_name = "SpikeSourceInput"
    state_rows = {}


class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"))
    snn_rule = None      # no plasticity: a static row of the engine

    def _get_minimum_delay(self):
        from .simulator import state
        return state.min_delay


class TsodyksMarkramSynapse(synapses.TsodyksMarkramSynapse):
    """PyNN's Tsodyks-Markram synapse: its parameters are stored, set and read back (Projection.get / set);
    the engine has no kernel for its dynamics yet, so a run with one refuses to start (docs/pynn.md)."""
    __doc__ = synapses.TsodyksMarkramSynapse.__doc__
    translations = build_translations(("weight", "weight"), ("delay", "delay"), ("U", "U"),
                                      ("tau_rec", "tau_rec"), ("tau_facil", "tau_facil"))
    snn_rule = "tsodyks_markram"

    def _get_minimum_delay(self):
        from .simulator import state
        return state.min_delay


class STDPMechanism(synapses.STDPMechanism):
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

    def _get_minimum_delay(self):
        from .simulator import state
        return state.min_delay


def _component(base, names, mu=None):
    attrs = {"__doc__": base.__doc__, "translations": build_translations(*((n, n) for n in names))}
    if mu is not None:
        attrs["snn_mu"] = mu       # (mu_plus, mu_minus) of NEST's stdp_synapse (pyNN/nest/standardmodels)
    return type(base.__name__, (base,), attrs)


SpikePairRule = _component(synapses.SpikePairRule, ("tau_plus", "tau_minus", "A_plus", "A_minus"))
AdditiveWeightDependence = _component(synapses.AdditiveWeightDependence, ("w_min", "w_max"), (0.0, 0.0))
MultiplicativeWeightDependence = _component(synapses.MultiplicativeWeightDependence, ("w_min", "w_max"), (1.0, 1.0))
AdditivePotentiationMultiplicativeDepression = _component(
    synapses.AdditivePotentiationMultiplicativeDepression, ("w_min", "w_max"), (0.0, 1.0))
GutigWeightDependence = _component(synapses.GutigWeightDependence, ("w_min", "w_max", "mu_plus", "mu_minus"),
                                   ("mu_plus", "mu_minus"))
WEIGHT_DEPENDENCES = ("AdditiveWeightDependence", "MultiplicativeWeightDependence",
                      "AdditivePotentiationMultiplicativeDepression", "GutigWeightDependence")


CELL_TYPES = (IF_curr_exp, IF_cond_exp, IF_curr_alpha, IF_curr_delta, SpikeSourcePoisson, SpikeSourceArray)
assert all(c.snn_name in CATALOGUE for c in CELL_TYPES)
