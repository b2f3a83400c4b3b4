"""Thread scaling of the microcircuit's compact kernel: one build, runs alternating between 1 and k threads.

    python -m snn.experiments.microcircuit_threads --scale 0.25 --k-scale 1 --duration 300 --threads 2

Prints one JSON object: the build seconds and, per run, threads, wall and CPU seconds (all threads), spikes and
recurrent synaptic events. The spikes must be the same in every run (``kernels/compact_threads.py``).
"""
import argparse
import json
import time


def main(argv=None):
    import numba
    from snn.models.microcircuit import microcircuit
    from .bench_microcircuit import _events
    ap = argparse.ArgumentParser(prog="python -m snn.experiments.microcircuit_threads")
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--k-scale", type=float, default=None)
    ap.add_argument("--duration", type=float, default=300.0, help="ms per run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    numba.config.THREADING_LAYER = "workqueue"
    t0 = time.perf_counter()
    net = microcircuit(scale=args.scale, k_scale=args.k_scale, seed=0)
    out = dict(scale=args.scale, k_scale=net.parameters["k_scale"], duration_ms=args.duration,
               synapses=net.n_synapses, build_seconds=time.perf_counter() - t0, runs=[])
    net.run(1.0)
    net.run(1.0, threads=args.threads)          # compile both kernels outside the timing
    for _ in range(args.rounds):
        for k in (1, args.threads):
            c0 = time.process_time()
            r = net.run(args.duration, record=(), threads=k)
            out["runs"].append(dict(threads=k, sim_seconds=r.sim_seconds, cpu_seconds=time.process_time() - c0,
                                    spikes=int(sum(c.sum() for c in r.counts.values())),
                                    events=_events(net, r.counts)))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
