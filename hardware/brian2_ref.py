"""The same ``snn.spec.Network`` in brian2, to cross-check and benchmark the numba engine.

Each cell type's equations, method and receptor variables come from its registry entry (``CellType.brian2``,
snn/cells.py). Supported: IF_curr_exp and IF_curr_alpha ('exact' schedule: brian2 ``method='exact'``, the same
linear propagators as NEST), IF_cond_exp (brian2 ``method='exponential_euler'``, which is what snn's IF_cond_exp
kernel computes),
SpikeSourceArray, every connector (expanded by ``snn.lowering.expand_projections`` with the network's seed, so
brian2 gets the very same synapses through ``Synapses.connect(i=..., j=...)``), per-synapse or uniform weights
and delays.

Conventions, chosen so that brian2 computes exactly what snn's 'exact' schedule (and NEST) computes:

======================  ========================================  ===========================================
                        snn 'exact' / NEST                        brian2 (this file)
======================  ========================================  ===========================================
spike stamp             end of the step, (t + 1) * dt             start of the step, t * dt: we add dt back
delay d (neuron->nrn)   spike of step t enters the synaptic       ``Synapses(delay=d)``: delivered in step
                        state in step t + d, after the V update   t + d, after the state update: the same
SpikeSourceArray at T   spike of step T/dt - 1 (stamp T)          SpikeGeneratorGroup time T - dt
refractory tau_ref      V held for round(tau_ref/dt) steps        ``refractory = tau_ref + dt`` (brian2 holds
                        after the spike step                      V while steps since spike < refractory/dt)
threshold               v >= v_thresh                             ``'v >= v_thresh'``
======================  ========================================  ===========================================

Parameters that are uniform over a population become constants of the generated code (as in brian2's own
examples, which keeps brian2 fast and fair in benchmarks); others become per-neuron variables.

``mode='runtime'`` runs in-process with ``codegen_target`` (numpy by default: no compiler needed, fine for small
networks); ``mode='cpp_standalone'`` generates, compiles and runs a C++ project in ``build_dir`` (a fresh temporary
directory when None) and can rerun the compiled binary ``repeats`` times, reporting brian2's own timing of the
simulation loop (``Network::_last_run_time``: build, compilation and synapse creation excluded).
"""
import shutil
import tempfile
import time

import numpy as np

from snn.cells import CATALOGUE
from snn.errors import SpecError
from snn.hardware.peer_result import PeerResult
from snn.lowering import expand_projections

# SI base unit of each PyNN unit, for per-neuron constants declared in the equations
_BASE = dict(nF="farad", ms="second", mV="volt", nA="amp", uS="siemens")


def _population(b2, pop, dt):
    params = pop.parameters()
    ct = CATALOGUE[pop.cell_type]
    if ct.source == "fixed":
        st = params["spike_times"]
        per = [st] * pop.size if len(st) == 0 or np.ndim(st[0]) == 0 else list(st)
        idx = np.concatenate([np.full(len(t), k) for k, t in enumerate(per)] + [np.zeros(0)]).astype(int)
        times = np.concatenate([np.asarray(t, float) for t in per] + [np.zeros(0)])
        # snn stamps a source spike at the end of its step; brian2 emits it at the start of the step
        return b2.SpikeGeneratorGroup(pop.size, idx, (times - dt) * b2.ms, name=f"src_{_name(pop.label)}")
    if ct.source == "poisson":
        par = {k: np.broadcast_to(np.asarray(params[k], float), (pop.size,)) for k in ("rate", "start", "duration")}
        if np.any(par["start"] > 0) or np.any(par["duration"] < 1e9):
            raise SpecError(f"population {pop.label!r}: brian2_ref runs SpikeSourcePoisson without a start / "
                            f"duration window only")
        return b2.PoissonGroup(pop.size, par["rate"] * b2.Hz, name=f"src_{_name(pop.label)}")
    model = ct.brian2
    if model is None:
        raise SpecError(f"population {pop.label!r}: brian2_ref does not support cell type {pop.cell_type!r} (it "
                        f"has no brian2 translation); supported: "
                        f"{sorted(k for k, c in CATALOGUE.items() if c.brian2 is not None)}")
    eqs = model.equations
    local_ns, per_neuron = {}, {}
    for name in model.params:
        if name in model.derived:
            func, unit = model.derived[name]
            value = func(params)
        else:
            value = params[model.rename.get(name, name)]
            unit = ct.parameters[model.rename.get(name, name)].unit
        arr = np.broadcast_to(np.asarray(value, float), (pop.size,))
        if np.all(arr == arr[0]):
            local_ns[name] = float(arr[0]) * getattr(b2, unit)
        else:
            per_neuron[name] = arr * getattr(b2, unit)
            eqs += f"{name} : {_BASE[unit]} (constant)\n"
    ref = np.broadcast_to(np.asarray(params["tau_refrac"], float), (pop.size,))
    if np.all(ref == ref[0]):
        refractory = (float(ref[0]) + dt) * b2.ms      # see the table in the module docstring
    else:
        eqs += "ref_period : second (constant)\n"
        refractory = "ref_period"
    g = b2.NeuronGroup(pop.size, eqs, threshold="v >= v_thresh", reset="v = v_reset", refractory=refractory,
                       method=model.method, namespace=local_ns, name=f"pop_{_name(pop.label)}")
    for name, quantity in per_neuron.items():
        setattr(g, name, quantity)
    if refractory == "ref_period":
        g.ref_period = (ref + dt) * b2.ms
    v0 = pop.initial_values.get("v", ct.default_state("v", params))
    g.v = np.broadcast_to(np.asarray(v0, float), (pop.size,)) * b2.mV
    return g


def _name(label):
    return "".join(ch if ch.isalnum() else "_" for ch in label)


def _build(b2, net, record):
    dt = net.dt
    groups = {p.label: _population(b2, p, dt) for p in net.populations}
    objects = list(groups.values())
    n_syn = 0
    for k, (proj, pre, post, w, d) in enumerate(expand_projections(net)):
        post_model = CATALOGUE[net.population(proj.post).cell_type].brian2
        on_pre = post_model.receptors[proj.receptor_type]
        unit, base = getattr(b2, post_model.weight_unit), _BASE[post_model.weight_unit]
        uniform_w = w.size == 0 or np.all(w == w[0])
        uniform_d = d.size == 0 or np.all(d == d[0])
        kwargs = dict(name=f"syn{k}_{_name(proj.name)}")
        if uniform_d:
            kwargs["delay"] = float(d[0] if d.size else 1) * dt * b2.ms
        rule = proj.plasticity
        if rule is not None:
            # SpikePairSTDP as brian2's classic event-driven traces (online, all-to-all; A absolute)
            if not getattr(rule, "brian2", False) or not rule.float_kernel or post_model.weight_unit != "nA":
                raise SpecError(f"projection {proj.name!r}: brian2_ref maps only SpikePairSTDP (pair timing, "
                                f"additive weights) onto current synapses")
            ns = dict(A_plus=rule.A_plus * unit, A_minus=rule.A_minus * unit, w_min=rule.w_min * unit,
                      w_max=rule.w_max * unit, tau_plus=rule.tau_plus * b2.ms, tau_minus=rule.tau_minus * b2.ms)
            syn = b2.Synapses(groups[proj.pre], groups[proj.post],
                              model="""w_syn : amp
                                       dapre/dt = -apre / tau_plus : amp (event-driven)
                                       dapost/dt = -apost / tau_minus : amp (event-driven)""",
                              on_pre=f"""{on_pre}
                                         apre += A_plus
                                         w_syn = clip(w_syn + apost, w_min, w_max)""",
                              on_post="""apost -= A_minus
                                         w_syn = clip(w_syn + apre, w_min, w_max)""",
                              namespace=ns, **kwargs)
            if pre.size:
                syn.connect(i=pre, j=post)
                syn.w_syn = np.clip(w, rule.w_min, rule.w_max) * unit
                if not uniform_d:
                    syn.delay = d * dt * b2.ms
            n_syn += pre.size
            objects.append(syn)
            continue
        if uniform_w:
            syn = b2.Synapses(groups[proj.pre], groups[proj.post], on_pre=on_pre,
                              namespace={"w_syn": float(w[0] if w.size else 0.0) * unit}, **kwargs)
        else:
            syn = b2.Synapses(groups[proj.pre], groups[proj.post], model=f"w_syn : {base} (constant)",
                              on_pre=on_pre, **kwargs)
        if pre.size:
            syn.connect(i=pre, j=post)
            if not uniform_w:
                syn.w_syn = w * unit
            if not uniform_d:
                syn.delay = d * dt * b2.ms
        n_syn += pre.size
        objects.append(syn)
    monitors = {label: b2.SpikeMonitor(g, record=bool(record), name=f"mon_{_name(label)}")
                for label, g in groups.items()}
    objects.extend(monitors.values())
    return b2.Network(*objects), monitors, n_syn


def _collect(monitors, dt, record, result):
    for label, mon in monitors.items():
        result.counts[label] = np.asarray(mon.count[:], np.int64)
        if record:
            t = np.asarray(mon.t[:] / 1e-3) + dt      # brian2 stamps at the step start; snn at the end
            result.spikes[label] = (np.round(t / dt) * dt, np.asarray(mon.i[:], np.int64))


def run(net, duration, mode="runtime", record=True, repeats=1, build_dir=None, codegen_target="numpy",
        any_schedule=False):
    """Simulate ``net`` for ``duration`` ms in brian2. ``repeats``: how many times the simulation loop runs
    (cpp_standalone reruns the compiled binary; runtime rebuilds the network). Returns a PeerResult.
    ``any_schedule``: run a non-'exact' network anyway, with the 'exact' arithmetic (the STDP benchmark: snn
    runs SpikePairSTDP in its 'spinnaker' schedule, brian2 its own online traces)."""
    import brian2 as b2
    net.validate()
    if net.schedule != "exact" and not any_schedule:
        raise SpecError(f"brian2_ref reproduces the 'exact' schedule only, not {net.schedule!r}")
    result = PeerResult()
    if mode == "runtime":
        b2.prefs.codegen.target = codegen_target
        for _ in range(repeats):
            t0 = time.perf_counter()
            b2.start_scope()
            b2.defaultclock.dt = net.dt * b2.ms
            network, monitors, result.synapses = _build(b2, net, record)
            t1 = time.perf_counter()
            network.run(duration * b2.ms, namespace={})
            result.sim_seconds.append(time.perf_counter() - t1)
            result.build_seconds = t1 - t0
        _collect(monitors, net.dt, record, result)
        return result
    if mode != "cpp_standalone":
        raise SpecError(f"mode={mode!r}; choose 'runtime' or 'cpp_standalone'")
    own_dir = build_dir is None
    directory = tempfile.mkdtemp(prefix="snn_brian2_") if own_dir else build_dir
    try:
        b2.set_device("cpp_standalone", build_on_run=False, directory=directory)
        b2.device.reinit()
        b2.device.activate(build_on_run=False, directory=directory)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0      # one thread, like snn's single sample and NEST
        t0 = time.perf_counter()
        b2.defaultclock.dt = net.dt * b2.ms
        network, monitors, result.synapses = _build(b2, net, record)
        network.run(duration * b2.ms, namespace={})
        b2.device.build(directory=directory, compile=True, run=False, with_output=False)
        result.build_seconds = time.perf_counter() - t0
        for _ in range(repeats):
            b2.device.run(directory=directory, with_output=False)
            result.sim_seconds.append(float(b2.device._last_run_time))
        _collect(monitors, net.dt, record, result)
        return result
    finally:
        b2.device.reinit()
        b2.set_device("runtime")
        if own_dir:
            shutil.rmtree(directory, ignore_errors=True)
