"""The default main job: a random liquid on scikit-learn's bundled 8x8 digits (no files needed).

Images are rate coded (spike probability per ms proportional to pixel intensity), every sample runs through
the liquid in one batched call, and a logistic-regression readout on the liquid's spike counts is scored on a
held-out test split. Writes ``OUT/results.json`` and a raster figure ``OUT/raster.png``.
"""
import time
from pathlib import Path

import numpy as np

from snn.engine import Simulator
from snn.errors import check_positive
from snn.io import write_json
from snn.models.random_liquid import build_random_liquid

from .checks import check_run
from .provenance import provenance

DEFAULTS = dict(duration_ms=100.0, max_rate=0.2, n_exc=160, n_inh=40, test_fraction=0.3, seed=0)


def add_arguments(parser):
    parser.add_argument("--out", default="runs/demo", help="output folder (default: runs/demo)")
    parser.add_argument("--duration", type=float, default=DEFAULTS["duration_ms"], help="ms per sample")
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="seed of the liquid and the split")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(config, out, progress=True):
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    check_run(config, DEFAULTS, "demo.run", out)
    cfg = {**DEFAULTS, **config}
    check_positive("duration_ms", cfg["duration_ms"])
    t_start = time.perf_counter()
    digits = load_digits()
    rates = (digits.data / 16.0 * cfg["max_rate"]).astype(np.float64)   # per-ms spike probability
    net = build_random_liquid(rates.shape[1], cfg["n_exc"], cfg["n_inh"], seed=cfg["seed"])
    sim = Simulator(net, record=["exc", "inh"])
    res = sim.run(cfg["duration_ms"], batch=len(rates), stimuli={"input": rates}, seed=cfg["seed"],
                  chunk=64, progress=progress)
    features = np.hstack([res.counts("exc"), res.counts("inh")]).astype(float)
    x_tr, x_te, y_tr, y_te = train_test_split(features, digits.target, test_size=cfg["test_fraction"],
                                              random_state=cfg["seed"], stratify=digits.target)
    scale = x_tr.max() or 1.0
    clf = LogisticRegression(max_iter=2000).fit(x_tr / scale, y_tr)
    results = {
        "test_accuracy": float(clf.score(x_te / scale, y_te)),
        "train_accuracy": float(clf.score(x_tr / scale, y_tr)),
        "mean_rate_hz": float(features.mean() / (cfg["duration_ms"] / 1000.0)),
        "samples": int(len(rates)),
        "wall_seconds": time.perf_counter() - t_start,
        **provenance(cfg, cfg["seed"]),
    }
    out = Path(out)
    write_json(out / "results.json", results)
    _raster(res, out / "raster.png")
    return results


def _raster(res, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from snn.plot import raster
    fig, ax = plt.subplots(figsize=(8, 4))
    labels = ("exc", "inh")
    raster(ax, {k: res.spikes(k, 0) for k in labels}, sizes={k: res.net.population(k).size for k in labels})
    ax.set_title("random liquid, digit sample 0")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(args):
    r = run({"duration_ms": args.duration, "seed": args.seed}, args.out, progress=not args.no_progress)
    print(f"digits, random liquid of {DEFAULTS['n_exc'] + DEFAULTS['n_inh']} neurons: "
          f"test accuracy {r['test_accuracy']:.3f} ({r['samples']} samples, {r['wall_seconds']:.1f} s)")
    print(f"wrote {Path(args.out) / 'results.json'} and {Path(args.out) / 'raster.png'}")
    return 0
