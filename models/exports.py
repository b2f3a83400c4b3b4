"""Model builders for ``snn export`` (``experiments/export.py`` resolves names to them): each returns a
``spec.Network`` that a PyNN backend can take. ``build_continual`` stays with the experiment: it reads a run
folder.
"""
from snn.connectors import AllToAll, FixedProbability, OneToOne
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection

RELAY = dict(cm=0.27, tau_m=3.0, tau_refrac=1.0, tau_syn_E=0.3, tau_syn_I=0.3, v_rest=-60.0, v_reset=-60.0,
             v_thresh=-57.0)


def build_demo(seed=0):
    """A small CAM-like network: a SpikeSourceArray cue drives two relay layers (delays 1-3), a random
    recurrent inhibitory layer, and one SpikePairSTDP association between them (sPyNNaker semantics)."""
    n = 8
    times = [[2.0 + 5 * k, 40.0 + 5 * k] for k in range(n)]
    pops = [Population("cue", n, "SpikeSourceArray", params=dict(spike_times=times)),
            Population("relay", n, "IF_curr_exp", params=RELAY, initial_values=dict(v=-60.0)),
            Population("assoc", n, "IF_curr_exp", params=RELAY, initial_values=dict(v=-60.0)),
            Population("inh", 4, "IF_curr_exp", params=RELAY, initial_values=dict(v=-60.0))]
    projs = [Projection("cue", "relay", OneToOne(), weight=6.0, delay=1.0),
             Projection("relay", "assoc", OneToOne(), weight=6.0, delay=2.0),
             Projection("relay", "inh", FixedProbability(0.5), weight=6.0, delay=1.0),
             Projection("inh", "assoc", AllToAll(), weight=2.0, delay=3.0, receptor_type="inhibitory"),
             Projection("relay", "assoc", AllToAll(), weight=0.0, delay=1.0, label="stdp",
                        plasticity=SpikePairSTDP(3.0, 3.0, 6.0, 6.0, 0.0, 6.0))]
    return Network(pops, projs, dt=1.0, schedule="spinnaker", seed=seed)


def build_ca3_cam(cue_size=5, content_size=10):
    """The CA3 CAM with a short learn / recall-by-cue / recall-by-content schedule on its input layer."""
    from snn.models.cam_memory import CAM
    mem = CAM(cue_size, content_size)
    mem.learn(0, [0, 1])
    mem.recall_cue(0)
    mem.recall_content([1])
    return mem.network()


def build_cuba(seed=0):
    """Vogels-Abbott CUBA (models/benchmarks.py): 4000 IF_curr_exp, dt 0.1 ms (NEST; not SpiNNaker's 1 ms)."""
    from snn.models.benchmarks import cuba
    return cuba(seed=seed)


def build_nalsm_frozen(seed=0, init_samples=200, image=0):
    """NALSM's nearest deployable variant (models/nalsm_deploy.py): a 1000-neuron liquid after a short phase 1
    (``init_samples`` digits x 20 ms in the engine), weights frozen onto IF_curr_exp, driven by Poisson sources
    at the NALSM rate code of test digit ``image`` (sklearn's 8x8 digits)."""
    import numpy as np
    from snn.data import load_digits, rate_probabilities
    from snn.models.nalsm import build_liquid, initialise
    from snn.models.nalsm_deploy import frozen_liquid
    splits = load_digits(seed=seed)
    p_train, _ = rate_probabilities(splits.train.images[:init_samples], on_zero="zero")
    w = initialise(build_liquid(64, phase="init", seed=seed), p_train, seed=seed + 1)
    p_test, _ = rate_probabilities(splits.test.images[image:image + 1], on_zero="zero")
    return frozen_liquid(64, w, seed=seed, rates_hz=np.minimum(p_test[0] * 1000.0, 1000.0))
