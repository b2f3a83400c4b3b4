"""The same ``snn.spec.Network`` in NEST (direct PyNEST API), to cross-check and benchmark the numba engine.

Each cell type's NEST model and parameter names come from its registry entry (``CellType.nest``, snn/cells.py):
IF_curr_exp -> ``iaf_psc_exp`` (exact integration; snn's 'exact' kernel is its update order), IF_cond_exp ->
``iaf_cond_exp`` (GSL RKF45 with adaptive steps inside each dt: snn's exponential-Euler step agrees to O(dt), see
tests/reference), SpikeSourceArray -> ``spike_generator``. Synapses come from
``snn.lowering.expand_projections`` (the very connections snn draws) through ``nest.Connect`` with arrays.

Units: PyNN -> NEST: nF -> pF (x1000), nA -> pA (x1000), uS -> nS (x1000); inhibitory weights are negative in
NEST (snn's are magnitudes on the inhibitory receptor). Conventions agree with snn's 'exact' schedule directly:
a spike is stamped at the end of its step; a spike of step t with delay d enters the synaptic state in step
t + d after the V update; ``t_ref`` holds V for t_ref/dt steps; a spike_generator time T is the stamp T.
NEST's threshold is ``V_m >= V_th``, as snn's.
"""
import os
import time

import numpy as np

from snn.cells import CATALOGUE
from snn.errors import SpecError
from snn.hardware.peer_result import PeerResult
from snn.lowering import expand_projections




def _uniform(x):
    a = np.asarray(x, float)
    return float(a.ravel()[0]) if a.size and np.all(a == a.ravel()[0]) else None


def _neuron_params(pop):
    """(NEST model, {NEST parameter: value}) from the registry's translation of the population's cell type."""
    ct = CATALOGUE[pop.cell_type]
    if ct.nest is None:
        raise SpecError(f"population {pop.label!r}: nest_ref does not support cell type {pop.cell_type!r} "
                        f"(it has no NEST translation); supported: {nest_cell_types()}")
    p = pop.parameters()
    params = {}
    for name, nest_name, scale in ct.nest.params:
        params[nest_name] = scale(p) if callable(scale) else np.asarray(p[name], float) * scale
    return ct.nest.model, params


def nest_cell_types():
    """Cell types with a NEST translation."""
    return sorted(k for k, ct in CATALOGUE.items() if ct.nest is not None)


def _build(nest, net, record):
    nodes, recorders = {}, {}
    for pop in net.populations:
        if CATALOGUE[pop.cell_type].source == "fixed":
            st = pop.parameters()["spike_times"]
            per = [st] * pop.size if len(st) == 0 or np.ndim(st[0]) == 0 else list(st)
            nodes[pop.label] = nest.Create(CATALOGUE[pop.cell_type].nest.model, pop.size)
            for node, times in zip(nodes[pop.label], per):
                node.set(spike_times=sorted(float(t) for t in times))
            continue
        model, params = _neuron_params(pop)
        nodes[pop.label] = nest.Create(model, pop.size)
        for name, value in params.items():
            u = _uniform(value)
            nodes[pop.label].set({name: u} if u is not None else {name: list(np.broadcast_to(value, (pop.size,)))})
        ct = CATALOGUE[pop.cell_type]
        for var, nest_var in ct.nest.state.items():
            value = pop.initial_values.get(var, ct.default_state(var, pop.parameters()))
            v0 = np.broadcast_to(np.asarray(value, float), (pop.size,))
            u = _uniform(v0)
            nodes[pop.label].set({nest_var: u} if u is not None else {nest_var: list(v0)})
    for pop in net.populations:
        rec = nest.Create("spike_recorder")
        nest.Connect(nodes[pop.label], rec)
        recorders[pop.label] = rec
    n_syn = 0
    for proj, pre, post, w, d in expand_projections(net):
        if not pre.size:
            continue
        post_ct = CATALOGUE[net.population(proj.post).cell_type]
        sign = -1.0 if proj.receptor_type == "inhibitory" else 1.0     # NEST: inhibitory weights are negative
        first_pre, first_post = nodes[proj.pre][0].global_id, nodes[proj.post][0].global_id
        syn = {"synapse_model": "static_synapse",
               "weight": np.ascontiguousarray(sign * post_ct.nest.weight_scale * w, float),
               "delay": np.ascontiguousarray(d * net.dt, float)}
        nest.Connect(np.ascontiguousarray(pre + first_pre), np.ascontiguousarray(post + first_post),
                     "one_to_one", syn)
        n_syn += pre.size
    return nodes, recorders, n_syn


def run(net, duration, record=True, repeats=1, threads=1):
    """Simulate ``net`` for ``duration`` ms in NEST, ``repeats`` times (each a fresh kernel: the build is timed
    apart from ``nest.Simulate``). Returns a PeerResult (spikes of the last repeat)."""
    os.environ.setdefault("PYNEST_QUIET", "1")      # no banner on import
    import nest
    net.validate()
    if net.schedule != "exact":
        raise SpecError(f"nest_ref reproduces the 'exact' schedule only, not {net.schedule!r}")
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    result = PeerResult()
    for _ in range(repeats):
        t0 = time.perf_counter()
        nest.ResetKernel()
        nest.SetKernelStatus({"resolution": net.dt, "local_num_threads": threads, "print_time": False,
                              "rng_seed": int(net.seed) % (2 ** 31 - 1) + 1})
        nodes, recorders, result.synapses = _build(nest, net, record)
        nest.Prepare()      # part of the build: connection tables, buffers
        t1 = time.perf_counter()
        nest.Run(duration)
        result.sim_seconds.append(time.perf_counter() - t1)
        nest.Cleanup()
        result.build_seconds = t1 - t0
        for label, rec in recorders.items():
            ev = rec.get("events")
            first = nodes[label][0].global_id
            idx = np.asarray(ev["senders"], np.int64) - first
            result.counts[label] = np.bincount(idx, minlength=net.population(label).size).astype(np.int64)
            if record:
                t = np.asarray(ev["times"], float)
                order = np.lexsort((idx, t))
                result.spikes[label] = (t[order], idx[order])
    return result
