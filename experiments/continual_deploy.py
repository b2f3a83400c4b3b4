"""The trained network of a ``snn continual`` run, deployed: its accuracy in the engine with rate-coded inputs,
and the network itself for ``snn export continual``.

    snn fidelity continual --run runs/pmnist-hlop --data-dir ../shared/data --test-per-task 1000

reads ``RUN/checkpoint.npz`` (the state after the last finished task and the run's configuration), rebuilds the
run's tasks, and compares, task by task on the same test images, the trained model (direct input, its own
neurons) with its deployable variant (``models/continual_deploy.py``: IF_curr_exp, Poisson pixels) simulated
in the engine.
"""
import json
from pathlib import Path

import numpy as np

from snn.errors import SpecError
from snn.io import read_npz
from snn.models.continual import evaluate
from snn.models.continual_deploy import DEFAULT_MAX_RATE, deployable_mlp, engine_logits
from snn.models.spiking_mlp import SpikingMLP


def load_run(run_dir):
    """(trained SpikingMLP, its run configuration dict, tasks finished) from ``run_dir/checkpoint.npz``."""
    path = Path(run_dir) / "checkpoint.npz"
    if not path.is_file():
        raise SpecError(f"no {path}: point --run at the --out folder of a `snn continual` run")
    z = read_npz(path)
    cfg = json.loads(str(z["config_json"]))
    ex = cfg["extra"]
    sizes = (z["W0"].shape[1], *cfg["hidden"], cfg["n_out"])
    model = SpikingMLP(sizes, cfg["training"], seed=cfg["seed"], T=cfg["T"])
    model.load_state(z)
    return model, cfg, int(z["phases_done"]) if cfg["method"] != "multitask" else ex["tasks"]


def run_tasks(cfg, data_dir, test_per_task=None):
    from .continual import build_tasks
    ex = cfg["extra"]
    return build_tasks(ex["benchmark"], ex["tasks"], data_dir, seed=cfg["seed"], train_per_task=1,
                       test_per_task=test_per_task or ex.get("test_per_task"), scenario=ex.get("scenario", "class"))


def deployed_network(run_dir, data_dir, *, task=0, image=0, duration=200.0, max_rate=DEFAULT_MAX_RATE):
    """The deployable network of ``run_dir``'s model driven by Poisson sources at test image ``image`` of task
    ``task`` (its permutation applied)."""
    model, cfg, _ = load_run(run_dir)
    tasks = run_tasks(cfg, data_dir, test_per_task=image + 1)
    if not 0 <= task < len(tasks) or not 0 <= image < len(tasks[task].test_y):
        raise SpecError(f"task={task} / image={image} out of range: {len(tasks)} tasks of "
                        f"{len(tasks[0].test_y)} test images")
    t = tasks[task]
    return deployable_mlp(model, duration=duration, mean=t.mean_std[0], std=t.mean_std[1], max_rate=max_rate,
                          pixels=t.pixels(t.test_x[image:image + 1])[0])


def nir_network(run_dir, data_dir, *, duration=200.0, max_rate=DEFAULT_MAX_RATE, quantise=True):
    """The deployable network of ``run_dir``'s model with a ``SpikeSourceInput`` of pixels (fed at run time), as
    ``snn export continual --target nir`` writes it: NIR graphs hold no input data."""
    model, cfg, _ = load_run(run_dir)
    mean, std = run_tasks(cfg, data_dir, test_per_task=1)[0].mean_std
    return deployable_mlp(model, duration=duration, mean=mean, std=std, max_rate=max_rate, quantise=quantise)


def _through_nir(net):
    """``net`` written to a .nir file and read back (snn.nir): what another tool's export would hand snn."""
    import tempfile
    import nir
    from snn.nir import from_nir, to_nir
    with tempfile.TemporaryDirectory() as tmp:
        nir.write(Path(tmp) / "continual.nir", to_nir(net))
        return from_nir(Path(tmp) / "continual.nir", net.dt)


def deployed_accuracy(run_dir, data_dir, *, test_per_task=1000, duration=200.0, max_rate=DEFAULT_MAX_RATE,
                      quantise=True, seed=0, progress=True, via_nir=False):
    """Per-task test accuracy of the trained model and of its deployed variant in the engine, same images.
    ``via_nir``: also the deployed network after a round trip through a NIR file, same images and seeds."""
    model, cfg, done = load_run(run_dir)
    tasks = run_tasks(cfg, data_dir, test_per_task)
    mean, std = tasks[0].mean_std
    net = deployable_mlp(model, duration=duration, mean=mean, std=std, max_rate=max_rate, quantise=quantise)
    nets = dict(deployed=net, **({"nir": _through_nir(net)} if via_nir else {}))
    trained, acc = [], {k: [] for k in nets}
    for k in range(done):
        t = tasks[k]
        n = len(t.test_y)
        trained.append(evaluate(model, tasks, k, n))
        for name, m in nets.items():
            run = lambda x: engine_logits(m, np.clip(x * std + mean, 0.0, 1.0), duration,  # noqa: E731
                                          max_rate=max_rate, seed=seed + k)
            acc[name].append(evaluate(model, tasks, k, n, chunk=n, logits=run))
        if progress:
            print(f"task {k}: trained {trained[-1]:.4f}  " + "  ".join(f"{name} {a[-1]:.4f}" for name, a in
                                                                        acc.items()), flush=True)
    out = dict(run=Path(run_dir).name, method=cfg["method"], training=cfg["training"], tasks_done=done,
               test_per_task=min(len(t.test_y) for t in tasks), duration_ms=duration, max_rate=max_rate,
               quantised=quantise, seed=seed, trained_accuracy=trained, trained_mean=float(np.mean(trained)),
               synapses=int(sum(p.connector.conn_list.shape[0] for p in net.projections)))
    for name, a in acc.items():
        out.update({f"{name}_accuracy": a, f"{name}_mean": float(np.mean(a))})
    return out
