"""Thread scaling of the microcircuit's compact kernel: one build, runs alternating between 1 thread, k persistent
threads (``kernels/compact_threads.run_compact_part``, a spin barrier per step) and k numba threads with one
parallel region per step (``run_compact_threads``).

    python -m snn.experiments.microcircuit_threads --scale 0.25 --k-scale 1 --duration 300 --threads 2

Prints one JSON object: the build seconds; per run, mode, threads, wall and CPU seconds (all threads), spikes and
recurrent synaptic events; the best wall time of each mode, ``speedup_persistent`` and ``speedup_per_step_region``
(best 1-thread wall / best k-thread wall) and ``same_spikes`` (every run, the same spike counts).
"""
import argparse
import json
import time

import numpy as np

MODES = {"1 thread": dict(threads=1), "persistent": dict(persistent=True), "per-step region": dict(persistent=False)}


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
    modes = dict(MODES) if args.threads <= numba.config.NUMBA_NUM_THREADS else \
        {k: v for k, v in MODES.items() if k != "per-step region"}
    t0 = time.perf_counter()
    net = microcircuit(scale=args.scale, k_scale=args.k_scale, seed=0)
    out = dict(scale=args.scale, k_scale=net.parameters["k_scale"], duration_ms=args.duration,
               synapses=net.n_synapses, build_seconds=time.perf_counter() - t0, threads=args.threads, runs=[])
    for kw in modes.values():
        net.run(1.0, **{"threads": args.threads, **kw})       # compile every kernel outside the timing
    counts = []
    for _ in range(args.rounds):
        for mode, kw in modes.items():
            c0 = time.process_time()
            r = net.run(args.duration, record=(), **{"threads": args.threads, **kw})
            counts.append(np.concatenate([c for c in r.counts.values()]))
            out["runs"].append(dict(mode=mode, threads=kw.get("threads", args.threads), sim_seconds=r.sim_seconds,
                                    cpu_seconds=time.process_time() - c0, spikes=int(counts[-1].sum()),
                                    events=_events(net, r.counts)))
    best = {m: min(r["sim_seconds"] for r in out["runs"] if r["mode"] == m) for m in modes}
    out["best_sim_seconds"] = best
    out["speedup_persistent"] = best["1 thread"] / best["persistent"]
    if "per-step region" in best:
        out["speedup_per_step_region"] = best["1 thread"] / best["per-step region"]
    out["same_spikes"] = all(np.array_equal(counts[0], c) for c in counts)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
