"""Speed of the 'spinnaker' schedule's fixed-point arithmetic against its float64 emulation, in one process.

    python -m snn.experiments.bench_board --network cuba --duration 1.0 --repeats 7

cuba: the CUBA benchmark (models/benchmarks.py, 4000 IF_curr_exp, p = 0.02, dt 0.1 ms) with schedule='spinnaker';
stdp: the STDP benchmark (1000 Poisson -> 1000 IF_curr_exp, pair STDP). Prints one JSON object: best wall time of
``--repeats`` alternating runs per arithmetic (after a warm-up run that compiles), spike counts, and the ratio fixed / float64.
"""
import argparse
import dataclasses
import json
import time


def build(network, seed):
    from snn.models import benchmarks
    if network == "cuba":
        return dataclasses.replace(benchmarks.cuba(seed=seed), schedule="spinnaker")
    return benchmarks.stdp(seed=seed)


def bench(network="cuba", duration_s=1.0, repeats=7, seed=0):
    """Best wall time of each arithmetic; the runs alternate (fixed, float64, fixed, ...) so that a busy machine
    slows both alike, and the best of many is the least disturbed."""
    from snn.engine import Simulator
    net = build(network, seed)
    out = {"network": network, "duration_s": duration_s, "neurons": sum(p.size for p in net.populations)}
    sims = {a: Simulator(net, record=[], arithmetic=a) for a in ("fixed", "float64")}
    best = {a: float("inf") for a in sims}
    for sim in sims.values():
        sim.run(10 * net.dt)                          # compile (or load the cache) outside the timing
    for _ in range(repeats):
        for a, sim in sims.items():
            t0 = time.perf_counter()
            res = sim.run(duration_s * 1000.0)
            best[a] = min(best[a], time.perf_counter() - t0)
            out[a] = {"seconds": round(best[a], 3), "spikes": int(res.counts_all.sum())}
    out["ratio_fixed_over_float64"] = round(best["fixed"] / best["float64"], 2)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--network", choices=("cuba", "stdp"), default="cuba")
    p.add_argument("--duration", type=float, default=1.0, help="biological seconds")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    print(json.dumps(bench(a.network, a.duration, a.repeats, a.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
