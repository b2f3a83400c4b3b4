"""A random (static) liquid of IF_curr_exp neurons driven by rate-coded inputs: the smallest useful liquid
state machine, used by the default demo. NALSM (models/nalsm.py) is the faithful, plastic version."""
from snn.connectors import FixedProbability
from snn.spec import Network, Population, Projection

LIF = dict(cm=0.25, tau_m=20.0, tau_refrac=2.0, tau_syn_E=5.0, tau_syn_I=10.0,
           v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0)


def build_random_liquid(n_inputs, n_exc=160, n_inh=40, p_in=0.2, p_rec=0.1, w_in=1.2, w_exc=0.3, w_inh=1.2,
                        dt=1.0, seed=0):
    """Inputs (``SpikeSourceInput``) -> excitatory + inhibitory liquid with FixedProbability connectivity.
    Weights in nA; delays one step."""
    pops = [Population("input", n_inputs, "SpikeSourceInput"),
            Population("exc", n_exc, "IF_curr_exp", params=LIF),
            Population("inh", n_inh, "IF_curr_exp", params=LIF)]
    projs = [Projection("input", post, FixedProbability(p_in), weight=w_in) for post in ("exc", "inh")]
    projs += [Projection("exc", post, FixedProbability(p_rec, allow_self_connections=False), weight=w_exc)
              for post in ("exc", "inh")]
    projs += [Projection("inh", post, FixedProbability(p_rec, allow_self_connections=False), weight=w_inh,
                         receptor_type="inhibitory") for post in ("exc", "inh")]
    return Network(pops, projs, dt=dt, schedule="exact", seed=seed)
