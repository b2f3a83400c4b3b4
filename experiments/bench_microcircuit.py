"""`snn bench microcircuit`: the Potjans-Diesmann microcircuit (models/microcircuit.py) in snn and, in the same
invocation, in NEST with the same threads.

    snn bench microcircuit --scale 0.1 --duration 1 --threads 1 --json --against nest

snn: ``microcircuit(scale, k_scale)`` built (connectivity in numba, timed as ``build_seconds``), kernels compiled
on a tiny copy first, then ``run(duration)`` best of ``--repeats`` (``sim_seconds``). NEST 3:
``hardware/nest_microcircuit.py`` once, with the very same synapses (``--nest-connectivity same``) or its own
draw of the same statistics (``statistics``, for full scale where both tables would not fit together).

JSON: the keys of the other benches (``sim_seconds``, ``build_seconds``, ``spikes``, ``synapses``,
``ratio_vs_nest`` = snn / NEST simulation seconds; ``cpu_ratio_vs_nest`` the same in CPU seconds) and ``threads``, ``bytes_per_synapse`` (the compact table),
``events`` (recurrent synaptic events: each spike times its neuron's out-degree; the Poisson background is not
counted), ``events_per_second_per_core`` (events / sim_seconds / threads), ``real_time_factor`` (sim_seconds /
biological seconds), ``peak_rss_gib`` (the process's peak resident memory after that simulator's run: NEST's
figure includes snn's table when it is still held), ``rates_hz`` and ``nest_rates_hz`` per population and
``rates_rel_diff_vs_nest``; ``sim_cpu_seconds``: the CPU time of snn's simulation, all threads (on a shared
machine the wall time is CPU time / threads plus the time the scheduler gave to others). With ``--threads`` > 1
snn runs on that many persistent threads, each over its own neuron range (``kernels/compact_threads.py``), and NEST
gets ``local_num_threads``. One thread against k in one invocation: ``experiments/microcircuit_threads.py``.
"""
import datetime
import resource
import time

import numpy as np

from snn.errors import SpecError


def _peak_rss_gib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20      # KiB on Linux


def _events(net, counts):
    out_degree = np.diff(net.ptr)
    return int(sum(int(np.dot(counts[p.label], out_degree[net.offsets[p.label]:net.offsets[p.label] + p.size]))
                   for p in net.populations))


def bench_microcircuit(scale=0.1, k_scale=None, duration_s=1.0, threads=1, against=(), repeats=1, seed=1,
                       background="poisson", nest_connectivity="same"):
    import numba
    import snn
    from snn.models.microcircuit import microcircuit
    if not duration_s > 0:
        raise SpecError(f"--duration {duration_s!r} must be > 0 seconds")
    if not (isinstance(threads, int) and threads >= 1):
        raise SpecError(f"--threads {threads!r} must be an integer >= 1")
    if nest_connectivity not in ("same", "statistics"):
        raise SpecError(f"--nest-connectivity {nest_connectivity!r} must be 'same' or 'statistics'")
    bad = [p for p in against if p != "nest"]
    if bad:
        raise SpecError(f"snn bench microcircuit compares against nest only, not {bad}")
    duration_ms = round(duration_s * 10000.0) / 10.0
    microcircuit(scale=0.005, k_scale=0.005, seed=seed, background=background).run(1.0, threads=threads)  # compile
    t0, c0 = time.perf_counter(), time.thread_time()
    net = microcircuit(scale=scale, k_scale=k_scale, seed=seed, background=background)
    build, build_cpu = time.perf_counter() - t0, time.thread_time() - c0
    times, cpu, res = [], [], None
    for _ in range(repeats):
        c0 = time.process_time()
        res = net.run(duration_ms, record=(), threads=threads)
        cpu.append(time.process_time() - c0)
        times.append(res.sim_seconds)
    sim = min(times)
    events = _events(net, res.counts)
    out = dict(benchmark="microcircuit", scale=scale, k_scale=net.parameters["k_scale"], background=background,
               duration_s=duration_ms / 1000.0, dt_ms=net.dt, seed=seed, threads=threads,
               repeats=repeats, date=datetime.datetime.now().isoformat(timespec="seconds"),
               versions=dict(snn=snn.__version__, numba=numba.__version__),
               neurons=int(net.v0.size), synapses=net.n_synapses, bytes_per_synapse=net.synapse_bytes / net.n_synapses,
               synapse_table_gib=net.synapse_bytes / 2 ** 30, build_seconds=build, build_cpu_seconds=build_cpu,
               sim_seconds=sim,
               sim_seconds_all=times, sim_cpu_seconds=min(cpu), spikes=int(sum(c.sum() for c in res.counts.values())), events=events,
               events_per_second_per_core=events / sim / threads, real_time_factor=sim / (duration_ms / 1000.0),
               rates_hz=res.rates_hz(), peak_rss_gib=_peak_rss_gib())
    if "nest" in against:
        from snn.hardware import nest_microcircuit
        r = nest_microcircuit.run(net, duration_ms, threads=threads, connectivity=nest_connectivity, seed=seed)
        rates = {k: float(c.mean()) * 1000.0 / duration_ms for k, c in r["counts"].items()}
        n_events = _events(net, r["counts"])        # NEST's spikes times snn's out-degrees (same or same law)
        out["nest"] = dict(version=r["version"], threads=threads, connectivity=r["connectivity"],
                           sim_seconds=r["sim_seconds"], sim_cpu_seconds=r["sim_cpu_seconds"],
                           build_seconds=r["build_seconds"], synapses=r["synapses"],
                           spikes=int(sum(c.sum() for c in r["counts"].values())), events=n_events,
                           events_per_second_per_core=n_events / r["sim_seconds"] / threads,
                           real_time_factor=r["sim_seconds"] / (duration_ms / 1000.0), peak_rss_gib=_peak_rss_gib())
        out["nest_rates_hz"] = rates
        out["ratio_vs_nest"] = sim / r["sim_seconds"]
        out["cpu_ratio_vs_nest"] = out["sim_cpu_seconds"] / r["sim_cpu_seconds"]
        out["rates_rel_diff_vs_nest"] = {k: (out["rates_hz"][k] - v) / v if v else None for k, v in rates.items()}
    return out


def summary(out):
    lines = [f"microcircuit scale {out['scale']} (k {out['k_scale']}), {out['duration_s']} s biological, "
             f"{out['neurons']} neurons, {out['synapses']:,} synapses ({out['bytes_per_synapse']:.2f} B each)",
             f"  snn  build {out['build_seconds']:.1f} s  sim {out['sim_seconds']:.2f} s  "
             f"{out['events_per_second_per_core'] / 1e6:.1f} M events/s/core  peak RSS {out['peak_rss_gib']:.2f} GiB"]
    if "nest" in out:
        n = out["nest"]
        lines.append(f"  NEST build {n['build_seconds']:.1f} s  sim {n['sim_seconds']:.2f} s  "
                     f"{n['events_per_second_per_core'] / 1e6:.1f} M events/s/core  -> snn / NEST = "
                     f"{out['ratio_vs_nest']:.3f}")
    for k, v in out["rates_hz"].items():
        nest_v = out.get("nest_rates_hz", {}).get(k)
        lines.append(f"  {k:5s} snn {v:6.3f} Hz" + (f"   NEST {nest_v:6.3f} Hz" if nest_v is not None else ""))
    return "\n".join(lines)
