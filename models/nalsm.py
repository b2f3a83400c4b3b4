"""NALSM (Ivanov & Michmizos, NeurIPS 2021) and its LSM baselines as ``spec.Network`` builders, plus the two-phase
protocol that turns images or events into liquid spike-count features (specs/nalsm.md sections 1-3).

    net = build_liquid(n_inputs=64, shape=(10, 10, 10), variant="nalsm", phase="init", seed=0)

Populations in global index order: ``exc`` (80 %), ``inh`` (20 %) liquid neurons at random grid points, ``input``
(one NALSM_LIF per pixel or event channel) and ``events`` (the spike source whose pulses of 100 drive ``input``).
Connectivity, weights and the seed are fixed by the arguments; the 'init' and 'features' phases of one seed give
the same synapses in the same order (only the rate decays differ), so phase-1 weights load into phase 2.

Where this differs from the authors' code (each a choice, stated here once):
- phase 2 starts every sample with STDP traces at 0; the original carries each batch slot's traces over from the
  previous batch's sample, which would make features depend on the batch size. Phase 1 carries traces, as there.
- the astrocyte density ablation listens to round(density * size) random neurons of each population.
- ``lsm-apstdp`` (specs 3.5): phase 1 gates the pure-STDP rule (eta 0.15 both ways) by each post neuron's
  calcium (``CalciumGate``; theta_C = 37 Hz, dC = 22, the middle of the MNIST sweep 19-25); phase 2 keeps the
  phase-1 weights fixed (rates 0: the synapses stay in the plastic table so the weights load as in the others).
  C and the traces carry over from sample to sample in phase 1, as in the authors' code.
"""
import numpy as np

from snn.connectors import DistanceDependent, FromList, OneToOne
from snn.engine import Simulator
from snn.errors import SpecError, check_choice
from snn.plasticity import Astrocyte, CalciumGate, TraceSTDP
from snn.spec import Network, Population, Projection

VARIANTS = ("nalsm", "lsm", "lsm-stdp", "lsm-apstdp")
PHASES = ("init", "features")
# Connection strength C(pre -> post) of exp(-(D/lam)^2); the code's [post, pre] list [0.2, 0.1, 0.3, 0.05] read out
C_LIQUID = {("exc", "exc"): 0.2, ("exc", "inh"): 0.1, ("inh", "exc"): 0.3, ("inh", "inh"): 0.05}
LAMBDA = 3.0
INPUT_DENSITY = 0.15
INPUT_CURRENT = 100.0
W_MAX = 3.0                          # MAX_RES_W_VAR: bounds and the "maximal" initial magnitude
PHASE2_DECAY = 0.99                  # per-ms decay of the rates during feature extraction
INIT_MS, FEATURE_MS = 20, 250
DEFAULT_W_A = {1000: 0.015, 8000: 0.0075}
THETA_C, D_C = 37.0, 22.0            # lsm-apstdp calcium gate, MNIST (specs 3.5: theta 37 Hz, dC 19-25)


def default_w_A(n_liquid):
    """w_A of the README: 0.015 for 1000-neuron liquids, 0.0075 for 8000 (the nearest size otherwise)."""
    return DEFAULT_W_A[min(DEFAULT_W_A, key=lambda k: abs(np.log(k / n_liquid)))]


def grid_positions(shape, rng):
    """Integer grid points of a d1 x d2 x d3 cube (unit spacing), randomly permuted."""
    d1, d2, d3 = shape
    pts = np.stack(np.meshgrid(np.arange(d1), np.arange(d2), np.arange(d3), indexing="ij"), -1).reshape(-1, 3)
    return pts[rng.permutation(len(pts))].astype(float)


def build_liquid(n_inputs, shape=(10, 10, 10), variant="nalsm", phase="init", w_init=None, w_A=None,
                 astro_density=1.0, seed=0, theta_C=None, dC=None):
    """The liquid of ``variant`` for ``phase`` ('init': plastic initialisation, constant rates; 'features':
    rates decay by 0.99 per ms; lsm-apstdp: fixed weights). ``w_init``: initial |w| of every block (default 3
    for nalsm / lsm-stdp, 1 for lsm / lsm-apstdp). ``w_A``: astrocyte weight (default by liquid size).
    ``astro_density``: the ablation of specs 3.2. ``theta_C``, ``dC``: the lsm-apstdp calcium windows (LTP in
    (theta_C, theta_C + dC), LTD in (theta_C - dC, theta_C); default 37 and 22)."""
    check_choice("variant", variant, VARIANTS)
    check_choice("phase", phase, PHASES)
    if variant != "lsm-apstdp" and (theta_C is not None or dC is not None):
        raise SpecError(f"theta_C and dC set the calcium gate of variant 'lsm-apstdp', not {variant!r}")
    if len(shape) != 3 or min(shape) < 1:
        raise SpecError(f"shape={shape!r} must be three positive grid sizes (d1, d2, d3)")
    if int(n_inputs) < 1:
        raise SpecError(f"n_inputs={n_inputs!r} must be >= 1")
    n_inputs = int(n_inputs)
    rng = np.random.default_rng([int(seed), 0x15A])
    n = int(np.prod(shape))
    n_e = int(round(0.8 * n))
    pos = grid_positions(shape, rng)
    pops = [Population("exc", n_e, "NALSM_LIF", positions=pos[:n_e]),
            Population("inh", n - n_e, "NALSM_LIF", positions=pos[n_e:]),
            Population("input", n_inputs, "NALSM_LIF"),
            Population("events", n_inputs, "SpikeSourceInput")]
    if w_init is None:
        w_init = W_MAX if variant in ("nalsm", "lsm-stdp") else 1.0
    w_init = float(w_init)
    if not 0 < w_init <= W_MAX:
        raise SpecError(f"w_init={w_init!r} must lie in (0, {W_MAX}] (the weight bounds)")
    lr_decay = PHASE2_DECAY if phase == "features" else 1.0
    plastic = variant != "lsm"
    frozen = variant == "lsm-apstdp" and phase == "features"      # static W_INI, loaded as plastic weights

    def rule(lo, hi, mirrored=False):
        if not plastic:
            return None
        eta = 0.0 if frozen else 0.15      # both ways (nalsm: eta_minus is replaced by the astrocyte's A)
        return TraceSTDP(eta_plus=eta, eta_minus=eta, w_min=lo, w_max=hi, mirrored=mirrored, lr_decay=lr_decay)

    projs = [Projection("events", "input", OneToOne(), weight=INPUT_CURRENT, label="events->input")]
    # input -> liquid: exactly int(N * N_in * 0.15) distinct pairs, uniform, random signs
    k = int(n * n_inputs * INPUT_DENSITY)
    flat = rng.choice(n * n_inputs, k, replace=False)
    post, pre = np.divmod(flat, n_inputs)
    sign = rng.choice([-1.0, 1.0], k)
    for label, lo, hi in (("exc", 0, n_e), ("inh", n_e, n)):
        m = (post >= lo) & (post < hi)
        rows = np.c_[pre[m], post[m] - lo, w_init * sign[m]]
        projs.append(Projection("input", label, FromList(rows), plasticity=rule(-W_MAX, W_MAX),
                                label=f"input->{label}"))
    for src in ("exc", "inh"):
        for dst in ("exc", "inh"):
            bounds = (0.0, W_MAX) if src == "exc" else (-W_MAX, 0.0)
            projs.append(Projection(src, dst, DistanceDependent(C_LIQUID[src, dst], LAMBDA,
                                                                allow_self_connections=src != dst),
                                    weight=w_init, receptor_type="excitatory" if src == "exc" else "inhibitory",
                                    plasticity=rule(*bounds, mirrored=src == "inh"), label=f"{src}->{dst}"))
    mods = ()
    if variant == "nalsm":
        mods = (Astrocyte(plus=("exc", "inh"), minus=("input",), w_A=default_w_A(n) if w_A is None else w_A,
                          b_A=0.15, tau_A=100.0, A0=0.15, density=astro_density, decay=lr_decay),)
    if variant == "lsm-apstdp" and phase == "init":
        mods = (CalciumGate(theta=THETA_C if theta_C is None else float(theta_C),
                            width=D_C if dC is None else float(dC), tau_C=1000.0),)
    return Network(pops, projs, dt=1.0, schedule="nalsm", seed=int(seed), modulators=mods)


def initialise(net, stimuli, k=None, seed=0, chunk=500, progress=False):
    """Phase 1: ``k`` samples shown 20 ms each, in order, weights, traces and calcium carried over. ``stimuli``:
    rates (K, n_in) or events (K, n_in, >= 20), or a function (a, z) -> those of samples a..z-1 (made chunk by
    chunk). Returns the final plastic weights (a 1-D array)."""
    sim = Simulator(net, record=())
    get = stimuli if callable(stimuli) else (lambda a, z: stimuli[a:z])
    k = len(stimuli) if k is None else int(k)
    w, x, c = None, None, None
    starts = range(0, k, chunk)
    if progress:
        from tqdm.auto import tqdm
        starts = tqdm(starts, total=len(starts), unit="chunk", desc="phase 1 (init)")
    for a in starts:
        z = min(a + chunk, k)
        r = sim.run(float(INIT_MS), batch=z - a, stimuli={"events": get(a, z)}, seed=seed, sample_offset=a,
                    plastic_weights=w, traces=x, calcium=c, carry_over=True)
        w, x, c = r.plastic_weights[0], r.traces[0], r.calcium[0]
    return sim.initial_plastic_weights.copy() if w is None else w


def liquid_counts(sim, stimuli, w_init, seed=0, sample_offset=0, duration=FEATURE_MS):
    """Phase 2 on one chunk: every sample from ``w_init`` (plastic), in parallel; spike counts of the liquid
    (exc then inh), (batch, N)."""
    r = sim.run(float(duration), batch=len(stimuli), stimuli={"events": stimuli}, seed=seed,
                sample_offset=sample_offset, plastic_weights=w_init, keep_weights=False)
    return np.concatenate([r.counts("exc"), r.counts("inh")], axis=1), r


def liquid_adjacency(sim):
    """(pre, post) arrays of the liquid's recurrent synapses, as indices into the liquid (exc then inh)."""
    off = {"exc": 0, "inh": sim.net.population("exc").size}
    pre, post = [], []
    for src in ("exc", "inh"):
        for dst in ("exc", "inh"):
            m = sim.synapses[f"{src}->{dst}"]
            pre.append(m.pre - sim.offsets[src] + off[src])
            post.append(m.post - sim.offsets[dst] + off[dst])
    return np.concatenate(pre), np.concatenate(post)
