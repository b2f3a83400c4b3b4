"""A ``snn.compact.CompactNetwork`` (the microcircuit) in NEST, to benchmark against.

Populations -> ``iaf_psc_exp`` with the same parameters (pA, pF) and the same initial V; Poisson background ->
one ``poisson_generator`` per population, connected ``all_to_all`` with the external weight and delay (NEST's
example, ``network.py``: each target gets its own independent train). Recurrent synapses:

- ``connectivity='same'``: the very synapses snn built (pre, post, weight, delay of every one) through
  ``nest.Connect(..., 'one_to_one', ...)`` in chunks, the float32 weights widened exactly to float64;
- ``connectivity='statistics'``: NEST draws its own with the example's rule (``fixed_total_number``, weights and
  delays ``nest.math.redraw(nest.random.normal(...))``), for networks whose arrays would not fit twice in memory.

Times: ``build_seconds`` = node creation + connection + ``nest.Prepare``; ``sim_seconds`` = ``nest.Run``
(``sim_cpu_seconds``: the process's CPU time during it, all of NEST's threads).
"""
import os
import time

import numpy as np

CHUNK = 20_000_000          # synapses per nest.Connect call (~0.6 GB of int64/float64 arrays)


def _synapse_model(nest, k):
    """A copy of static_synapse per connect call: NEST 3.10 holds at most 134,217,726 connections per virtual
    process and synapse model, fewer than the full microcircuit has (0.3 billion) on one thread."""
    name = f"static_synapse_snn_{k}"
    nest.CopyModel("static_synapse", name)
    return name


def _pop_params(pop):
    p = pop.parameters()
    return dict(C_m=p["cm"] * 1000.0, tau_m=p["tau_m"], t_ref=p["tau_refrac"], E_L=p["v_rest"], V_reset=p["v_reset"],
                V_th=p["v_thresh"], I_e=p["i_offset"] * 1000.0, tau_syn_ex=p["tau_syn_E"], tau_syn_in=p["tau_syn_I"])


def _connect_same(nest, net, nodes):
    first = {label: nodes[label][0].global_id for label in nodes}
    n_syn = 0
    for p in net.populations:
        a, m = net.offsets[p.label], p.size
        sign = -1000.0 if net.row_rec[a] == 1 else 1000.0          # nA magnitude on a receptor -> signed pA
        lo_row = a
        while lo_row < a + m:       # whole rows, about CHUNK synapses per call
            hi_row = int(np.searchsorted(net.ptr, net.ptr[lo_row] + CHUNK, side="right")) - 1
            hi_row = min(max(hi_row, lo_row + 1), a + m)
            lo, hi = net.ptr[lo_row], net.ptr[hi_row]
            if hi > lo:
                pre = np.repeat(np.arange(lo_row, hi_row, dtype=np.int64), np.diff(net.ptr[lo_row:hi_row + 1]))
                post = net.post[lo:hi].astype(np.int64)
                src = pre - a + first[p.label]
                tgt = np.empty_like(post)
                for q in net.populations:                           # global snn index -> NEST node id
                    sel = (post >= net.offsets[q.label]) & (post < net.offsets[q.label] + q.size)
                    tgt[sel] = post[sel] - net.offsets[q.label] + first[q.label]
                per_delay = np.diff(net.dptr[lo_row:hi_row], axis=1)     # rows are grouped by delay
                steps = np.repeat(np.tile(np.arange(1, net.d_max + 1), hi_row - lo_row), per_delay.ravel())
                nest.Connect(src, tgt, "one_to_one",
                             {"synapse_model": _synapse_model(nest, lo_row),
                              "weight": net.w[lo:hi].astype(np.float64) * sign, "delay": steps * net.dt})
                n_syn += hi - lo
            lo_row = hi_row
    return n_syn


def _connect_statistics(nest, net, nodes):
    n_syn = 0
    for k, b in enumerate(net.blocks):
        if b.n == 0:
            continue
        sign = -1.0 if b.receptor == "inhibitory" else 1.0
        mean, sd = sign * b.w_mean * 1000.0, b.w_sd * 1000.0
        w_lo, w_hi = (-b.w_high * 1000.0, -b.w_low * 1000.0) if sign < 0 else (b.w_low * 1000.0, b.w_high * 1000.0)
        syn = {"synapse_model": _synapse_model(nest, k),
               "weight": nest.math.redraw(nest.random.normal(mean=mean, std=sd), min=w_lo, max=w_hi),
               "delay": nest.math.redraw(nest.random.normal(mean=b.d_mean, std=b.d_sd), min=b.d_low, max=b.d_high)}
        nest.Connect(nodes[b.pre], nodes[b.post], {"rule": "fixed_total_number", "N": int(b.n)}, syn)
        n_syn += b.n
    return n_syn


def run(net, duration, threads=1, connectivity="same", seed=1):
    """Build ``net`` in NEST and simulate ``duration`` ms; returns dict(counts per label, sim_seconds,
    build_seconds, synapses, version)."""
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:
        nest.set_verbosity("M_ERROR")
    t0 = time.perf_counter()
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": net.dt, "local_num_threads": int(threads), "print_time": False,
                          "rng_seed": int(seed) % (2 ** 31 - 1) + 1})
    nodes, recorders = {}, {}
    for p in net.populations:
        nodes[p.label] = nest.Create("iaf_psc_exp", p.size, params=_pop_params(p))
        a = net.offsets[p.label]
        nodes[p.label].set(V_m=list(map(float, net.v0[a:a + p.size])))
        recorders[p.label] = nest.Create("spike_recorder")
        nest.Connect(nodes[p.label], recorders[p.label])
    for label, (rate, weight, delay) in net.poisson.items():
        gen = nest.Create("poisson_generator", params={"rate": float(rate)})
        nest.Connect(gen, nodes[label], "all_to_all",
                     {"synapse_model": "static_synapse", "weight": weight * 1000.0, "delay": float(delay)})
    n_syn = (_connect_same if connectivity == "same" else _connect_statistics)(nest, net, nodes)
    nest.Prepare()
    t1, c1 = time.perf_counter(), time.process_time()
    nest.Run(float(duration))
    sim, cpu = time.perf_counter() - t1, time.process_time() - c1
    nest.Cleanup()
    counts = {}
    for label, rec in recorders.items():
        senders = np.asarray(rec.get("events")["senders"], np.int64) - nodes[label][0].global_id
        counts[label] = np.bincount(senders, minlength=len(nodes[label]))
    return dict(counts=counts, sim_seconds=sim, sim_cpu_seconds=cpu, build_seconds=t1 - t0, synapses=int(n_syn),
                version=getattr(nest, "__version__", ""), connectivity=connectivity)
