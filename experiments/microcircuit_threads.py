"""Thread scaling of the microcircuit's compact kernel: one build, runs alternating between 1 and k threads
(``kernels/compact_threads.py``: persistent threads, one spin barrier a step).

    python -m snn.experiments.microcircuit_threads --scale 0.25 --k-scale 1 --duration 300 --threads 2

Prints one JSON object: the build seconds; per run, threads, wall and CPU seconds (all threads of the process),
spikes and recurrent synaptic events; ``best_sim_seconds`` per thread count, ``speedup`` (best 1-thread wall /
best k-thread wall) and ``same_spikes`` (every run the same spike counts, as it must be).
"""
import argparse
import json
import time

import numpy as np


def main(argv=None):
    from snn.models.microcircuit import microcircuit
    from .bench_microcircuit import _events
    ap = argparse.ArgumentParser(prog="python -m snn.experiments.microcircuit_threads")
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--k-scale", type=float, default=None)
    ap.add_argument("--duration", type=float, default=300.0, help="ms per run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    net = microcircuit(scale=args.scale, k_scale=args.k_scale, seed=0)
    out = dict(scale=args.scale, k_scale=net.parameters["k_scale"], duration_ms=args.duration,
               synapses=net.n_synapses, build_seconds=time.perf_counter() - t0, runs=[])
    ks = (1, args.threads)
    for k in ks:
        net.run(1.0, threads=k)          # compile both kernels outside the timing
    counts = []
    for _ in range(args.rounds):
        for k in ks:
            c0 = time.process_time()
            r = net.run(args.duration, record=(), threads=k)
            counts.append(np.concatenate(list(r.counts.values())))
            out["runs"].append(dict(threads=k, sim_seconds=r.sim_seconds, cpu_seconds=time.process_time() - c0,
                                    spikes=int(counts[-1].sum()), events=_events(net, r.counts)))
    best = {k: min(r["sim_seconds"] for r in out["runs"] if r["threads"] == k) for k in ks}
    out.update(best_sim_seconds=best, speedup=best[1] / best[args.threads],
               same_spikes=all(np.array_equal(counts[0], c) for c in counts))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
