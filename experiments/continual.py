"""`snn continual`: HLOP and baselines on permuted MNIST or split (Fashion-)MNIST with a spiking MLP.

Writes ``OUT/results.json`` (acc, bwt, accuracy_matrix, min_acc, wall_seconds, config, seed, versions, commit),
``OUT/accuracy_matrix.png``, ``OUT/learning_curves.png`` (with ``--eval-every``) and ``OUT/checkpoint.npz``
(state after the last finished task: rerunning the same command resumes at the next task).
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np

from snn.data import load_fashion_mnist, load_mnist, split_task_indices, task_permutations
from snn.errors import SpecError, check_choice
from snn.io import write_json
from snn.models.continual import METHODS, ContinualConfig, Task, run_continual
from snn.models.spiking_mlp import TRAININGS

from .checks import check_run
from .provenance import git_commit, provenance

BENCHMARKS = ("pmnist", "split-mnist", "split-fashion-mnist")
SCENARIOS = ("class", "task")              # split benchmarks: class- or task-incremental
MNIST_MEAN_STD = (0.1307, 0.3081)          # torchvision Normalize of HLOP's PMNIST loader
# the benchmark settings of ContinualConfig.extra (the training settings are ContinualConfig's own fields)
DEFAULTS = dict(benchmark="pmnist", tasks=10, train_per_task=None, test_per_task=None, scenario="class")


def _flat(images, mean, std):
    x = images.reshape(len(images), -1).astype(np.float32) / 255.0
    return ((x - mean) / std).astype(np.float32)


def build_tasks(benchmark, n_tasks, data_dir, *, seed, train_per_task=None, test_per_task=None, scenario="class"):
    """The task list of a benchmark.

    ``pmnist``: every task is MNIST (all 60,000 training images, no validation split) under its own pixel
    permutation (``task_permutations(n_tasks, seed)``; all tasks permuted, as HLOP's loader), one shared 10-way
    head. ``split-*``: tasks of two classes each ((0, 1), (2, 3), ...; at most 5), ``scenario`` 'class'
    (class-incremental: one 10-way head, no task identity at test) or 'task' (task-incremental: the logits
    outside a task's classes are masked in training and test). ``train_per_task`` / ``test_per_task`` keep the
    first N samples.
    """
    check_choice("benchmark", benchmark, BENCHMARKS)
    check_choice("scenario", scenario, SCENARIOS)
    if isinstance(n_tasks, bool) or not isinstance(n_tasks, int) or n_tasks < 1:
        raise SpecError(f"tasks={n_tasks!r} must be an integer >= 1")
    for name, v in (("train_per_task", train_per_task), ("test_per_task", test_per_task)):
        if v is not None and v < 1:
            raise SpecError(f"{name}={v!r} must be >= 1")
    if benchmark == "pmnist":
        d = load_mnist(data_dir, val_size=0, n_train=train_per_task, n_test=test_per_task)
        x, xt = _flat(d.train.images, *MNIST_MEAN_STD), _flat(d.test.images, *MNIST_MEAN_STD)
        y, yt = d.train.labels.astype(np.int64), d.test.labels.astype(np.int64)
        perms = task_permutations(n_tasks, seed)
        return [Task(f"pmnist-{k}", x, y, xt, yt, perms[k], mean_std=MNIST_MEAN_STD) for k in range(n_tasks)]
    if n_tasks > 5:
        raise SpecError(f"tasks={n_tasks} is too many for {benchmark}: it has 5 tasks of 2 classes")
    loader = load_mnist if benchmark == "split-mnist" else load_fashion_mnist
    d = loader(data_dir, val_size=0)
    if benchmark == "split-mnist":
        mean, std = MNIST_MEAN_STD
    else:                                     # mean/std of the training images, computed, not assumed
        px = d.train.images.astype(np.float64) / 255.0
        mean, std = float(px.mean()), float(px.std())
    tr_idx = split_task_indices(d.train.labels)
    te_idx = split_task_indices(d.test.labels)
    tasks = []
    for k in range(n_tasks):
        a, b = tr_idx[k][:train_per_task], te_idx[k][:test_per_task]
        tasks.append(Task(f"{benchmark}-{k}", _flat(d.train.images[a], mean, std),
                          d.train.labels[a].astype(np.int64), _flat(d.test.images[b], mean, std),
                          d.test.labels[b].astype(np.int64), None,
                          (2 * k, 2 * k + 1) if scenario == "task" else None, (mean, std)))
    return tasks


def _parse_hidden(text):
    try:
        hidden = tuple(int(v) for v in str(text).split(","))
    except ValueError:
        raise SpecError(f"hidden={text!r} must be comma-separated integers, e.g. 800,800") from None
    if not hidden or any(h < 1 for h in hidden):
        raise SpecError(f"hidden={text!r} must list positive layer widths")
    return hidden


def add_arguments(parser):
    parser.add_argument("--benchmark", choices=BENCHMARKS, default="pmnist", help="task sequence")
    parser.add_argument("--tasks", type=int, default=10, help="number of tasks (default 10; split-*: at most 5)")
    parser.add_argument("--scenario", choices=SCENARIOS, default=None,
                        help="split-*: class-incremental (default: one head, no task id at test) or task-incremental")
    parser.add_argument("--method", choices=METHODS, default="hlop", help="continual-learning method")
    parser.add_argument("--training", choices=TRAININGS, default="dsr", help="how the spiking MLP is trained")
    parser.add_argument("--epochs", type=int, default=1, help="epochs per task (default 1)")
    parser.add_argument("--data-dir", required=True, help="folder holding mnist/ and fashion-mnist/")
    parser.add_argument("--seed", type=int, default=2022, help="seed of the permutations, init and batches")
    parser.add_argument("--out", default="runs/continual", help="output folder (default runs/continual)")
    parser.add_argument("--train-per-task", type=int, default=None, help="keep the first N training samples")
    parser.add_argument("--test-per-task", type=int, default=None, help="keep the first N test samples")
    parser.add_argument("--hidden", default="800,800", help="hidden widths (default 800,800)")
    parser.add_argument("--batch-size", type=int, default=64, help="SGD batch size")
    parser.add_argument("--lr", type=float, default=0.1, help="SGD learning rate")
    parser.add_argument("--time-steps", type=int, default=None, help="T (default: DSR 20, BPTT/OTTT 6)")
    parser.add_argument("--eval-every", type=int, default=0, help="continual evaluation every k batches")
    parser.add_argument("--eval-subset", type=int, default=500, help="test samples per task for --eval-every")
    parser.add_argument("--ewc-lambda", type=float, default=ContinualConfig.ewc_lambda, help="EWC penalty strength")
    parser.add_argument("--hlop-spiking-steps", type=int, default=0,
                        help="HLOP: quantised spiking lateral neurons over Ts steps (the README's 40; 0: off)")
    parser.add_argument("--hlop-orthonormalise", action="store_true",
                        help="HLOP: make the fixed subspace rows orthonormal at each merge (not in the authors' code)")
    parser.add_argument("--hlop-spiking-scale", type=float, default=ContinualConfig.hlop_spiking_scale,
                        help="HLOP: output range [-s, s] of the spiking lateral neurons (default 20)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS threads (default: the library's own choice; 1 is fastest on a busy machine)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def config_from_args(args):
    return ContinualConfig(
        method=args.method, training=args.training, hidden=_parse_hidden(args.hidden), epochs=args.epochs,
        batch_size=args.batch_size, lr=args.lr, seed=args.seed, T=args.time_steps, eval_every=args.eval_every,
        eval_subset=args.eval_subset, ewc_lambda=args.ewc_lambda, hlop_spiking_steps=args.hlop_spiking_steps,
        hlop_spiking_scale=args.hlop_spiking_scale, hlop_orthonormalise=args.hlop_orthonormalise,
        extra={"benchmark": args.benchmark, "tasks": args.tasks, "train_per_task": args.train_per_task,
               "test_per_task": args.test_per_task,
               **({"scenario": args.scenario or "class"} if args.benchmark != "pmnist" else {})})


def run(config, data_dir, out, *, progress=True, stop_after=None):
    """Build the benchmark named in ``config.extra``, train, write results.json and figures into ``out``."""
    check_run(config.extra, DEFAULTS, "continual.run: config.extra", out)
    git_commit()                   # read now (cached): results.json names the code the run started with
    ex = {**DEFAULTS, **config.extra}
    tasks = build_tasks(ex["benchmark"], ex["tasks"], data_dir, seed=config.seed,
                        train_per_task=ex.get("train_per_task"), test_per_task=ex.get("test_per_task"),
                        scenario=ex.get("scenario", "class"))
    out = Path(out)
    res = run_continual(tasks, config, checkpoint=out / "checkpoint.npz", stop_after=stop_after,
                        progress=progress)
    if res is None:
        return None
    R = res["accuracy_matrix"]
    results = {
        "benchmark": ex["benchmark"], "method": config.method, "training": config.training,
        "acc": res["acc"], "bwt": res["bwt"],
        "accuracy_matrix": [[None if v != v else float(v) for v in row] for row in R],
        "min_acc": res["min_acc"], "min_acc_per_task": res["min_acc_per_task"],
        "curve_steps": res["curve_steps"], "curve_acc": [[None if v != v else float(v) for v in row]
                                                         for row in res["curve_acc"]],
        "task_end_steps": res["task_end_steps"], "hlop_neurons": res["hlop_neurons"],
        "wall_seconds": res["wall_seconds"], "n_train_per_task": [len(t.train_y) for t in tasks],
        "n_test_per_task": [len(t.test_y) for t in tasks],
        **provenance(asdict(config), config.seed),
    }
    write_json(out / "results.json", results)
    _figures(res, out, f"{ex['benchmark']} {config.method} ({config.training})")
    return results


def _figures(res, out, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from snn.plot import accuracy_matrix, learning_curves
    R = res["accuracy_matrix"]
    fig, ax = plt.subplots(figsize=(2.2 + 0.55 * R.shape[1], 1.6 + 0.45 * R.shape[0]))
    accuracy_matrix(ax, R)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(out / "accuracy_matrix.png", dpi=100)
    plt.close(fig)
    if len(res["curve_steps"]):
        fig, ax = plt.subplots(figsize=(8, 4))
        learning_curves(ax, res["curve_steps"], res["curve_acc"], boundaries=res["task_end_steps"][:-1])
        ax.set_title(title, fontsize=9)
        fig.tight_layout()
        fig.savefig(out / "learning_curves.png", dpi=100)
        plt.close(fig)


def main(args):
    if args.scenario is not None and args.benchmark == "pmnist":
        raise SpecError("--scenario applies to the split benchmarks; pmnist has one shared head (domain-incremental)")
    config = config_from_args(args)
    if args.threads is not None and args.threads < 1:
        raise SpecError(f"threads={args.threads} must be >= 1")
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=args.threads):
        r = run(config, args.data_dir, args.out, progress=not args.no_progress)
    bwt = "n/a" if r["bwt"] is None else f"{r['bwt']:+.4f}"
    print(f"{r['benchmark']} {r['method']} ({r['training']}), {args.tasks} tasks: ACC {r['acc']:.4f}  BWT {bwt}"
          f"  ({r['wall_seconds']:.0f} s)")
    print(f"wrote {Path(args.out) / 'results.json'}")
    return 0
