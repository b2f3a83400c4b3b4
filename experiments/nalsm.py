"""NALSM and its LSM baselines end to end (specs/nalsm.md): data -> rate code or events -> phase 1 (plastic
initialisation, K samples x 20 ms, serial) -> phase 2 (250 ms per sample from the phase-1 weights, plastic and
decaying, in parallel) -> liquid spike counts -> linear readouts; branching factor on 20 test samples; with
``--kernel-quality`` the SP / AP ranks of specs 5 (experiments/nalsm_quality.py).

    snn nalsm --dataset digits --out runs/nalsm-digits

Writes ``OUT/results.json`` (test_accuracy, val_accuracy of the readout named by ``readout``, every readout's
numbers under ``readouts``, branching_factor, kernel_quality, samples_per_second, wall_seconds, config, seed,
versions, commit), ``OUT/w_init.npz`` and ``OUT/features/<split>_<first sample>.npz``, one per chunk
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
from snn.models.nalsm import (D_C, FEATURE_MS, INIT_MS, THETA_C, VARIANTS, build_liquid, initialise,
                              liquid_adjacency)

from .checks import nalsm_config
from .nalsm_features import dask_client, extract
from .nalsm_config import (APSTDP_WINDOWS, DATASETS, DEFAULTS, PAPER_BATCH, READOUTS,  # noqa: F401 (re-exported)
                           TEST_SCALES, config_from_args, paper_batch)
from .nalsm_data import _cube, load  # noqa: F401 (re-exported)
from .nalsm_report import _figure, readout_summary, train_readouts  # noqa: F401 (re-exported)
from .nalsm_sweep import parse_values, sweep
from .nalsm_quality import kernel_quality
from .provenance import git_commit, provenance

def _key(cfg, *names):
    """Hash of the settings that determine a cached array, and of the code that made it: the simulator, the models
    and this pipeline (experiments/nalsm*.py), so that commits elsewhere leave the caches valid."""
    from .provenance import code_digest
    here = Path(__file__).parent
    code = code_digest(*sorted(str(p) for p in here.glob("nalsm*.py")))
    blob = json.dumps({**{k: cfg[k] for k in names}, "_code": code}, sort_keys=True, default=str)
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
    check_choice("readout", cfg["readout"], READOUTS)
    if cfg["variant"] == "lsm-apstdp":      # the windows it ran with, in the saved config
        theta, dc = APSTDP_WINDOWS.get(cfg["dataset"], (THETA_C, D_C))
        cfg["theta_C"] = theta if cfg["theta_C"] is None else cfg["theta_C"]
        cfg["dC"] = dc if cfg["dC"] is None else cfg["dC"]
    git_commit()                   # read now (cached): results.json names the code the run started with
    shape = _cube(int(cfg["neurons"]))
    if cfg["readout_batch"] is None:         # resolved here, so results.json names the batch it used
        cfg["readout_batch"] = paper_batch(int(cfg["neurons"]))
    seed = int(cfg["seed"])
    out = Path(out)
    t0 = time.perf_counter()
    data = load(cfg)
    sizes = {k: len(v) for k, v in data.labels.items()}
    if min(sizes["train"], sizes["val"]) == 0:
        raise SpecError(f"train and validation splits must not be empty, got {sizes}")
    if cfg["kernel_quality"] and sizes["test"] == 0:
        raise SpecError("--kernel-quality measures the test split, which is empty (--test 0)")
    k_init = sizes["train"] if cfg["init_samples"] is None else int(cfg["init_samples"])
    net_kw = dict(shape=shape, variant=cfg["variant"], w_init=cfg["w_init"], w_A=cfg["w_A"],
                  astro_density=cfg["astro_density"], theta_C=cfg["theta_C"], dC=cfg["dC"], seed=seed)
    net_init = build_liquid(data.n_inputs, phase="init", **net_kw)
    net_feat = build_liquid(data.n_inputs, phase="features", **net_kw)
    base = ("dataset", "data_dir", "neurons", "variant", "train", "val", "test", "seed", "w_A", "w_init",
            "astro_density", "theta_C", "dC")

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
    key = _key({**cfg, "k": k_init}, *base, "init_samples", "test_scale")
    with dask_client(cfg["workers"], cfg["scheduler"]) as client:
        for split in ("train", "val", "test"):
            feats[split], k = extract(job, split, sizes[split],
                                      lambda idx, split=split: data.stimuli(split, idx, FEATURE_MS), out, key,
                                      sample_offset=offsets[split], chunk=cfg["chunk"], client=client,
                                      progress=progress)
            made += k
        t_feat = time.perf_counter() - t2
        kq, t_kq = None, None
        if cfg["kernel_quality"]:    # AP: one more pass over the test split, noisy, as further sample ids
            tk = time.perf_counter()
            noisy, _ = extract(job, "test-noisy", sizes["test"], data.noisy_test(np.random.default_rng([seed, 3])),
                               out, key, sample_offset=sum(sizes.values()), chunk=cfg["chunk"], client=client,
                               progress=progress)
            kq = kernel_quality(feats["test"], noisy, data.labels["test"], cfg["kq_per_class"],
                                cfg["kq_resamples"], np.random.default_rng([seed, 4]))
            t_kq = time.perf_counter() - tk
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

    # readouts: the first named is the one reported at the top level
    t3 = time.perf_counter()
    readouts = train_readouts(cfg, *[(feats[s], data.labels[s]) for s in ("train", "val", "test")])
    t_ro = time.perf_counter() - t3
    name, (ro, _) = next(iter(readouts.items()))
    results = {
        "test_accuracy": ro.test_accuracy, "val_accuracy": ro.val_accuracy, "train_accuracy": ro.train_accuracy,
        "readout_best_epoch": ro.best_epoch, "readout_epochs_run": ro.epochs_run, "readout": name,
        "readouts": {k: readout_summary(k, r) for k, (r, _) in readouts.items()},
        "branching_factor": bf if bf == bf else None, "kernel_quality": kq,
        "samples_per_second": n_feat / t_feat if n_feat and t_feat > 0 else None,
        "features_reused": n_feat == 0, "workers": cfg["workers"], "scheduler": cfg["scheduler"],
        "liquid_rate_hz": float(np.concatenate([feats[s] for s in feats]).mean() * 1000.0 / FEATURE_MS),
        "sizes": sizes, "init_samples": k_init,
        "seconds": {"phase1": t_init, "phase2": t_feat, "kernel_quality": t_kq, "readout": t_ro,
                    **{f"readout_{k}": sec for k, (_, sec) in readouts.items()}},
        "wall_seconds": time.perf_counter() - t0,
        **provenance(cfg, seed),
    }
    write_json(out / "results.json", results)
    _figure(out / "nalsm.png", rasters[0] if m else None, net_feat, feats["test"] if sizes["test"] else feats["val"],
            data.labels["test"], ro.test_predictions, bf, cfg)
    return results


def add_arguments(parser):
    parser.add_argument("--dataset", choices=DATASETS, default=DEFAULTS["dataset"], help="digits needs no files")
    parser.add_argument("--data-dir", default=DEFAULTS["data_dir"],
                        help="folder holding mnist/, fashion-mnist/ or nmnist/")
    parser.add_argument("--neurons", type=int, default=DEFAULTS["neurons"], help="liquid size, a cube (1000, 8000)")
    parser.add_argument("--variant", choices=VARIANTS, default=DEFAULTS["variant"],
                        help="nalsm (astrocyte), lsm (static), lsm-stdp, lsm-apstdp (calcium-gated STDP in phase 1)")
    parser.add_argument("--init-samples", type=int, default=DEFAULTS["init_samples"],
                        help="phase-1 samples (default: train size)")
    parser.add_argument("--train", type=int, default=DEFAULTS["train"], help="first N training samples (default all)")
    parser.add_argument("--val", type=int, default=DEFAULTS["val"], help="first N validation samples (default all)")
    parser.add_argument("--test", type=int, default=DEFAULTS["test"], help="first N test samples (default all)")
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"],
                        help="seed of the liquid, the data split and every random draw")
    parser.add_argument("--readout", choices=READOUTS, default=DEFAULTS["readout"],
                        help="both: the paper's L1 readout (reported first) and logistic regression; or only one")
    add_readout_arguments(parser)
    parser.add_argument("--w-A", dest="w_A", type=float, default=DEFAULTS["w_A"],
                        help="astrocyte weight (default 0.015 for 1000 neurons, 0.0075 for 8000)")
    parser.add_argument("--w-init", type=float, default=DEFAULTS["w_init"],
                        help="initial |w| (lsm, lsm-apstdp default 1, else 3)")
    parser.add_argument("--w-sweep", default=None,
                        help="run once per initial |w| in a comma list (the LSM weight sweep): OUT/w<value>/, "
                             "OUT/sweep.json, OUT/sweep.png")
    parser.add_argument("--astro-density", type=float, default=DEFAULTS["astro_density"],
                        help="fraction of neurons the astrocyte listens to (ablation)")
    parser.add_argument("--theta-C", dest="theta_C", type=float, default=DEFAULTS["theta_C"],
                        help="lsm-apstdp: calcium (~Hz) between the LTD and LTP windows (default 37; N-MNIST 10)")
    parser.add_argument("--delta-C", dest="dC", type=float, default=DEFAULTS["dC"],
                        help="lsm-apstdp: width of each calcium window (default 22; N-MNIST 2.5)")
    parser.add_argument("--kernel-quality", action="store_true", default=DEFAULTS["kernel_quality"],
                        help="also measure SP and AP (ranks on clean / noisy test inputs): one more test pass")
    parser.add_argument("--kq-per-class", type=int, default=DEFAULTS["kq_per_class"],
                        help="kernel quality: test samples per class in each draw (the paper: 100)")
    parser.add_argument("--kq-resamples", type=int, default=DEFAULTS["kq_resamples"],
                        help="kernel quality: draws averaged (the paper: 1000)")
    parser.add_argument("--test-scale", choices=TEST_SCALES, default=DEFAULTS["test_scale"],
                        help="images: divide the test set's rates by its own max of x/sum(x) (the authors' code) "
                             "or by the training set's (the same input pulses per ms as in training)")
    parser.add_argument("--val-start-id", type=int, default=DEFAULTS["val_start_id"],
                        help="N-MNIST: training files with this id or above form the validation split")
    parser.add_argument("--chunk", type=int, default=DEFAULTS["chunk"], help="phase-2 samples per saved chunk")
    parser.add_argument("--workers", type=int, default=DEFAULTS["workers"],
                        help="phase 2 on a local Dask cluster of K processes")
    parser.add_argument("--scheduler", default=DEFAULTS["scheduler"],
                        help="phase 2 on an existing Dask cluster (tcp://host:port)")
    parser.add_argument("--out", default="runs/nalsm", help="output folder (results.json, nalsm.png, cached arrays)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_readout_arguments(parser):
    """The paper readout's settings, shared with ``snn nalsm-readout``."""
    parser.add_argument("--epochs", type=int, default=DEFAULTS["epochs"], help="paper readout: epochs (max)")
    parser.add_argument("--patience", type=int, default=DEFAULTS["patience"],
                        help="paper readout: stop after this many epochs without a better validation accuracy")
    parser.add_argument("--readout-batch", type=int, default=DEFAULTS["readout_batch"],
                        help="paper readout: samples per Adadelta step and per max-normalisation (default: the "
                             "authors', 250 for liquids up to 1000 neurons, 50 above)")


def main(args):
    config = config_from_args(args)
    if args.w_sweep is not None:
        res = sweep(config, parse_values(args.w_sweep), args.out, run, progress=not args.no_progress)
        for row in res["runs"]:
            bf = "n/a" if row["branching_factor"] is None else f"{row['branching_factor']:.2f}"
            print(f"|w| {row['w_init']:g}: test {row['test_accuracy']:.4f}  val {row['val_accuracy']:.4f}  BF {bf}")
        best = res["selected_by_val"]
        print(f"selected by validation: |w| {best['w_init']:g}, test {best['test_accuracy']:.4f}; "
              f"wrote {Path(args.out) / 'sweep.json'}")
        return 0
    r = run(config, args.out, progress=not args.no_progress)
    bf = "n/a" if r["branching_factor"] is None else f"{r['branching_factor']:.2f}"
    sps = "features reused" if r["samples_per_second"] is None else f"{r['samples_per_second']:.1f} samples/s"
    others = "".join(f"; {k} {v['test_accuracy']:.4f}" for k, v in r["readouts"].items() if k != r["readout"])
    kq = r["kernel_quality"]
    kq = "" if kq is None else f", kernel quality SP {kq['sp']:.1f} AP {kq['ap']:.1f}"
    print(f"{args.dataset}, {args.variant} {args.neurons}: test accuracy {r['test_accuracy']:.4f} "
          f"({r['readout']}; val {r['val_accuracy']:.4f}{others}), branching factor {bf}{kq}, {sps}, "
          f"{r['wall_seconds']:.1f} s")
    print(f"wrote {Path(args.out) / 'results.json'} and {Path(args.out) / 'nalsm.png'}")
    return 0
