"""NALSM and its LSM baselines end to end (specs/nalsm.md): data -> rate code or events -> phase 1 (plastic
initialisation, K samples x 20 ms, serial) -> phase 2 (250 ms per sample from the phase-1 weights, plastic and
decaying, in parallel) -> liquid spike counts -> linear readout; branching factor on 20 test samples.

    snn nalsm --dataset digits --out runs/nalsm-digits

Writes ``OUT/results.json`` (test_accuracy, val_accuracy, branching_factor, samples_per_second, wall_seconds,
config, seed, versions, commit), ``OUT/w_init.npz`` and ``OUT/features/<split>_<first sample>.npz``, one per chunk
of ``chunk`` samples. The phase-1 weights and every feature chunk are saved as they are made (atomically, keyed by
the settings that determine them); a rerun with the same settings reuses them, so an interrupted run resumes
where it stopped, recomputing at most the chunks that were running. ``--workers K`` runs the chunks on a local
Dask cluster of K processes, ``--scheduler tcp://host:port`` on an existing one (experiments/nalsm_features.py);
the features are the same whatever the number of workers.
"""
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from snn.analysis import mean_branching_factor
from snn.engine import Simulator
from snn.errors import DataError, SpecError, check_choice
from snn.io import read_npz, write_json, write_npz
from snn.models.nalsm import (FEATURE_MS, INIT_MS, VARIANTS, build_liquid, initialise, liquid_adjacency,
                              liquid_counts)
from snn.readout import train_logistic_readout, train_paper_readout

from .checks import nalsm_config
from .nalsm_features import dask_client, extract
from .provenance import provenance

DATASETS = ("digits", "mnist", "fashion-mnist", "nmnist")
DEFAULTS = dict(dataset="digits", data_dir=None, neurons=1000, variant="nalsm", init_samples=None, train=None,
                val=None, test=None, seed=0, readout="paper", epochs=5000, patience=500, readout_batch=250,
                w_A=None, w_init=None, astro_density=1.0, bf_samples=20, chunk=250,
                val_start_id=50_001, workers=None, scheduler=None)


def _cube(n):
    d = int(round(n ** (1 / 3)))
    if d ** 3 != n:
        raise SpecError(f"neurons={n} must be a cube (d*d*d: 1000 = 10^3, 8000 = 20^3) for the 3-D grid")
    return (d, d, d)


class _Images:
    """Image splits as NALSM rate codes: p = (x / x.sum()) / global max (train+val share one max, test its own)."""

    def __init__(self, splits):
        from snn.data import rate_probabilities
        self.n_inputs = int(np.prod(splits.train.images.shape[1:]))
        tv = np.concatenate([splits.train.images, splits.val.images])
        p_tv, _ = rate_probabilities(tv, on_zero="zero")
        p_te, _ = rate_probabilities(splits.test.images, on_zero="zero") if len(splits.test) else (np.zeros((0, 1)), 0)
        n_tr = len(splits.train)
        self.p = {"train": p_tv[:n_tr], "val": p_tv[n_tr:], "test": p_te}
        self.labels = {k: np.asarray(splits.get(k).labels, np.int64) for k in ("train", "val", "test")}

    def stimuli(self, split, idx, duration, rng=None):
        return np.ascontiguousarray(self.p[split][idx])


class _Events:
    """N-MNIST splits as binary 1 ms event frames (first 250 ms; init: random 20 ms windows)."""

    def __init__(self, splits):
        self.n_inputs = 2312
        self.samples = {"train": splits.train, "val": splits.val, "test": splits.test}
        self.labels = {k: np.array([s.label for s in v], np.int64) for k, v in self.samples.items()}

    def stimuli(self, split, idx, duration, rng=None):
        from snn.data import events_to_spikes
        items = [self.samples[split][i] for i in idx]
        starts = 0 if rng is None else rng.integers(1, 300 - 1 - duration, len(items))
        return events_to_spikes(items, duration, t_start=starts)


def load(cfg):
    ds = check_choice("dataset", cfg["dataset"], DATASETS)
    n = dict(n_train=cfg["train"], n_val=cfg["val"], n_test=cfg["test"])
    if ds == "digits":
        from snn.data import load_digits
        return _Images(load_digits(seed=cfg["seed"], **n))
    if cfg["data_dir"] is None:
        raise SpecError(f"--dataset {ds} needs --data-dir (the folder holding {ds}/)")
    try:
        from snn import data
    except ImportError as exc:
        raise DataError(f"the dataset loaders (snn.data) are not available: {exc}") from None
    if ds == "nmnist":
        splits = data.nmnist_splits(cfg["data_dir"], val_start_id=cfg["val_start_id"], **n)
        if not splits.val:
            raise SpecError(f"N-MNIST: no training file has an id >= {cfg['val_start_id']} for validation; on a "
                            f"subset pass --val-start-id (e.g. 801 for ids 1-1000)")
        return _Events(splits)
    loader = data.load_mnist if ds == "mnist" else data.load_fashion_mnist
    return _Images(loader(cfg["data_dir"], **n))


def _key(cfg, *names):
    """Hash of the settings that determine a cached array, and of the code (commit) that made it."""
    from .provenance import git_commit
    blob = json.dumps({**{k: cfg[k] for k in names}, "_code": git_commit()}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _cached(path, key, make):
    path = Path(path)
    if path.exists():
        try:
            z = read_npz(path)
            if str(z.get("key")) == key:
                return z["value"]
        except DataError:
            pass
    value = make()
    write_npz(path, key=np.array(key), value=value)
    return value


def run(config, out, progress=True):
    cfg = {**DEFAULTS, **{k: v for k, v in config.items() if v is not None or k in ("data_dir",)}}
    nalsm_config(cfg)     # the same checks as the command line's, for callers from Python
    check_choice("variant", cfg["variant"], VARIANTS)
    check_choice("readout", cfg["readout"], ("paper", "logreg"))
    shape = _cube(int(cfg["neurons"]))
    seed = int(cfg["seed"])
    out = Path(out)
    t0 = time.perf_counter()
    data = load(cfg)
    sizes = {k: len(v) for k, v in data.labels.items()}
    if min(sizes["train"], sizes["val"]) == 0:
        raise SpecError(f"train and validation splits must not be empty, got {sizes}")
    k_init = sizes["train"] if cfg["init_samples"] is None else int(cfg["init_samples"])
    net_kw = dict(shape=shape, variant=cfg["variant"], w_init=cfg["w_init"], w_A=cfg["w_A"],
                  astro_density=cfg["astro_density"], seed=seed)
    net_init = build_liquid(data.n_inputs, phase="init", **net_kw)
    net_feat = build_liquid(data.n_inputs, phase="features", **net_kw)
    base = ("dataset", "data_dir", "neurons", "variant", "train", "val", "test", "seed", "w_A", "w_init",
            "astro_density")

    # phase 1: a random permutation of the training set, K samples x 20 ms, weights and traces carried over
    rng = np.random.default_rng([seed, 1])
    order = rng.permutation(sizes["train"])[:k_init] if k_init <= sizes["train"] else \
        rng.integers(0, sizes["train"], k_init)
    t1 = time.perf_counter()

    def phase1():
        if cfg["variant"] == "lsm" or k_init == 0:
            return Simulator(net_feat, record=()).initial_plastic_weights
        win = np.random.default_rng([seed, 2])
        stim = lambda a, z: data.stimuli("train", order[a:z], INIT_MS, rng=win)  # noqa: E731
        return initialise(net_init, stim, k_init, seed=seed + 1, progress=progress)
    w_ini = _cached(out / "w_init.npz", _key({**cfg, "k": k_init}, *base, "init_samples"), phase1)
    t_init = time.perf_counter() - t1

    # phase 2: every sample from w_ini, plastic with decaying rates; sample ids distinct across splits; chunks
    # saved as they finish (OUT/features/<split>_<first>.npz), here or on a Dask cluster
    offsets = {"train": 0, "val": sizes["train"], "test": sizes["train"] + sizes["val"]}
    feats, t2, made = {}, time.perf_counter(), 0
    job = dict(n_inputs=data.n_inputs, net=net_kw, seed=seed, w_ini=w_ini)
    key = _key({**cfg, "k": k_init}, *base, "init_samples")
    with dask_client(cfg["workers"], cfg["scheduler"]) as client:
        for split in ("train", "val", "test"):
            feats[split], k = extract(job, split, sizes[split],
                                      lambda idx, split=split: data.stimuli(split, idx, FEATURE_MS), out, key,
                                      sample_offset=offsets[split], chunk=cfg["chunk"], client=client,
                                      progress=progress)
            made += k
    t_feat = time.perf_counter() - t2
    n_feat = made                    # samples simulated in this run (reused chunks are not counted)

    # branching factor: liquid rasters of bf_samples test (else val) samples, rerun with recording
    bf_split = "test" if sizes["test"] else "val"
    m = min(int(cfg["bf_samples"]), sizes[bf_split])
    bf = float("nan")
    if m:
        idx = np.unique(np.round(np.arange(m) * sizes[bf_split] / m).astype(int))
        rec = Simulator(net_feat, record=("exc", "inh"))
        rasters = []
        for i in idx:
            r_one = rec.run(float(FEATURE_MS), batch=1, stimuli={"events": data.stimuli(bf_split, [i], FEATURE_MS)},
                            seed=seed, sample_offset=offsets[bf_split] + int(i), plastic_weights=w_ini)
            te, ie = r_one.spikes("exc")
            ti, ii = r_one.spikes("inh")
            rasters.append((np.r_[te, ti].astype(np.int64), np.r_[ie, ii + net_feat.population("exc").size]))
        pre, post = liquid_adjacency(rec)
        bf = mean_branching_factor(rasters, int(np.prod(shape)), pre, post)

    # readout
    t3 = time.perf_counter()
    tr, va, te = [(feats[s], data.labels[s]) for s in ("train", "val", "test")]
    if cfg["readout"] == "paper":
        ro = train_paper_readout(tr, va, te, batch_size=cfg["readout_batch"], epochs=cfg["epochs"],
                                 patience=cfg["patience"])
    else:
        ro = train_logistic_readout(tr, va, te)
    t_ro = time.perf_counter() - t3
    results = {
        "test_accuracy": ro.test_accuracy, "val_accuracy": ro.val_accuracy, "train_accuracy": ro.train_accuracy,
        "readout_best_epoch": ro.best_epoch, "readout_epochs_run": ro.epochs_run,
        "branching_factor": bf if bf == bf else None,
        "samples_per_second": n_feat / t_feat if n_feat and t_feat > 0 else None,
        "features_reused": n_feat == 0, "workers": cfg["workers"], "scheduler": cfg["scheduler"],
        "liquid_rate_hz": float(np.concatenate([feats[s] for s in feats]).mean() * 1000.0 / FEATURE_MS),
        "sizes": sizes, "init_samples": k_init,
        "seconds": {"phase1": t_init, "phase2": t_feat, "readout": t_ro},
        "wall_seconds": time.perf_counter() - t0,
        **provenance(cfg, seed),
    }
    write_json(out / "results.json", results)
    _figure(out / "nalsm.png", rasters[0] if m else None, net_feat, feats["test"] if sizes["test"] else feats["val"],
            data.labels["test"], ro.test_predictions, bf, cfg)
    return results


def _figure(path, raster_one, net, feats, labels, predictions, bf, cfg):
    """Raster of one sample, liquid rate histogram, confusion matrix on the test split."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from snn.plot import confusion_matrix, raster, rate_histogram
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    n_exc = net.population("exc").size
    if raster_one is not None:
        t, i = raster_one
        exc = i < n_exc
        raster(axes[0], {"exc": (t[exc], i[exc]), "inh": (t[~exc], i[~exc] - n_exc)},
               sizes={"exc": n_exc, "inh": net.population("inh").size})
    bf_text = "n/a" if bf != bf else f"{bf:.2f}"
    axes[0].set_title(f"{cfg['variant']} liquid, one sample (branching factor {bf_text})")
    rate_histogram(axes[1], feats.mean(axis=0) * 1000.0 / FEATURE_MS)
    axes[1].set_title("liquid firing rates (mean over samples)")
    if len(labels):
        confusion_matrix(axes[2], labels, predictions)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def add_arguments(parser):
    parser.add_argument("--dataset", choices=DATASETS, default="digits", help="digits needs no files")
    parser.add_argument("--data-dir", default=None, help="folder holding mnist/, fashion-mnist/ or nmnist/")
    parser.add_argument("--neurons", type=int, default=1000, help="liquid size, a cube (1000, 8000)")
    parser.add_argument("--variant", choices=VARIANTS, default="nalsm",
                        help="nalsm (astrocyte), lsm (static), lsm-stdp; lsm-apstdp is not implemented")
    parser.add_argument("--init-samples", type=int, default=None, help="phase-1 samples (default: train size)")
    parser.add_argument("--train", type=int, default=None, help="first N training samples (default all)")
    parser.add_argument("--val", type=int, default=None, help="first N validation samples (default all)")
    parser.add_argument("--test", type=int, default=None, help="first N test samples (default all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the liquid, the data split and every random draw")
    parser.add_argument("--readout", choices=("paper", "logreg"), default="paper",
                        help="the paper's L1 readout or logistic regression")
    parser.add_argument("--epochs", type=int, default=DEFAULTS["epochs"], help="readout epochs (max)")
    parser.add_argument("--w-A", dest="w_A", type=float, default=None, help="astrocyte weight (default 0.015 for 1000 neurons, 0.0075 for 8000)")
    parser.add_argument("--w-init", type=float, default=None, help="initial |w| (lsm default 1, else 3)")
    parser.add_argument("--astro-density", type=float, default=1.0,
                        help="fraction of neurons the astrocyte listens to (ablation)")
    parser.add_argument("--val-start-id", type=int, default=50_001,
                        help="N-MNIST: training files with this id or above form the validation split")
    parser.add_argument("--chunk", type=int, default=DEFAULTS["chunk"], help="phase-2 samples per saved chunk")
    parser.add_argument("--workers", type=int, default=None, help="phase 2 on a local Dask cluster of K processes")
    parser.add_argument("--scheduler", default=None, help="phase 2 on an existing Dask cluster (tcp://host:port)")
    parser.add_argument("--out", default="runs/nalsm", help="output folder (results.json, nalsm.png, cached arrays)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def main(args):
    config = {k: getattr(args, k) for k in ("dataset", "data_dir", "neurons", "variant", "init_samples", "train",
                                            "val", "test", "seed", "readout", "epochs", "w_A", "w_init",
                                            "astro_density", "val_start_id", "chunk", "workers", "scheduler")}
    r = run(config, args.out, progress=not args.no_progress)
    bf = "n/a" if r["branching_factor"] is None else f"{r['branching_factor']:.2f}"
    sps = "features reused" if r["samples_per_second"] is None else f"{r['samples_per_second']:.1f} samples/s"
    print(f"{args.dataset}, {args.variant} {args.neurons}: test accuracy {r['test_accuracy']:.4f} "
          f"(val {r['val_accuracy']:.4f}), branching factor {bf}, {sps}, "
          f"{r['wall_seconds']:.1f} s")
    print(f"wrote {Path(args.out) / 'results.json'} and {Path(args.out) / 'nalsm.png'}")
    return 0
