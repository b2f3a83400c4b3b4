"""A NALSM liquid in brian2 (cpp_standalone), for throughput comparisons with snn's 'nalsm' schedule.

What brian2 runs (the same synapses and start weights as the snn network given, expanded by snn's lowering):

Every number comes from the spec (the NALSM_LIF parameters, the events -> input weight, the TraceSTDP rules and
the Astrocyte) or from the 'nalsm' kernel (age cap and start age); the values below are those of
``models.nalsm.build_liquid``:

- cells (liquid + input neurons): ``v <- v + g - v/tau_m`` (64) per 1 ms step (Euler, exact for this discrete
  map), threshold ``v >= v_thresh`` (20), reset ``v = v_reset`` (0), refractory ``tau_refrac`` (2) steps while V
  keeps integrating; ``g`` is the running
  synaptic sum, ``g <- e^-1 g`` per step; a spike of pre j adds ``w (1 - e^-age_j)`` to its targets' g (age from
  the previous spike, capped at 100), as the NALSM code's per-synapse counters do;
- inputs: a PoissonGroup per pixel with p per ms (a TimedArray of the samples' rates, 250 ms per sample), each
  spike adding 100 to its input cell's v;
- plasticity, on every synapse onto the liquid: trace STDP (traces ``x <- d x``, ``x += 0.1`` at a spike),
  potentiation ``eta_+ = 0.15 * 0.99^k`` (k = ms into the sample), depression by the astrocyte's A; inhibitory
  sources mirrored; clipped to the synapse's bounds;
- astrocyte: one NeuronGroup(1), ``A <- A + (b_A - A)/100 - 0.01 A`` per step, plus ``w_A/100`` per liquid spike
  and ``-w_A/100`` per input spike, with ``b_A, w_A`` decaying by 0.99 per ms; every cell reads A through a
  summed variable (one synapse from the astrocyte to each cell);
- samples: one long run; every 250 ms a ``run_regularly`` resets v, g, ages, A and the weights (``w = w0``), so
  samples are independent as in snn's phase 2; liquid spike counts per sample come from a SpikeMonitor.

Differences from snn's exact schedule (so spikes are not expected to match one for one): brian2's step order
(state update, threshold, synapses, reset) puts V integration before the spike test, a weight change does not
correct g until the synapse's next spike, and the rate decays are written as continuous updates of the same
per-step factors. The work per step (neurons, spike propagation, STDP on the touched synapses) is the same.
"""
import shutil
import tempfile
import time

import numpy as np

from snn.errors import SpecError
from snn.kernels.nalsm_schedule import AGE_CAP, AGE_START


def _liquid_parameters(net):
    """What the brian2 liquid takes from the spec: the NALSM_LIF parameters (one value for every cell), the
    events -> input weight, the TraceSTDP rate and its decay (shared by every rule)."""
    out = {}
    for label in ("exc", "inh", "input"):
        params = net.population(label).parameters()
        for name in ("tau_m", "v_thresh", "v_reset", "tau_refrac", "i_offset"):
            value = np.unique(np.asarray(params[name], float))
            if value.size != 1 or out.setdefault(name, float(value[0])) != float(value[0]):
                raise SpecError(f"the brian2 NALSM liquid needs one {name} for every cell; population {label!r} "
                                f"has {value.tolist()}")
    if out["i_offset"] != 0.0:
        raise SpecError("the brian2 NALSM liquid has no i_offset")
    rules = {(float(p.plasticity.eta_plus), float(p.plasticity.lr_decay)) for p in net.projections
             if p.plasticity is not None}
    if len(rules) != 1:
        raise SpecError(f"the brian2 NALSM liquid needs one (eta_plus, lr_decay) for every rule, got {sorted(rules)}")
    out["eta_plus"], out["lr_decay"] = rules.pop()
    drive = [p for p in net.projections if p.pre == "events" and p.post == "input"]
    out["input_weight"] = float(np.asarray(drive[0].weight, float)) if drive else 0.0
    return out


def run_liquid(sim, rates, w_init, duration_ms=250.0, mode="cpp_standalone", codegen_target="cython",
               build_dir=None):
    """Simulate the samples ``rates`` (n_samples, n_inputs; spike probability per ms) in brian2 on the liquid of
    the snn Simulator ``sim`` (built by ``models.nalsm.build_liquid``, phase 'features') with start weights
    ``w_init``. ``mode``: 'cpp_standalone' (one thread; all samples in one run of the compiled binary) or
    'runtime' (``codegen_target``, in-process; ``Network.run`` once per sample, as an interactive user would).
    Returns dict(counts (n_samples, n_liquid), sim_seconds (cpp_standalone: brian2's own timing of the simulation
    loop; runtime: wall time of the per-sample runs, the first sample's excluded as it compiles), samples_timed,
    build_seconds (network construction, code generation, compilation), synapses)."""
    import brian2 as b2
    net = sim.net
    n_e, n_i = net.population("exc").size, net.population("inh").size
    n_liq = n_e + n_i
    n_in = net.population("input").size
    n_cells = n_liq + n_in
    rates = np.asarray(rates, float)
    if rates.ndim != 2 or rates.shape[1] != n_in:
        raise SpecError(f"rates of shape {rates.shape}; expected (samples, {n_in})")
    n_samples = rates.shape[0]
    kinds = {type(m).__name__: m for m in net.modulators}
    if "CalciumGate" in kinds:
        raise SpecError("the brian2 NALSM liquid has no CalciumGate (LSM+AP-STDP gating); run its phase-2 liquid, "
                        "which has none")
    astro = kinds.get("Astrocyte")
    if mode not in ("cpp_standalone", "runtime"):
        raise SpecError(f"mode={mode!r}; choose 'cpp_standalone' or 'runtime'")
    standalone = mode == "cpp_standalone"
    own = build_dir is None and standalone
    directory = tempfile.mkdtemp(prefix="snn_brian2_nalsm_") if own else build_dir
    try:
        if standalone:
            b2.set_device("cpp_standalone", build_on_run=False, directory=directory)
            b2.device.reinit()
            b2.device.activate(build_on_run=False, directory=directory)
            b2.prefs.devices.cpp_standalone.openmp_threads = 0
        else:
            b2.start_scope()
            b2.prefs.codegen.target = codegen_target
        t0 = time.perf_counter()
        b2.defaultclock.dt = 1 * b2.ms
        ms = b2.ms
        T = duration_ms * ms
        p = _liquid_parameters(net)
        trace = sim.schedule.arrays.trace
        ns = dict(T=T, e1=np.exp(-1.0), dtr=float(trace[1]), a_tr=float(trace[0]), tau_m=p["tau_m"],
                  v_th=p["v_thresh"], v_reset=p["v_reset"], eta0=p["eta_plus"], lr_decay=p["lr_decay"],
                  b0=astro.b_A if astro else 0.0, w0A=astro.w_A if astro else 0.0, on=1.0 if astro else 0.0,
                  tau_A=astro.tau_A if astro else 1.0, a_decay=astro.decay if astro else 1.0,
                  age_cap=AGE_CAP, i_in=p["input_weight"])
        cells = b2.NeuronGroup(n_cells, """
            dv/dt = (g - v / tau_m) / ms : 1
            dg/dt = (e1 - 1) * g / ms : 1
            dx/dt = (dtr - 1) * x / ms : 1
            tlast : second
            A : 1
            k = (t - T * floor(t / T)) / ms : 1
            eta = eta0 * lr_decay ** k : 1
            """, threshold="v >= v_th", reset="v = v_reset; tlast = t; x += a_tr",
            refractory=(p["tau_refrac"] + 1.0) * ms,      # brian2 holds while steps since the spike < ref / dt
            method="euler", namespace=ns, name="cells")
        ast = b2.NeuronGroup(1, """
            dA/dt = ((bA - A) / tau_A - (1 - a_decay) * A * on) / ms : 1
            k = (t - T * floor(t / T)) / ms : 1
            bA = b0 * a_decay ** k : 1
            wA = w0A * a_decay ** k : 1
            """, method="euler", name="astro", namespace=ns)
        ast.A = astro.A0 if astro else 0.15
        copy_a = b2.Synapses(ast, cells, "A_post = A_pre : 1 (summed)", name="copy_A", namespace=ns)
        copy_a.connect(i=0, j=np.arange(n_cells))           # every cell reads the one astrocyte's A
        cells.tlast = -AGE_START * ms
        ta = b2.TimedArray(rates * 1000.0 * b2.Hz, dt=T, name="rates_ta")
        src = b2.PoissonGroup(n_in, rates="rates_ta(t, i)", name="events")
        drive = b2.Synapses(src, cells, on_pre="v_post += i_in", name="drive", namespace=ns)
        drive.connect(i=np.arange(n_in), j=np.arange(n_liq, n_cells))
        groups = []
        m = sim.synapses
        for mirrored, labels in ((False, ("exc", "input")), (True, ("inh",))):
            pre, post, w0, lo, hi = [], [], [], [], []
            for proj in net.projections:
                if proj.plasticity is None or proj.pre not in labels:
                    continue
                mp = m[proj.name]
                pre.append(mp.pre)
                post.append(mp.post)
                w0.append(np.asarray(w_init)[mp.index])
                lo.append(np.full(mp.pre.size, proj.plasticity.w_min))
                hi.append(np.full(mp.pre.size, proj.plasticity.w_max))
            pre, post, w0, lo, hi = map(np.concatenate, (pre, post, w0, lo, hi))
            prop = "g_post += w * (1 - exp(-clip((t - tlast_pre) / ms, 0, age_cap)))\n"
            if mirrored:
                on_pre = prop + "w = clip(w + eta_post * x_post, wmin, wmax)"
                on_post = "w = clip(w - A_post * x_pre, wmin, wmax)"
            else:
                on_pre = prop + "w = clip(w - A_post * x_post, wmin, wmax)"
                on_post = "w = clip(w + eta_pre * x_pre, wmin, wmax)"
            syn = b2.Synapses(cells, cells, "w : 1\nw0 : 1 (constant)\nwmin : 1 (constant)\nwmax : 1 (constant)",
                              on_pre=on_pre, on_post=on_post, name=f"plastic_{int(mirrored)}", namespace=ns)
            syn.connect(i=pre, j=post)
            syn.w, syn.w0, syn.wmin, syn.wmax = w0, w0, lo, hi
            syn.run_regularly("w = w0", dt=T, when="start")
            groups.append(syn)
        liq_ast = b2.Synapses(cells, ast, on_pre="A_post += wA_post / tau_A", name="liq_astro", namespace=ns)
        liq_ast.connect(i=np.arange(n_liq), j=0)
        in_ast = b2.Synapses(src, ast, on_pre="A_post -= wA_post / tau_A", name="in_astro", namespace=ns)
        in_ast.connect(i=np.arange(n_in), j=0)
        cells.run_regularly(f"v = {p['v_reset']!r}\ng = 0\ntlast = t - {AGE_START} * ms", dt=T, when="start")
        ast.run_regularly(f"A = {astro.A0 if astro else 0.15}", dt=T, when="start")
        mon = b2.SpikeMonitor(cells, name="cell_spikes")
        network = b2.Network(cells, ast, copy_a, src, drive, *groups, liq_ast, in_ast, mon)
        namespace = {"rates_ta": ta, **ns}
        if standalone:
            network.run(n_samples * T, namespace=namespace)
            b2.device.build(directory=directory, compile=True, run=False, with_output=False)
            build = time.perf_counter() - t0
            b2.device.run(directory=directory, with_output=False)
            sim_s, timed = float(b2.device._last_run_time), n_samples
        else:
            network.run(T, namespace=namespace)          # sample 0: code generation and compilation
            build = time.perf_counter() - t0
            t1 = time.perf_counter()
            for _ in range(1, n_samples):
                network.run(T, namespace=namespace)
            sim_s, timed = time.perf_counter() - t1, n_samples - 1
        t_idx = np.asarray(mon.t[:] / (1e-3 * duration_ms)).astype(np.int64)
        i_all = np.asarray(mon.i[:], np.int64)
        liq = i_all < n_liq
        counts = np.zeros((n_samples, n_liq), np.int64)
        np.add.at(counts, (np.minimum(t_idx[liq], n_samples - 1), i_all[liq]), 1)
        return dict(counts=counts, sim_seconds=sim_s, samples_timed=timed, build_seconds=build,
                    synapses=int(sum(len(s) for s in groups)))
    finally:
        if standalone:
            b2.device.reinit()
            b2.set_device("runtime")
        if own:
            shutil.rmtree(directory, ignore_errors=True)
