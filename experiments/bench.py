"""`snn bench cuba|coba|stdp|nalsm`: time the engine on a standard benchmark network, and the same network in brian2
(C++ standalone) and NEST in the same invocation.

    snn bench cuba --duration 10 --json --against brian2,nest
    snn bench nalsm --neurons 1000 --samples 50 --data-dir ../shared/data --json --against brian2

``nalsm``: phase-2 feature extraction (250 ms per sample, STDP + astrocyte on, every sample from the same start
weights: the liquid's initial ones, or with ``--weights`` a run's phase-1 weights) of a NALSM liquid on MNIST
rates (the first ``--samples`` training images; without ``--data-dir``, random images with MNIST's sparsity). snn: ``liquid_counts`` over all samples in one call (numba threads over
samples), best of ``--repeats`` after a warm-up; brian2: ``hardware/brian2_nalsm.py`` twice: in runtime mode
(cython, ``Network.run`` once per sample as an interactive user would, ``--runtime-samples`` samples after a
first compiling one) and in cpp_standalone (one thread, the samples one after another in one run of the binary,
its own timing of the simulation loop). Prints samples/s of each and ``speedup_vs_brian2_runtime``,
``speedup_vs_brian2`` (cpp_standalone) = snn samples/s / brian2 samples/s.

Prints one JSON object: snn's ``sim_seconds`` (the engine's run, best of ``--repeats``; lowering and numba
compilation excluded: the kernels are warmed up first), ``build_seconds`` (spec -> arrays), ``spikes``,
``synapses``, then one object per peer with the same keys (brian2: its own C++ timing of the simulation loop,
``Network::_last_run_time``, over reruns of the compiled binary; NEST: ``nest.Run`` after ``nest.Prepare``),
and ``ratio_vs_<peer>`` = snn sim_seconds / peer sim_seconds. Every implementation runs single-threaded, except
snn with ``--threads K`` (cuba, coba): its runs then alternate between 1 and K threads inside the one network,
``sim_seconds`` is K threads' and ``sim_seconds_1_thread``, ``speedup_vs_1_thread`` and
``same_spikes_as_1_thread`` sit beside it (the peers stay on one thread).

``stdp`` (brian2 only) also reports synaptic events (pre spikes x out-degree + post spikes x in-degree, from each
simulator's own spikes) and events per second. The rules differ on purpose: snn runs sPyNNaker's deferred rule
('spinnaker' schedule: post spikes only enter a history, every update happens at the next pre spike), brian2
its classic online traces (an update at every pre and every post spike); the Poisson draws and the LIF
arithmetic (sPyNNaker's closed form vs brian2's exact integration) differ too, so the spike and event counts
are compared, not the spikes.
"""
import contextlib
import datetime
import json
import os
import platform
import sys
import time

import numpy as np

from snn.cells import CATALOGUE
from snn.errors import SpecError

PEERS = ("brian2", "nest")


def add_arguments(parser):
    parser.add_argument("network", choices=("cuba", "coba", "stdp", "nalsm", "pynn", "microcircuit"),
                        help="benchmark network (models/benchmarks.py; nalsm: models/nalsm.py phase 2; pynn: "
                             "PyNN's VA benchmarks CUBA and COBA through snn.pynn, experiments/bench_pynn.py; "
                             "microcircuit: models/microcircuit.py, see experiments/bench_microcircuit.py)")
    parser.add_argument("--scale", type=float, default=0.1, help="microcircuit: neuron scale (1: 77,169 neurons)")
    parser.add_argument("--k-scale", type=float, default=None, help="microcircuit: in-degree scale (default: --scale)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads inside the network: cuba, coba (snn's only; also timed on 1 thread in the same "
                             "invocation, printed as speedup_vs_1_thread) and microcircuit (snn's and NEST's)")
    parser.add_argument("--background", choices=("poisson", "dc"), default="poisson",
                        help="microcircuit: Poisson background (NEST's default) or the DC of the same mean")
    parser.add_argument("--nest-connectivity", choices=("same", "statistics"), default="same",
                        help="microcircuit: NEST gets snn's synapses, or draws its own with the same rule")
    parser.add_argument("--neurons", type=int, default=1000, help="nalsm: liquid size, a cube (1000, 8000)")
    parser.add_argument("--samples", type=int, default=50, help="nalsm: samples of 250 ms")
    parser.add_argument("--data-dir", default=None, help="nalsm: folder holding mnist/ (else synthetic images)")
    parser.add_argument("--weights", default=None,
                        help="nalsm: start weights, the w_init.npz of a `snn nalsm` run with the same --neurons and "
                             "--seed (its phase-1 weights; default: the liquid's initial weights)")
    parser.add_argument("--runtime-samples", type=int, default=5,
                        help="nalsm: samples timed in brian2's runtime mode (one Network.run per sample)")
    parser.add_argument("--duration", type=float, default=1.0, help="biological time to simulate, seconds")
    parser.add_argument("--against", default="", help="comma-separated peers to time too: brian2, nest")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per simulator; the best counts")
    parser.add_argument("--seed", type=int, default=0, help="seed of connectivity and initial state")
    parser.add_argument("--dtype", choices=("float64", "float32"), default="float64", help="snn state precision")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")


def _peers(text):
    peers = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in peers if p not in PEERS]
    if bad:
        raise SpecError(f"--against {text!r}: unknown peer(s) {bad}; choose from {', '.join(PEERS)}")
    return peers


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return dict(cpu=cpu, cores=os.cpu_count(), python=platform.python_version(), system=platform.system())


def _warm_up(net, dtype, threads=1):
    """Compile (or load from numba's cache) the kernels for these array types, outside any timing: a one-neuron
    network of each cell type lowers to arrays of the same types as the benchmark."""
    from snn.engine import Simulator
    from snn.spec import Network, Population
    cells = sorted({p.cell_type for p in net.populations if not CATALOGUE[p.cell_type].is_source})
    tiny = Network([Population(f"p{k}", 1, c) for k, c in enumerate(cells)], dt=net.dt, schedule=net.schedule)
    for k in {1, threads}:
        Simulator(tiny, dtype=np.dtype(dtype), record=[]).run(10 * net.dt, threads=k)


def run_snn(net, duration_ms, repeats, dtype, threads=1):
    """snn's best of ``repeats`` runs; with ``threads`` > 1 the runs alternate between 1 and ``threads`` threads
    inside the network (``Simulator.run(threads=)``), and the result is the threaded one with the one-thread
    figures beside it (``speedup_vs_1_thread``) and whether the spikes were the same."""
    from snn.engine import Simulator
    _warm_up(net, dtype, threads)
    t0 = time.perf_counter()
    sim = Simulator(net, dtype=np.dtype(dtype), record=[])
    build = time.perf_counter() - t0
    ks = (1, threads) if threads > 1 else (1,)
    times, cpu, res = {k: [] for k in ks}, {k: [] for k in ks}, {}
    clock = time.thread_time if threads == 1 else time.process_time    # CPU time of every thread of the process
    for _ in range(repeats):
        for k in ks:
            t0, c0 = time.perf_counter(), clock()
            res[k] = sim.run(duration_ms, threads=k)
            times[k].append(time.perf_counter() - t0)
            cpu[k].append(clock() - c0)
    r = res[threads]
    out = dict(sim_seconds=min(times[threads]), sim_seconds_all=times[threads], sim_cpu_seconds=min(cpu[threads]),
               build_seconds=build, spikes=int(r.counts_all.sum()), threads=threads,
               synapses=int(sim.lowered.s_post.size + sim.lowered.p_post.size))
    if threads > 1:
        out.update(sim_seconds_1_thread=min(times[1]), sim_seconds_1_thread_all=times[1],
                   sim_cpu_seconds_1_thread=min(cpu[1]), speedup_vs_1_thread=min(times[1]) / min(times[threads]),
                   same_spikes_as_1_thread=bool(np.array_equal(res[1].counts_all, r.counts_all)))
    out["counts"] = {p.label: r.counts(p.label)[0] for p in net.populations}
    return out


def run_peer(peer, net, duration_ms, repeats):
    if peer == "brian2":
        from snn.hardware import brian2_ref
        import brian2
        r = brian2_ref.run(net, duration_ms, mode="cpp_standalone", record=False, repeats=repeats,
                           any_schedule=net.schedule != "exact")
        version = brian2.__version__
    else:
        if net.schedule != "exact":
            raise SpecError(f"the {net.schedule!r} benchmark has no NEST version; use --against brian2")
        from snn.hardware import nest_ref
        import nest
        r = nest_ref.run(net, duration_ms, record=False, repeats=repeats)
        version = getattr(nest, "__version__", "")
    return dict(sim_seconds=min(r.sim_seconds), sim_seconds_all=r.sim_seconds, build_seconds=r.build_seconds,
                spikes=int(sum(c.sum() for c in r.counts.values())), synapses=int(r.synapses), version=version,
                counts=dict(r.counts))


def bench(network, duration_s, against=(), repeats=3, seed=0, dtype="float64", threads=1):
    from snn.lowering import expand_projections
    from snn.models.benchmarks import BENCHMARKS, synaptic_events
    import numba
    import snn
    if not duration_s > 0:
        raise SpecError(f"--duration {duration_s!r} must be > 0 seconds")
    if repeats < 1:
        raise SpecError(f"--repeats {repeats!r} must be >= 1")
    net = BENCHMARKS[network](seed=seed)
    duration_ms = float(np.round(duration_s * 1000.0 / net.dt) * net.dt)
    out = dict(benchmark=network, duration_s=duration_ms / 1000.0, dt_ms=net.dt, schedule=net.schedule,
               neurons=sum(p.size for p in net.populations if not CATALOGUE[p.cell_type].is_source), seed=seed,
               dtype=dtype, repeats=repeats, date=datetime.datetime.now().isoformat(timespec="seconds"),
               machine=machine(), versions=dict(snn=snn.__version__, numba=numba.__version__))
    out.update(run_snn(net, duration_ms, repeats, dtype, threads))
    plastic = any(p.plasticity is not None for p in net.projections)
    synapses = expand_projections(net) if plastic else None
    neuron_labels = [p.label for p in net.populations if not CATALOGUE[p.cell_type].is_source]

    def summarise(d):
        counts = d.pop("counts")
        d["rates_hz"] = {k: float(np.mean(c)) / out["duration_s"] for k, c in counts.items()}
        if plastic:
            pre_ev, post_ev = synaptic_events(net, counts, synapses)
            d.update(pre_events=pre_ev, post_events=post_ev, events=pre_ev + post_ev,
                     events_per_second=(pre_ev + post_ev) / d["sim_seconds"])

    summarise(out)
    out["rate_hz"] = float(np.mean([out["rates_hz"][k] for k in neuron_labels]))
    for peer in against:
        p = run_peer(peer, net, duration_ms, repeats)
        summarise(p)
        out[peer] = p
        out[f"ratio_vs_{peer}"] = out["sim_seconds"] / p["sim_seconds"]
        out[f"spikes_rel_diff_vs_{peer}"] = (out["spikes"] - p["spikes"]) / max(p["spikes"], 1)
        if plastic:
            out[f"events_ratio_vs_{peer}"] = out["events"] / max(p["events"], 1)
            out[f"events_per_second_ratio_vs_{peer}"] = out["events_per_second"] / p["events_per_second"]
    if plastic:
        out["note"] = ("rules differ: snn = sPyNNaker's deferred pair STDP (updates at pre spikes), brian2 = "
                       "classic online traces; compare event counts, not spikes")
    return out


@contextlib.contextmanager
def _stdout_to_stderr():
    """Send whatever the peers print (NEST's banner, compiler output) to stderr, at the file-descriptor level,
    so that stdout carries only the JSON object."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _mnist_rates(n, data_dir, seed):
    from snn.data import load_mnist, rate_probabilities
    if data_dir is not None:
        images = load_mnist(data_dir, n_train=n, n_val=0, n_test=0).train.images
    else:       # MNIST-like: 5-25 % of 784 pixels lit, most of them saturated (30-60 pulses per ms)
        rng = np.random.default_rng([seed, 7])
        lit = rng.random((n, 784)) < rng.uniform(0.05, 0.25, (n, 1))
        images = lit * np.where(rng.random((n, 784)) < 0.7, 255, rng.integers(1, 256, (n, 784)))
    return rate_probabilities(images, on_zero="zero")[0]


def bench_nalsm(neurons=1000, samples=50, against=(), repeats=3, seed=0, data_dir=None, runtime_samples=5,
                weights=None):
    """Phase-2 samples per second of snn (and brian2) on one NALSM liquid; see the module docstring. ``weights``:
    the path of a run's ``w_init.npz`` to start every sample from (else the liquid's initial weights)."""
    import numba
    import snn
    from snn.engine import Simulator
    from snn.models.nalsm import build_liquid, liquid_counts
    from .nalsm import _cube
    if samples < 1 or repeats < 1:
        raise SpecError(f"--samples {samples!r} and --repeats {repeats!r} must be >= 1")
    bad = [p for p in against if p != "brian2"]
    if bad:
        raise SpecError(f"snn bench nalsm compares against brian2 only, not {bad}")
    rates = _mnist_rates(samples, data_dir, seed)
    t0 = time.perf_counter()
    sim = Simulator(build_liquid(rates.shape[1], shape=_cube(neurons), phase="features", seed=seed), record=())
    build = time.perf_counter() - t0
    w = sim.initial_plastic_weights if weights is None else _run_weights(weights, sim.initial_plastic_weights.size)
    liquid_counts(sim, rates[:2], w, seed=seed)            # compile / load the kernels
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        counts, _ = liquid_counts(sim, rates, w, seed=seed)
        times.append(time.perf_counter() - t0)
    out = dict(benchmark="nalsm", neurons=neurons, samples=samples, sample_ms=250, inputs=int(rates.shape[1]),
               input_pulses_per_ms=float(rates.sum(1).mean()), data="mnist" if data_dir else "synthetic",
               seed=seed, weights=str(weights) if weights else "initial", repeats=repeats,
               date=datetime.datetime.now().isoformat(timespec="seconds"),
               machine=machine(), numba_threads=numba.get_num_threads(),
               versions=dict(snn=snn.__version__, numba=numba.__version__),
               sim_seconds=min(times), sim_seconds_all=times, build_seconds=build,
               samples_per_second=samples / min(times), liquid_rate_hz=float(counts[:, :neurons].mean() * 4.0),
               synapses=int(sim.lowered.s_post.size + sim.lowered.p_post.size))
    if "brian2" in against:
        import brian2
        from snn.hardware.brian2_nalsm import run_liquid
        for mode, key, n_b2 in (("runtime", "brian2_runtime", min(samples, runtime_samples + 1)),
                                ("cpp_standalone", "brian2", samples)):
            if n_b2 < 2 and mode == "runtime":
                continue
            r = run_liquid(sim, rates[:n_b2], w, mode=mode)
            out[key] = dict(version=brian2.__version__,
                            device="cpp_standalone, 1 OpenMP thread, all samples in one run" if mode != "runtime"
                            else "runtime (cython), Network.run once per sample, first sample (compilation) "
                                 "not timed",
                            samples=r["samples_timed"], sim_seconds=r["sim_seconds"],
                            build_seconds=r["build_seconds"], samples_per_second=r["samples_timed"] / r["sim_seconds"],
                            liquid_rate_hz=float(r["counts"].mean() * 4.0), synapses=r["synapses"])
            out[f"speedup_vs_{key}"] = out["samples_per_second"] / out[key]["samples_per_second"]
    return out


def _run_weights(path, n_plastic):
    """The phase-1 weights a `snn nalsm` run saved (OUT/w_init.npz), checked against the liquid's synapse count."""
    from snn.errors import DataError
    from snn.io import read_npz
    z = read_npz(path)
    if "value" not in z:
        raise DataError(f"--weights {path}: not a w_init.npz written by `snn nalsm` (no 'value' array)")
    w = np.asarray(z["value"], np.float64)
    if w.shape != (n_plastic,):
        raise SpecError(f"--weights {path} holds {w.size} weights; this liquid has {n_plastic} plastic synapses "
                        f"(use the --neurons and --seed of the run that wrote it)")
    return w


def main(args):
    peers = _peers(args.against)
    if args.threads != 1 and args.network not in ("cuba", "coba", "microcircuit"):
        raise SpecError(f"--threads {args.threads} is for cuba, coba and microcircuit (threads inside one network); "
                        f"{args.network} runs its samples in parallel instead (NUMBA_NUM_THREADS)")
    if args.network == "pynn":
        from .bench_pynn import bench_pynn, summary
        with _stdout_to_stderr() if args.json else contextlib.nullcontext():
            out = bench_pynn(args.duration, peers)
        print(json.dumps(out) if args.json else summary(out))
        return 0
    with _stdout_to_stderr() if args.json else contextlib.nullcontext():
        if args.network == "microcircuit":
            from .bench_microcircuit import bench_microcircuit, summary
            out = bench_microcircuit(args.scale, args.k_scale, args.duration, args.threads, peers, args.repeats,
                                     args.seed, args.background, args.nest_connectivity)
            out["machine"] = machine()
            if not args.json:
                print(summary(out))
                return 0
        elif args.network == "nalsm":
            out = bench_nalsm(args.neurons, args.samples, peers, args.repeats, args.seed, args.data_dir,
                              args.runtime_samples, args.weights)
        else:
            out = bench(args.network, args.duration, peers, args.repeats, args.seed, args.dtype, args.threads)
    if args.json:
        print(json.dumps(out))
        return 0
    if args.network == "nalsm":
        print(f"nalsm {out['neurons']}: snn {out['samples_per_second']:.1f} samples/s "
              f"({out['numba_threads']} threads, liquid {out['liquid_rate_hz']:.1f} Hz)")
        for key in ("brian2_runtime", "brian2"):
            if key in out:
                b = out[key]
                print(f"  {key} ({b['device']}): {b['samples_per_second']:.2f} samples/s "
                      f"(liquid {b['liquid_rate_hz']:.1f} Hz) -> snn / brian2 = {out[f'speedup_vs_{key}']:.1f}x")
        return 0
    print(f"{out['benchmark']}: {out['duration_s']} s biological, dt {out['dt_ms']} ms, {out['synapses']} synapses")
    print(f"  snn     sim {out['sim_seconds']:.3f} s  build {out['build_seconds']:.2f} s  spikes {out['spikes']}"
          f"  ({out['threads']} thread{'s' if out['threads'] > 1 else ''})")
    if out["threads"] > 1:
        print(f"  snn     1 thread sim {out['sim_seconds_1_thread']:.3f} s -> speedup on {out['threads']} threads "
              f"{out['speedup_vs_1_thread']:.2f}x, same spikes: {out['same_spikes_as_1_thread']}")
    if "events_per_second" in out:
        print(f"  snn     {out['events']} synaptic events, {out['events_per_second']:.3g} events/s")
    for peer in PEERS:
        if peer in out:
            p = out[peer]
            print(f"  {peer:7s} sim {p['sim_seconds']:.3f} s  build {p['build_seconds']:.2f} s  spikes {p['spikes']}"
                  f"  -> snn / {peer} = {out[f'ratio_vs_{peer}']:.3f}")
            if "events_per_second" in p:
                print(f"  {peer:7s} {p['events']} synaptic events, {p['events_per_second']:.3g} events/s  "
                      f"-> events/s snn / {peer} = {out[f'events_per_second_ratio_vs_{peer}']:.3f}")
    return 0
