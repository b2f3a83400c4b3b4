"""`snn bench cuba|coba|stdp`: time the engine on a standard benchmark network, and the same network in brian2
(C++ standalone) and NEST in the same invocation.

    snn bench cuba --duration 10 --json --against brian2,nest

Prints one JSON object: snn's ``sim_seconds`` (the engine's run, best of ``--repeats``; lowering and numba
compilation excluded: the kernels are warmed up first), ``build_seconds`` (spec -> arrays), ``spikes``,
``synapses``, then one object per peer with the same keys (brian2: its own C++ timing of the simulation loop,
``Network::_last_run_time``, over reruns of the compiled binary; NEST: ``nest.Run`` after ``nest.Prepare``),
and ``ratio_vs_<peer>`` = snn sim_seconds / peer sim_seconds. Every implementation runs single-threaded.

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

from snn.errors import SpecError

PEERS = ("brian2", "nest")


def add_arguments(parser):
    parser.add_argument("network", choices=("cuba", "coba", "stdp"), help="benchmark network (models/benchmarks.py)")
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


def _warm_up(net, dtype):
    """Compile (or load from numba's cache) the kernels for these array types, outside any timing: a one-neuron
    network of each cell type lowers to arrays of the same types as the benchmark."""
    from snn.engine import Simulator
    from snn.spec import Network, Population
    cells = sorted({p.cell_type for p in net.populations if not p.cell_type.startswith("SpikeSource")})
    tiny = Network([Population(f"p{k}", 1, c) for k, c in enumerate(cells)], dt=net.dt, schedule=net.schedule)
    Simulator(tiny, dtype=np.dtype(dtype), record=[]).run(10 * net.dt)


def run_snn(net, duration_ms, repeats, dtype):
    from snn.engine import Simulator
    _warm_up(net, dtype)
    t0 = time.perf_counter()
    sim = Simulator(net, dtype=np.dtype(dtype), record=[])
    build = time.perf_counter() - t0
    times, res = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = sim.run(duration_ms)
        times.append(time.perf_counter() - t0)
    out = dict(sim_seconds=min(times), sim_seconds_all=times, build_seconds=build,
               spikes=int(res.counts_all.sum()), synapses=int(sim.lowered.s_post.size + sim.lowered.p_post.size))
    out["counts"] = {p.label: res.counts(p.label)[0] for p in net.populations}
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


def bench(network, duration_s, against=(), repeats=3, seed=0, dtype="float64"):
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
               neurons=sum(p.size for p in net.populations if not p.cell_type.startswith("SpikeSource")), seed=seed,
               dtype=dtype, repeats=repeats, date=datetime.datetime.now().isoformat(timespec="seconds"),
               machine=machine(), versions=dict(snn=snn.__version__, numba=numba.__version__))
    out.update(run_snn(net, duration_ms, repeats, dtype))
    plastic = any(p.plasticity is not None for p in net.projections)
    synapses = expand_projections(net) if plastic else None
    neuron_labels = [p.label for p in net.populations if not p.cell_type.startswith("SpikeSource")]

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


def main(args):
    peers = _peers(args.against)
    with _stdout_to_stderr() if args.json else contextlib.nullcontext():
        out = bench(args.network, args.duration, peers, args.repeats, args.seed, args.dtype)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"{out['benchmark']}: {out['duration_s']} s biological, dt {out['dt_ms']} ms, {out['synapses']} synapses")
    print(f"  snn     sim {out['sim_seconds']:.3f} s  build {out['build_seconds']:.2f} s  spikes {out['spikes']}")
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
