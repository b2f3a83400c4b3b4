"""A trained continual-learning MLP as a deployable spiking network: IF_curr_exp layers, rate-coded inputs.

The spiking MLP of ``models/spiking_mlp.py`` is trained with direct (current) input and neurons that PyNN does
not have. Its deployable variant keeps the trained weights and maps every piece onto PyNN's standard cells:

* pixels: channel j fires Poisson spikes with probability ``p_j * max_rate`` per 1 ms step, ``p_j`` the raw
  intensity in [0, 1] (the permuted image for PMNIST). The network was trained on ``x = (p - mean) / std``, so
  ``W x = (W / std) p - (mean / std) W 1``: the first term is carried by the input spikes, the second is a
  constant bias, the ``i_offset`` of each first-layer neuron.
* hidden neurons become ``IF_curr_exp`` with ``v_rest = 0`` and the training neuron's leak per step
  (``tau_m = -1 / ln(beta)``), firing threshold and reset: DSR fires at ``alpha vth`` and subtracts ``vth``, so
  the deployed neuron resets to ``(alpha - 1) vth``; BPTT/OTTT neurons fire at ``vth`` and reset to 0
  (their soft reset keeps the overshoot, the deployed one does not).
* weights: a spike of a neuron whose training amplitude is ``a`` reaches the next layer as ``W a``; the deployed
  weight gives the same mean drive, ``w = g W a cm / ((1 - beta) tau_syn tau_m)`` (g: the training neuron's
  input gain, ``1 - beta`` for DSR, 1 for BPTT/OTTT), split by sign into excitatory and inhibitory projections.
  ``cm`` is chosen per layer so that its largest weight is 1 nA, which keeps sPyNNaker's 16-bit weights fine.
* the head is not spiking in training: here it is an integrator that never fires (``tau_m = HEAD_TAU_M``,
  threshold far above any logit) whose weights are scaled by the run length, so its V at the end of the run is
  the time-averaged logit; the class is the argmax of the recorded V.
* ``quantise=True`` rounds every weight to sPyNNaker's 16-bit grid of its receptor (``weight_resolution``) and
  drops those that round to 0, so the engine measures what the board would compute.

The variant is an approximation: input and hidden activity are Poisson-noisy rates over ``duration`` ms rather
than the training's T steps of direct input, and each layer adds a 1 ms delay.
"""
import math

import numpy as np

from snn.errors import SpecError
from snn.spec import Network, Population

from .deploy import signed_projections
from .spiking_mlp import SpikingMLP

HEAD_TAU_M = 1.0e4         # ms: the head integrates the whole run (leak < 2 % over 200 ms)
HEAD_THRESHOLD = 1.0e4     # mV: never reached by a logit
DEFAULT_MAX_RATE = 0.5     # input spikes per 1 ms step for a white pixel (500 Hz)


def neuron_map(model):
    """(beta, input gain, firing threshold, reset, spike amplitude) of each hidden layer of ``model``."""
    p = model.params
    out = []
    for vth in model.vth:
        if model.training == "dsr":
            beta = math.exp(-p["dt"] / p["tau"])
            out.append((beta, 1.0 - beta, p["alpha"] * vth, (p["alpha"] - 1.0) * vth, vth / p["dt"]))
        else:
            out.append((1.0 - 1.0 / p["tau"], 1.0, p["vth"], 0.0, 1.0))
    return out


def deployable_mlp(model, *, duration=200.0, mean=0.1307, std=0.3081, max_rate=DEFAULT_MAX_RATE, tau_syn=1.0,
                   quantise=True, pixels=None, seed=0):
    """The deployable ``Network`` ('exact' schedule, dt = 1 ms) of a trained ``SpikingMLP``.

    ``duration``: the run length (ms) the head's scaling assumes; ``mean``/``std``: the input normalisation the
    model was trained with; ``max_rate``: input spike probability per step of a white pixel. ``pixels``: raw
    intensities in [0, 1] of one image, to drive a ``SpikeSourcePoisson`` (a deployed run); None: a
    ``SpikeSourceInput`` fed per sample at run time (the engine). Populations: pixels, hidden1.., out."""
    if not isinstance(model, SpikingMLP):
        raise SpecError(f"model must be a trained snn.models.spiking_mlp.SpikingMLP, got {type(model).__name__}")
    for name, v, lo, hi in (("duration", duration, 1.0, 1e6), ("max_rate", max_rate, 1e-6, 1.0),
                            ("std", std, 1e-12, 1e6), ("tau_syn", tau_syn, 0.01, 100.0)):
        if not lo <= float(v) <= hi:
            raise SpecError(f"{name}={v!r} must lie in [{lo:g}, {hi:g}]")
    n_in = model.sizes[0]
    if pixels is None:
        pops = [Population("pixels", n_in, "SpikeSourceInput")]
    else:
        px = np.asarray(pixels, float).ravel()
        if px.size != n_in or not np.all((px >= 0) & (px <= 1)):
            raise SpecError(f"pixels must be {n_in} intensities in [0, 1]")
        pops = [Population("pixels", n_in, "SpikeSourcePoisson", dict(rate=px * max_rate * 1000.0))]
    projs, pre, amp = [], "pixels", 1.0 / (std * max_rate)    # one input spike stands for 1/max_rate of p
    for l, (beta, gain, thresh, reset, spike_amp) in enumerate(neuron_map(model)):
        label = f"hidden{l + 1}"
        tau_m = -1.0 / math.log(beta)
        W = model.weights[l].astype(np.float64)
        drive = gain / ((1.0 - beta) * tau_syn * tau_m)      # w = drive * W * amp * cm
        cm = 1.0 / max(drive * amp * float(np.abs(W).max()), 1e-12)
        bias = np.zeros(W.shape[0]) if l else -(mean / std) * W.sum(axis=1)
        params = dict(cm=cm, tau_m=tau_m, tau_refrac=0.0, tau_syn_E=tau_syn, tau_syn_I=tau_syn, v_rest=0.0,
                      v_reset=reset, v_thresh=thresh, i_offset=bias * gain * cm / ((1.0 - beta) * tau_m))
        pops.append(Population(label, W.shape[0], "IF_curr_exp", params, initial_values=dict(v=0.0)))
        projs += signed_dense(pre, label, W * (drive * amp * cm), quantise)
        pre, amp = label, spike_amp
    W = model.weights[-1].astype(np.float64)
    n_steps = int(round(duration))
    head_drive = 1.0 / (tau_syn * n_steps)                   # V_end = sum of spikes * W a / n_steps
    cm = 1.0 / max(head_drive * amp * float(np.abs(W).max()), 1e-12)
    pops.append(Population("out", W.shape[0], "IF_curr_exp",
                           dict(cm=cm, tau_m=HEAD_TAU_M, tau_refrac=0.0, tau_syn_E=tau_syn, tau_syn_I=tau_syn,
                                v_rest=0.0, v_reset=0.0, v_thresh=HEAD_THRESHOLD, i_offset=0.0),
                           initial_values=dict(v=0.0)))
    projs += signed_dense(pre, "out", W * (head_drive * amp * cm), quantise)
    return Network(pops, projs, dt=1.0, schedule="exact", seed=seed)


def signed_dense(pre, post, W, quantise):
    """A dense signed weight matrix ``W`` (post x pre, nA) as excitatory and inhibitory projections."""
    pre_i, post_i = np.nonzero(W.T)
    return signed_projections(pre, post, pre_i, post_i, W[post_i, pre_i], name=f"{pre}->{post}", quantise=quantise)


def engine_logits(net, pixels, duration, *, max_rate=DEFAULT_MAX_RATE, seed=0, sample_offset=0, chunk=100):
    """Run the deployable ``net`` (built with ``pixels=None``) in the engine on raw images ``pixels`` (B x n_in,
    in [0, 1]) and return the head's V at the last step (B x n_out): the time-averaged logits."""
    from snn.engine import Simulator
    px = np.asarray(pixels, float)
    sim = Simulator(net, record=())
    n_steps = int(round(duration))
    out = []
    for a in range(0, len(px), chunk):
        r = sim.run(duration, batch=len(px[a:a + chunk]), stimuli={"pixels": px[a:a + chunk] * max_rate},
                    seed=seed, sample_offset=sample_offset + a, record_v={"out": None}, every=n_steps)
        out.append(np.stack([r.v("out", b)[1][-1] for b in range(r.batch)]))
    return np.concatenate(out) if out else np.zeros((0, net.population("out").size))



def model_to_nir(model, **options):
    """The trained ``SpikingMLP`` as a NIR graph: its deployable network (``deployable_mlp(model, **options)``,
    pixels a NIR Input fed at run time) through ``snn.nir.to_nir``. Write it with ``nir.write(path, graph)``."""
    from snn.nir import to_nir
    if options.get("pixels") is not None:
        raise SpecError("model_to_nir exports the network without input data; leave pixels=None")
    return to_nir(deployable_mlp(model, **options))
