"""snn as a PyNN simulator: ``import snn.pynn as sim`` in place of ``import pyNN.nest as sim``.

A PyNN 0.13 backend on pyNN.common, shaped as pyNN/nest/ and pyNN/brian2/ are (simulator state, populations,
projections, recording, standard models, control), that lowers the network to ``snn.spec.Network`` and runs it
on ``snn.engine.Simulator`` ('exact' schedule by default: NEST's exact integration, on-grid spike times).
See docs/pynn.md.
"""
from pyNN import errors, random, space                                  # noqa: F401
from pyNN.network import Network                                         # noqa: F401
from pyNN.space import Space                                             # noqa: F401
from pyNN.random import NumpyRNG, GSLRNG, RandomDistribution             # noqa: F401
from .connectors import *                                                 # noqa: F401,F403
from pyNN.recording import *                                             # noqa: F401,F403
from pyNN.standardmodels import StandardCellType

from .standardmodels import CELL_TYPES, StaticSynapse, TsodyksMarkramSynapse, STDPMechanism, SpikePairRule  # noqa
from .standardmodels import SimpleStochasticSynapse  # noqa: F401
from .standardmodels import (AdditiveWeightDependence, MultiplicativeWeightDependence,  # noqa: F401
                             AdditivePotentiationMultiplicativeDepression, GutigWeightDependence)
from .populations import Population, PopulationView, Assembly           # noqa: F401
from .projections import Projection                                      # noqa: F401
from .control import (setup, end, run, run_until, run_for, reset, initialize, get_current_time,  # noqa: F401
                      get_time_step, get_min_delay, get_max_delay, num_processes, rank)
from .electrodes import DCSource, StepCurrentSource, ACSource, NoisyCurrentSource  # noqa: F401
from .trials import run_trials, to_spec  # noqa: F401
from .procedural_api import create, connect, set, record, record_v, record_gsyn  # noqa: F401


globals().update(CELL_TYPES)     # IF_curr_exp, IF_cond_exp, ... : every registry entry with a PyNN name


def list_standard_models():
    """Names of the standard cell types snn.pynn runs."""
    return [obj.__name__ for obj in globals().values()
            if isinstance(obj, type) and issubclass(obj, StandardCellType) and obj is not StandardCellType]
