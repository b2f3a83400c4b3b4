"""Throughput of the CA3 CAM: simulated memory operations per second of wall time at N = M = 100.

    python -m snn.experiments.cam_throughput --ops 10000 --repeats 3

Times ``CAM.run()`` (building the network, lowering, simulating, decoding) on a random schedule of the stress
regime (experiments/cam_stress.py), after one warm-up run so that numba compilation is not counted.
"""
import argparse
import platform
import time

import numba

from snn.experiments.cam_stress import random_schedule


def measure(n_ops=10000, size=100, repeats=3, seed=0):
    """Best-of-``repeats`` (ops per second, seconds, simulated ms) for one schedule of ``n_ops`` operations."""
    mem = random_schedule(seed, n_ops, size, size, learn_bits=5, query_bits=1, gap=0)
    random_schedule(seed, 10, size, size).run()      # warm-up: compile / load the numba cache
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        mem.run()
        best = min(best, time.perf_counter() - t0)
    return n_ops / best, best, mem.duration()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ops", type=int, default=10000)
    p.add_argument("--size", type=int, default=100, help="N = M")
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args(argv)
    rate, seconds, sim_ms = measure(a.ops, a.size, a.repeats)
    print(f"N=M={a.size}: {a.ops} operations ({sim_ms} ms simulated) in {seconds:.3f} s wall = {rate:,.0f} ops/s "
          f"({sim_ms / 1000 / seconds:.0f}x real time); {platform.processor() or platform.machine()}, "
          f"numba {numba.__version__}, {numba.get_num_threads()} threads (one sample: single-threaded)")
    return 0


if __name__ == "__main__":
    main()
