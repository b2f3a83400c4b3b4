"""Small networks the backend tests share (imported by the tests and by the NEST subprocesses they start)."""
import numpy as np

from snn.connectors import AllToAll, FixedProbability, FromList, OneToOne
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection

CAM_A = dict(cm=0.27, tau_m=3.0, tau_refrac=1.0, tau_syn_E=0.3, tau_syn_I=0.3, v_rest=-60.0, v_reset=-60.0,
             v_thresh=-57.0)
CAM_B = dict(CAM_A, cm=0.14, tau_m=0.5)


def cam_like(n=5, m=10):
    """CAM-sized: 3n + 4m + 1 = 56 IF_curr_exp neurons in 8 populations + input (SpikeSourceArray) and output
    layers (10 populations), delays 1-3 ms, two SpikePairSTDP projections (A = 6 absolute, w_max = 6)."""
    v0 = dict(v=-60.0)
    times = [[2.0 + 10 * k] for k in range(n)] + [[2.0 + 10 * (k % n)] for k in range(m)]
    pops = [Population("IL", n + m, "SpikeSourceArray", params=dict(spike_times=times)),
            Population("cueCue", n, "IF_curr_exp", CAM_A, v0), Population("contCue", m, "IF_curr_exp", CAM_A, v0),
            Population("contCond", m, "IF_curr_exp", CAM_B, v0), Population("condInt", 1, "IF_curr_exp", CAM_B, v0),
            Population("cueCont", n, "IF_curr_exp", CAM_B, v0), Population("contCont", m, "IF_curr_exp", CAM_A, v0),
            Population("mergeCue", n, "IF_curr_exp", CAM_A, v0), Population("mergeCont", m, "IF_curr_exp", CAM_A, v0),
            Population("OL", n + m, "IF_curr_exp", dict(CAM_A, v_thresh=-57.5), v0)]
    stdp = SpikePairSTDP(tau_plus=3.0, tau_minus=3.0, A_plus=6.0, A_minus=6.0, w_min=0.0, w_max=6.0)
    il_cue = FromList(tuple((k, k) for k in range(n)))
    il_cont = FromList(tuple((n + k, k) for k in range(m)))
    P = Projection
    projs = [P("IL", "cueCue", il_cue, 6.0, 1.0), P("IL", "contCue", il_cont, 6.0, 1.0),
             P("cueCue", "cueCont", OneToOne(), 6.0, 2.0),
             P("cueCue", "cueCont", AllToAll(False), 6.0 * m, 3.0, "inhibitory", label="cueCue-cueCont-inh"),
             P("cueCue", "contCond", AllToAll(), 6.0, 2.0, "inhibitory"),
             P("contCue", "contCond", OneToOne(), 9.0, 1.0), P("contCond", "contCont", OneToOne(), 6.0, 1.0),
             P("contCue", "condInt", AllToAll(), 6.0, 1.0), P("condInt", "contCond", AllToAll(), 2.0, 1.0),
             P("cueCue", "contCue", AllToAll(), 0.0, 1.0, plasticity=stdp, label="stdp-cue-cont"),
             P("contCont", "cueCont", AllToAll(), 0.0, 1.0, plasticity=stdp, label="stdp-cont-cue"),
             P("cueCont", "cueCont", AllToAll(False), 6.0 * m, 2.0, "inhibitory", label="lateral-inh"),
             P("cueCue", "mergeCue", OneToOne(), 6.0, 3.0), P("cueCont", "mergeCue", OneToOne(), 6.0, 1.0),
             P("contCue", "mergeCont", OneToOne(), 6.0, 3.0), P("contCont", "mergeCont", OneToOne(), 6.0, 1.0),
             P("mergeCue", "OL", FromList(tuple((k, k) for k in range(n))), 6.0, 1.0),
             P("mergeCont", "OL", FromList(tuple((k, n + k) for k in range(m))), 6.0, 1.0)]
    return Network(pops, projs, dt=1.0, schedule="spinnaker", seed=0)


def liquid_1000(seed=0):
    """784 inputs -> 800 excitatory + 200 inhibitory IF_curr_exp, static FixedProbability synapses (the size
    of a 1000-neuron NALSM liquid on MNIST, without its plasticity)."""
    lif = dict(cm=0.25, tau_m=20.0, tau_refrac=2.0, tau_syn_E=5.0, tau_syn_I=10.0)
    pops = [Population("input", 784, "SpikeSourceInput"), Population("exc", 800, "IF_curr_exp", lif),
            Population("inh", 200, "IF_curr_exp", lif)]
    projs = [Projection("input", p, FixedProbability(0.1), 1.0) for p in ("exc", "inh")]
    projs += [Projection("exc", p, FixedProbability(0.1, False), 0.3, 1.0) for p in ("exc", "inh")]
    projs += [Projection("inh", p, FixedProbability(0.1, False), 1.2, 2.0, "inhibitory") for p in ("exc", "inh")]
    return Network(pops, projs, dt=1.0, schedule="exact", seed=seed)


def single_neurons():
    """Neurons driven by a constant current (different i_offset / refractory periods, one below threshold)
    and by a SpikeSourceArray through delays 1-3 (excitatory and inhibitory)."""
    drive = Population("drive", 4, "IF_curr_exp",
                       dict(i_offset=[0.6, 1.0, 2.0, 0.2], tau_refrac=[0.1, 2.0, 2.5, 1.0], cm=0.5, tau_m=15.0))
    stim = Population("stim", 3, "SpikeSourceArray",
                      params=dict(spike_times=[[2.0, 5.0, 30.0], [3.0, 31.0, 32.0], [10.0, 40.0, 41.0, 42.0]]))
    cells = Population("cells", 3, "IF_curr_exp", dict(cm=0.25, tau_m=10.0, tau_syn_E=2.0, tau_syn_I=3.0,
                                                       tau_refrac=1.0))
    projs = [Projection("stim", "cells", OneToOne(), 3.0, 1.0),
             Projection("stim", "cells", FromList(((0, 1, 2.5, 3.0), (2, 0, 4.0, 2.0))), 0.0),
             Projection("drive", "cells", FromList(((1, 2, 1.5, 2.0),)), 0.0, None, "inhibitory")]
    return Network([drive, stim, cells], projs, dt=1.0, schedule="exact", seed=1)


def random_network(seed=0, n_exc=160, n_inh=40, n_in=50, rate_hz=20.0, duration=500.0):
    """A driven random E/I network; the input spike times are drawn once from ``seed`` (Poisson, 1 ms grid)."""
    rng = np.random.default_rng(seed + 1000)
    steps = int(duration)
    times = [list((np.flatnonzero(rng.random(steps - 3) < rate_hz / 1000.0) + 2).astype(float)) for _ in range(n_in)]
    lif = dict(cm=0.25, tau_m=20.0, tau_refrac=2.0, tau_syn_E=5.0, tau_syn_I=10.0)
    pops = [Population("input", n_in, "SpikeSourceArray", params=dict(spike_times=times)),
            Population("exc", n_exc, "IF_curr_exp", lif), Population("inh", n_inh, "IF_curr_exp", lif)]
    projs = [Projection("input", p, FixedProbability(0.2), 0.8, 1.0) for p in ("exc", "inh")]
    projs += [Projection("exc", p, FixedProbability(0.1, False), 0.25, 2.0) for p in ("exc", "inh")]
    projs += [Projection("inh", p, FixedProbability(0.1, False), 0.8, 1.0, "inhibitory") for p in ("exc", "inh")]
    return Network(pops, projs, dt=1.0, schedule="exact", seed=seed)
