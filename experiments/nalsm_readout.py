"""``snn nalsm-readout RUN``: the readouts again on the spike-count features a finished ``snn nalsm`` run saved,
with other readout settings, without simulating the liquid again.

    snn nalsm-readout runs/nalsm8000 --readout paper --readout-batch 50

The features are read from ``RUN/features/`` whatever code made them (every chunk must carry the same key, and
together they must cover each split of ``RUN/results.json``); the labels from the run's dataset (``--data-dir``
when it has moved). Writes ``RUN/readout-batch<B>.json`` (or ``--out``): the readouts' numbers, the settings, and
the commit of the run that made the features.
"""
import time
from pathlib import Path

import numpy as np

from snn.errors import DataError
from snn.io import read_json, read_npz, write_json

from .nalsm import DEFAULTS, READOUTS, add_readout_arguments, load, paper_batch, readout_summary, train_readouts
from .provenance import provenance


def saved_features(run, sizes):
    """{split: counts} from ``run/features/<split>_<first>.npz``, checked to cover [0, size) once with one key."""
    feats, keys = {}, set()
    for split, n in sizes.items():
        parts, at = [], 0
        for path in sorted((Path(run) / "features").glob(f"{split}_*.npz")):
            if at >= n:
                break
            first = path.stem.rsplit("_", 1)[1]
            if not first.isdigit():
                raise DataError(f"{run}: {path.name} is not a feature chunk (<split>_<first sample>.npz)")
            first = int(first)
            if first != at:
                raise DataError(f"{run}: the {split} features have no chunk starting at sample {at} (next: "
                                f"{path.name}); rerun the snn nalsm command to finish them")
            z = read_npz(path)
            keys.add(str(z["key"]))
            parts.append(z["value"])
            at += len(z["value"])
        if at < n:
            raise DataError(f"{run}: the {split} features stop at sample {at} of {n}; rerun the snn nalsm command "
                            f"to finish them")
        feats[split] = np.concatenate(parts)[:n] if parts else np.zeros((0, 0), np.int32)
    if len(keys) > 1:
        raise DataError(f"{run}: the feature chunks come from {len(keys)} different settings or code versions")
    return feats, keys.pop() if keys else None


def main(args):
    run = Path(args.run)
    done = read_json(run / "results.json", "the results of a finished snn nalsm run")
    if not isinstance(done, dict) or not isinstance(done.get("config"), dict) or \
            not isinstance(done.get("sizes"), dict) or "neurons" not in done["config"]:
        raise DataError(f"{run / 'results.json'}: not the results of a snn nalsm run (no config with neurons, "
                        f"no split sizes); point RUN at the --out folder of a finished snn nalsm run")
    cfg = {**DEFAULTS, **done["config"]}      # settings added since the run take their defaults
    if args.data_dir is not None:
        cfg["data_dir"] = args.data_dir
    batch = args.readout_batch or paper_batch(int(cfg["neurons"]))
    cfg.update(readout=args.readout, epochs=args.epochs, patience=args.patience, readout_batch=batch)
    origin = provenance(cfg, done.get("seed"))     # the code this process started with
    labels = load(cfg).labels
    sizes = {k: len(v) for k, v in labels.items()}
    if sizes != done["sizes"]:
        raise DataError(f"{run}: the dataset now gives splits {sizes}, the run had {done['sizes']}")
    feats, key = saved_features(run, sizes)
    t = time.perf_counter()
    readouts = train_readouts(cfg, *[(feats[s], labels[s]) for s in ("train", "val", "test")],
                              progress=not args.no_progress)
    name, (ro, _) = next(iter(readouts.items()))
    summaries = {k: readout_summary(k, r) for k, (r, _) in readouts.items()}
    out = Path(args.out) if args.out else run / f"readout-batch{batch}.json"
    write_json(out, {
        "test_accuracy": ro.test_accuracy, "val_accuracy": ro.val_accuracy, "train_accuracy": ro.train_accuracy,
        "readout": name, "readouts": summaries,
        "features": {"run": run.name, "commit": done.get("commit"), "key": key},
        "seconds": {k: sec for k, (_, sec) in readouts.items()}, "wall_seconds": time.perf_counter() - t,
        **origin,
    })
    scores = "; ".join(f"{k} test {v['test_accuracy']:.4f} (val {v['val_accuracy']:.4f})" for k, v in summaries.items())
    batch_note = f", readout batch {batch}" if "paper" in summaries else ""
    print(f"{run.name}{batch_note}: {scores}")
    print(f"wrote {out}")
    return 0


def add_arguments(parser):
    parser.add_argument("run", help="output folder of a finished snn nalsm run (results.json, features/)")
    parser.add_argument("--readout", choices=READOUTS, default="paper",
                        help="paper (default), logreg, or both")
    add_readout_arguments(parser)
    parser.add_argument("--data-dir", default=None, help="where the run's dataset is now (default: the run's)")
    parser.add_argument("--out", default=None, help="result file (default RUN/readout-batch<B>.json)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
