"""Stress test of the CA3 CAM beyond the paper: random operation schedules, decoded and compared with an ideal
memory (``snn.models.cam_memory.ideal_results``).

    python -m snn.experiments.cam_stress --ops 3000 --seeds 3                 # the documented regime
    python -m snn.experiments.cam_stress --ops 3000 --gap 0 --query-bits 5    # minimum spacing, 5-bit fragments

Regime knobs: ``gap`` ms added to the minimum spacing (7 ms after a learn, 6 after a recall), the largest learned
content (``learn_bits``) and the largest content-recall fragment (``query_bits``), and the STDP history length.
"""
import argparse
import time

import numpy as np

from snn.models.cam_memory import CAM, decoded_values, ideal_results

OP_MIX = (0.4, 0.3, 0.3)    # learn, recall_cue, recall_content


def random_schedule(seed, n_ops, cue_size=100, content_size=100, learn_bits=5, query_bits=1, gap=7, history=None,
                    mix=OP_MIX):
    """A CAM holding ``n_ops`` random operations (the first one a learn), each ``gap`` ms after the earliest
    allowed time. Contents have 1..learn_bits distinct bits, fragments 1..query_bits."""
    rng = np.random.default_rng(seed)
    mem = CAM(cue_size, content_size, history=history)
    for k in range(n_ops):
        op = 0 if k == 0 else rng.choice(3, p=mix)
        t = mem.earliest_time() + gap
        if op == 0:
            bits = rng.choice(content_size, size=rng.integers(1, learn_bits + 1), replace=False)
            mem.learn(int(rng.integers(cue_size)), bits.tolist(), t)
        elif op == 1:
            mem.recall_cue(int(rng.integers(cue_size)), t)
        else:
            bits = rng.choice(content_size, size=rng.integers(1, query_bits + 1), replace=False)
            mem.recall_content(bits.tolist(), t)
    return mem


def score(mem):
    """Simulate ``mem`` and compare with the ideal memory: (list of (index, operation, got, expected), seconds)."""
    t0 = time.perf_counter()
    run = mem.run()
    seconds = time.perf_counter() - t0
    got, want = decoded_values(run.results), ideal_results(mem.operations, mem.cue_size)
    wrong = [(k, mem.operations[k], g, w) for k, (g, w) in enumerate(zip(got, want)) if g != w]
    return wrong, seconds


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ops", type=int, default=3000)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--size", type=int, default=100, help="N = M")
    p.add_argument("--learn-bits", type=int, default=5)
    p.add_argument("--query-bits", type=int, default=1)
    p.add_argument("--gap", type=int, default=7, help="ms added to the minimum spacing")
    p.add_argument("--history", type=int, nargs="*", default=[16, 64])
    a = p.parse_args(argv)
    for history in a.history:
        total, wrong_all = 0, []
        for seed in range(a.seeds):
            mem = random_schedule(seed, a.ops, a.size, a.size, a.learn_bits, a.query_bits, a.gap, history)
            wrong, _ = score(mem)
            total += a.ops
            wrong_all += wrong
        kinds = {}
        for _, o, _, _ in wrong_all:
            kinds[o.op] = kinds.get(o.op, 0) + 1
        print(f"N=M={a.size} gap={a.gap} learn<={a.learn_bits} bits query<={a.query_bits} bits history={history}: "
              f"{len(wrong_all)} wrong of {total} operations {kinds}")
        for k, o, g, w in wrong_all[:3]:
            print(f"   e.g. op {k}: {o.describe()}: got {g}, ideal {w}")
    return 0


if __name__ == "__main__":
    main()
