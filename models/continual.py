"""Continual learning of a spiking MLP: HLOP and baselines on the same footing (specs/hlop.md).

Methods: ``hlop`` (lateral subspace neurons + projected gradients), ``finetune`` (plain sequential SGD, the
code's ``-baseline``), ``ewc`` (diagonal-Fisher penalty, online merge; not in the authors' code, so its settings
are ours: the per-weight stiffness lambda F is capped at 1/lr, else the explicit SGD step diverges), ``replay`` (50 stored samples per class,
one replay epoch after each task >= 1 at lr 0.01, batch 50: the code's ``-baseline -replay``) and ``multitask``
(one joint pass over the union of all tasks' data: the upper bound, no sequence). Training methods: see
:mod:`snn.models.spiking_mlp`.

The loop (:func:`run_continual`) evaluates the accuracy matrix ``R[i, j]`` (test accuracy on task j after task i),
optionally evaluates every ``eval_every`` batches on a fixed test subset (continual evaluation, min-ACC), and
writes a checkpoint after every task so that a rerun resumes at the next task with identical results: every
random stream is derived from (seed, purpose, task, epoch), never from a stream that ran before.
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from snn.errors import SpecError, check_choice
from snn.io import read_npz, write_npz
from snn.metrics import continual_summary

from .hlop import HLOPLayer, pmnist_neuron_counts, scaled_neuron_counts
from .spiking_mlp import MASK_OFF, TRAININGS, SpikingMLP

METHODS = ("hlop", "finetune", "ewc", "replay", "multitask")


@dataclass(frozen=True)
class Task:
    """One task: training and test inputs (rows of flattened, normalised images, possibly shared between tasks),
    labels, an optional pixel permutation applied on the fly, the classes it uses (None: all, shared head;
    a tuple: task-incremental, the logits of other classes are masked) and the input normalisation."""
    name: str
    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    perm: np.ndarray | None = None
    classes: tuple | None = None
    mean_std: tuple = (0.0, 1.0)               # the normalisation x = (p - mean) / std of raw pixels p

    def pixels(self, x):
        """Raw intensities in [0, 1] of (permuted) inputs ``x``: what a rate-coded deployment is fed."""
        mean, std = self.mean_std
        return np.clip(self.inputs(x).astype(np.float64) * std + mean, 0.0, 1.0)

    def inputs(self, x):
        return x if self.perm is None else x[:, self.perm]


@dataclass(frozen=True)
class ContinualConfig:
    method: str = "hlop"
    training: str = "dsr"
    hidden: tuple = (800, 800)
    n_out: int = 10
    epochs: int = 1
    batch_size: int = 64
    lr: float = 0.1
    seed: int = 2022
    T: int | None = None                       # None: the training method's default (DSR 20, BPTT/OTTT 6)
    hlop_lr: tuple = (0.001, 0.01, 0.01)       # input layer, then hidden and head layers
    hlop_iterations: int = 5
    hlop_momentum: float = 0.9
    hlop_spiking_steps: int = 0                # > 0: quantised "spiking" lateral neurons over this many steps
    hlop_spiking_scale: float = 20.0           # their output range [-s, s] (the code's spiking_scale)
    hlop_orthonormalise: bool = False          # not in the code: orthonormal fixed rows at each merge
    hlop_counts: tuple | None = None           # per task, per layer; None: PMNIST's schedule (scaled to widths)
    ewc_lambda: float = 10000.0                # chosen on a 3-task subsample (docs/hlop.md), not tuned
    ewc_samples: int = 1024
    replay_per_class: int = 50
    replay_lr: float = 0.01
    replay_batch: int = 50
    replay_epochs: int = 1
    eval_every: int = 0                        # continual evaluation every k batches (0: off)
    eval_subset: int = 500                     # test samples per task for continual evaluation
    extra: dict = field(default_factory=dict)  # recorded verbatim (benchmark name, subsampling, ...)

    def validate(self, n_tasks):
        check_choice("method", self.method, METHODS)
        check_choice("training", self.training, TRAININGS)
        for name in ("epochs", "batch_size", "hlop_iterations", "replay_batch", "eval_subset"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise SpecError(f"{name}={v!r} must be an integer >= 1")
        for name in ("lr", "replay_lr"):
            if not float(getattr(self, name)) > 0:
                raise SpecError(f"{name}={getattr(self, name)!r} must be > 0")
        if isinstance(self.hlop_spiking_steps, bool) or not isinstance(self.hlop_spiking_steps, (int, np.integer)) \
                or self.hlop_spiking_steps < 0 or not float(self.hlop_spiking_scale) > 0:
            raise SpecError(f"hlop_spiking_steps={self.hlop_spiking_steps!r} must be an integer >= 0 (0: off) and "
                            f"hlop_spiking_scale={self.hlop_spiking_scale!r} > 0")
        if self.eval_every < 0 or self.ewc_lambda < 0 or self.replay_per_class < 0 or self.replay_epochs < 0:
            raise SpecError("eval_every, ewc_lambda, replay_per_class and replay_epochs must be >= 0")
        if len(self.hlop_lr) != len(self.hidden) + 1:
            raise SpecError(f"hlop_lr={self.hlop_lr!r} needs one rate per weight layer ({len(self.hidden) + 1})")
        if self.hlop_counts is not None and (len(self.hlop_counts) < n_tasks or
                                             any(len(c) != len(self.hidden) + 1 for c in self.hlop_counts)):
            raise SpecError(f"hlop_counts needs {n_tasks} rows (one per task) of {len(self.hidden) + 1} counts")

    def to_json(self):
        return json.dumps(asdict(self), sort_keys=True, default=list)


def neuron_counts(config, n_in, n_tasks):
    """Subspace neurons added per task and layer: explicit ``hlop_counts``, PMNIST's schedule for the paper's
    784-800-800 widths, else that schedule scaled to the widths."""
    if config.hlop_counts is not None:
        return [tuple(int(c) for c in row) for row in config.hlop_counts[:n_tasks]]
    dims = (n_in, *config.hidden)
    if dims == (784, 800, 800):
        return pmnist_neuron_counts(n_tasks)
    return scaled_neuron_counts(n_tasks, dims)


def _mask_rows(tasks, task_ids, n_out):
    """Logit masks (B x n_out) for samples of the given tasks, or None when every task uses the shared head."""
    if all(t.classes is None for t in tasks):
        return None
    m = np.zeros((len(task_ids), n_out), np.float64)
    for k in np.unique(task_ids):
        cls = tasks[k].classes
        if cls is not None:
            row = np.full(n_out, MASK_OFF)
            row[list(cls)] = 0.0
            m[task_ids == k] = row
    return m


def gather(tasks, task_ids, idx, n_out, split="train"):
    """Inputs, labels and logit masks of samples (task_ids[i], idx[i]), each through its own task's permutation."""
    task_ids, idx = np.asarray(task_ids), np.asarray(idx)
    x = np.empty((len(idx), tasks[0].train_x.shape[1]), tasks[0].train_x.dtype)
    y = np.empty(len(idx), np.int64)
    for k in np.unique(task_ids):
        sel = task_ids == k
        t = tasks[k]
        src_x, src_y = (t.train_x, t.train_y) if split == "train" else (t.test_x, t.test_y)
        x[sel] = t.inputs(src_x[idx[sel]])
        y[sel] = src_y[idx[sel]]
    return x, y, _mask_rows(tasks, task_ids, n_out)


def evaluate(model, tasks, k, n=None, chunk=1000, logits=None):
    """Test accuracy of ``model`` on task ``k`` (the first ``n`` test samples, default all). ``logits``: another
    way to compute the outputs of inputs ``x`` (e.g. the deployed network in the engine); default ``model.logits``."""
    t = tasks[k]
    n = len(t.test_y) if n is None else min(n, len(t.test_y))
    correct = 0
    for a in range(0, n, chunk):
        idx = np.arange(a, min(a + chunk, n))
        x, y, mask = gather(tasks, np.full(len(idx), k), idx, model.sizes[-1], "test")
        z = (model.logits if logits is None else logits)(x).astype(np.float64)
        if mask is not None:
            z = z + mask
        correct += int(np.sum(np.argmax(z, axis=1) == y))
    return correct / max(n, 1)


class ContinualLearner:
    """The model plus the state a method carries between tasks (HLOP layers, EWC Fisher, replay memory)."""

    def __init__(self, config, tasks):
        self.cfg, self.tasks = config, tasks
        n_in = tasks[0].train_x.shape[1]
        self.model = SpikingMLP((n_in, *config.hidden, config.n_out), config.training, seed=config.seed,
                                T=config.T)
        n_layers = len(self.model.weights)
        self.hlop = []
        if config.method == "hlop":
            self.counts = neuron_counts(config, n_in, len(tasks))
            spiking = (config.hlop_spiking_scale, config.hlop_spiking_steps) if config.hlop_spiking_steps else None
            self.hlop = [HLOPLayer(W.shape[1], lr, momentum=config.hlop_momentum,
                                   iterations=config.hlop_iterations, spiking=spiking, dtype=self.model.dtype)
                         for W, lr in zip(self.model.weights, config.hlop_lr)]
        self.fisher = [np.zeros_like(W) for W in self.model.weights] if config.method == "ewc" else None
        self.anchor = [W.copy() for W in self.model.weights] if config.method == "ewc" else None
        self.memory = np.zeros((0, 2), np.int64)       # (task, index) rows
        self.n_layers = n_layers

    # -- one batch ----------------------------------------------------------------------------------------------
    def step(self, task_ids, idx, *, lr, train_vth, project, update_hlop, ewc):
        x, y, mask = gather(self.tasks, task_ids, idx, self.cfg.n_out)
        spiking = project and self.cfg.hlop_spiking_steps > 0      # nonlinear: project the activity itself
        loss, grads, dvth, acts = self.model.gradients(
            x, y, mask, project=[h.project_activity for h in self.hlop] if spiking else None)
        if project and not spiking:                                # linear: the same, cheaper, on the gradient
            grads = [h.project_gradient(G) for h, G in zip(self.hlop, grads)]
        if update_hlop:
            for call in acts:
                for h, a in zip(self.hlop, call):
                    h.update(a)
        if ewc:   # lambda F (W - A), with the stiffness lambda F capped at 1/lr so the explicit step is stable
            cap = 1.0 / lr
            grads = [G + np.minimum(self.cfg.ewc_lambda * F, cap) * (W - A)
                     for G, F, W, A in zip(grads, self.fisher, self.model.weights, self.anchor)]
        self.model.sgd_step(grads, lr, dvth if train_vth else None)
        return loss

    # -- per-task bookkeeping -----------------------------------------------------------------------------------
    def ewc_consolidate(self, k):
        """Diagonal Fisher from batch gradients on ``ewc_samples`` samples of task k (B * G^2 averaged over
        samples), merged with the old one as (F_new + k F_old) / (k + 1); the anchor moves to the current
        weights."""
        cfg, t = self.cfg, self.tasks[k]
        rng = np.random.default_rng([cfg.seed, 5, k])
        idx = rng.permutation(len(t.train_y))[:cfg.ewc_samples]
        new = [np.zeros_like(W, dtype=np.float64) for W in self.model.weights]
        for a in range(0, len(idx), cfg.batch_size):
            b = idx[a:a + cfg.batch_size]
            x, y, mask = gather(self.tasks, np.full(len(b), k), b, cfg.n_out)
            _, grads, _, _ = self.model.gradients(x, y, mask)
            for F, G in zip(new, grads):
                F += len(b) * G.astype(np.float64) ** 2
        self.fisher = [((Fn / len(idx)) + k * Fo) / (k + 1) for Fn, Fo in zip(new, self.fisher)]
        self.fisher = [F.astype(self.model.dtype) for F in self.fisher]
        self.anchor = [W.copy() for W in self.model.weights]

    def remember(self, k):
        """Store ``replay_per_class`` random training samples of every class of task k."""
        t = self.tasks[k]
        rng = np.random.default_rng([self.cfg.seed, 3, k])
        rows = []
        for c in np.unique(t.train_y):
            pool = np.flatnonzero(t.train_y == c)
            pick = np.sort(rng.permutation(pool)[:self.cfg.replay_per_class])
            rows.append(np.stack([np.full(len(pick), k), pick], axis=1))
        self.memory = np.vstack([self.memory, *rows]).astype(np.int64)

    def replay(self, k):
        cfg = self.cfg
        for e in range(cfg.replay_epochs):
            order = np.random.default_rng([cfg.seed, 4, k, e]).permutation(len(self.memory))
            for a in range(0, len(order), cfg.replay_batch):
                rows = self.memory[order[a:a + cfg.replay_batch]]
                self.step(rows[:, 0], rows[:, 1], lr=cfg.replay_lr, train_vth=False, project=False,
                          update_hlop=False, ewc=False)

    # -- checkpoint ---------------------------------------------------------------------------------------------
    def state(self):
        out = dict(self.model.state())
        for l, h in enumerate(self.hlop):
            out.update(h.state(f"hlop{l}_"))
        if self.fisher is not None:
            out.update({f"fisher{l}": F for l, F in enumerate(self.fisher)})
            out.update({f"anchor{l}": A for l, A in enumerate(self.anchor)})
        out["memory"] = self.memory
        return out

    def load_state(self, arrays):
        self.model.load_state(arrays)
        for l, h in enumerate(self.hlop):
            h.load_state(arrays, f"hlop{l}_")
        if self.fisher is not None:
            self.fisher = [arrays[f"fisher{l}"] for l in range(self.n_layers)]
            self.anchor = [arrays[f"anchor{l}"] for l in range(self.n_layers)]
        self.memory = arrays["memory"].astype(np.int64)


def _phases(cfg, tasks):
    """Training phases: one per task, or a single joint phase for multitask."""
    if cfg.method == "multitask":
        return [list(range(len(tasks)))]
    return [[k] for k in range(len(tasks))]


def run_continual(tasks, config, *, checkpoint=None, stop_after=None, progress=False):
    """Train on ``tasks`` in order and return the results (accuracy matrix, ACC, BWT, continual-evaluation
    curves, min-ACC, final arrays). With ``checkpoint`` (an .npz path) the state after each task is written
    atomically, and an existing checkpoint of the same configuration is resumed at the next task.
    ``stop_after=k`` returns after task k (as an interruption would)."""
    cfg = config
    n = len(tasks)
    cfg.validate(n)
    learner = ContinualLearner(cfg, tasks)
    phases = _phases(cfg, tasks)
    R = np.full((len(phases), n), np.nan)
    curve_steps, curve_acc = [], []
    done, step, wall = 0, 0, 0.0
    ckpt = Path(checkpoint) if checkpoint is not None else None
    if ckpt is not None and ckpt.exists():
        arrays = read_npz(ckpt)
        if str(arrays["config_json"]) != cfg.to_json():
            raise SpecError(f"checkpoint {ckpt} was written by another configuration; use another output "
                            f"folder or delete it")
        learner.load_state(arrays)
        R = arrays["R"]
        curve_steps = list(arrays["curve_steps"])
        curve_acc = list(arrays["curve_acc"])
        done, step, wall = int(arrays["phases_done"]), int(arrays["step"]), float(arrays["wall_seconds"])
        print(f"resuming from {ckpt}: {done} of {len(phases)} tasks already trained", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    for p in range(done, len(phases)):
        ks = phases[p]
        k = ks[-1]
        multi = len(ks) > 1
        if cfg.method == "hlop":
            rng = np.random.default_rng([cfg.seed, 2, k])
            for h, c in zip(learner.hlop, learner.counts[k]):
                h.add_neurons(c, rng)
        pool = np.concatenate([np.stack([np.full(len(tasks[j].train_y), j), np.arange(len(tasks[j].train_y))],
                                        axis=1) for j in ks])
        n_batches = -(-len(pool) // cfg.batch_size) * cfg.epochs
        bar = _bar(progress, n_batches, f"{cfg.method} task {k}" if not multi else f"{cfg.method} joint")
        for e in range(cfg.epochs):
            order = np.random.default_rng([cfg.seed, 1, k, e, int(multi)]).permutation(len(pool))
            for a in range(0, len(order), cfg.batch_size):
                rows = pool[order[a:a + cfg.batch_size]]
                learner.step(rows[:, 0], rows[:, 1], lr=cfg.lr, train_vth=(p == 0),
                             project=(cfg.method == "hlop" and p > 0), update_hlop=(cfg.method == "hlop"),
                             ewc=(cfg.method == "ewc" and p > 0))
                step += 1
                if bar is not None:
                    bar.update(1)
                if cfg.eval_every and step % cfg.eval_every == 0:
                    acc = np.full(n, np.nan)
                    for j in range(k + 1):
                        acc[j] = evaluate(learner.model, tasks, j, cfg.eval_subset)
                    curve_steps.append(step)
                    curve_acc.append(acc)
        if bar is not None:
            bar.close()
        if cfg.method == "replay":
            learner.remember(k)
            if p > 0:
                learner.replay(k)
        for j in range(k + 1):
            R[p, j] = evaluate(learner.model, tasks, j)
        if cfg.method == "hlop":
            for h in learner.hlop:
                h.merge(cfg.hlop_orthonormalise)
        if cfg.method == "ewc":
            learner.ewc_consolidate(k)
        if ckpt is not None:
            write_npz(ckpt, **learner.state(), R=R, curve_steps=np.asarray(curve_steps, np.int64),
                      curve_acc=np.asarray(curve_acc, np.float64).reshape(-1, n), phases_done=np.int64(p + 1),
                      step=np.int64(step), wall_seconds=np.float64(wall + time.perf_counter() - t0),
                      config_json=np.asarray(cfg.to_json()))
        if stop_after is not None and p >= stop_after and p < len(phases) - 1:
            return None
    wall += time.perf_counter() - t0
    # task boundaries in global batch steps (needed by min-ACC): phase p ends after (p+1) * its batches
    sizes = [-(-sum(len(tasks[j].train_y) for j in ks) // cfg.batch_size) * cfg.epochs for ks in phases]
    task_end_steps = list(np.cumsum(sizes))
    curve_acc_arr = np.asarray(curve_acc, np.float64).reshape(-1, n)
    summary = continual_summary(R, np.asarray(curve_steps, np.int64), curve_acc_arr, task_end_steps,
                                joint=cfg.method == "multitask")
    return {**summary, "curve_steps": np.asarray(curve_steps, np.int64), "curve_acc": curve_acc_arr,
            "task_end_steps": task_end_steps, "wall_seconds": wall, "state": learner.state(),
            "hlop_neurons": [h.n_neurons for h in learner.hlop]}


def _bar(progress, total, desc):
    if not progress:
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="batch", leave=False)
