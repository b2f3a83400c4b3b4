"""Continual-learning metrics on an accuracy matrix ``R[i, j]`` (test accuracy on task j after training task i).

- ACC = mean_j R[T-1, j]; BWT = mean_{j < T-1} (R[T-1, j] - R[j, j]) (GEM, Lopez-Paz & Ranzato 2017).
- min-ACC (De Lange et al., ICLR 2023): with evaluations every few iterations, the lowest accuracy on task i over
  all evaluations made after task i finished; averaged over tasks 0..T-2.
"""
from __future__ import annotations

import numpy as np

from .errors import SpecError


def _check_R(R):
    R = np.asarray(R, np.float64)
    if R.ndim != 2 or R.shape[0] < 1 or R.shape[1] < R.shape[0]:
        raise SpecError(f"accuracy matrix must be 2-D with at least as many columns as rows (got {R.shape})")
    return R


def average_accuracy(R):
    """ACC: mean accuracy over all tasks after the last task."""
    return float(np.mean(_check_R(R)[-1]))


def backward_transfer(R):
    """BWT: mean change of each earlier task's accuracy from right after learning it to the end (None for 1)."""
    R = _check_R(R)
    T = R.shape[0]
    if T < 2:
        return None
    return float(np.mean([R[T - 1, j] - R[j, j] for j in range(T - 1)]))


def min_accuracies(curve_steps, curve_acc, task_end_steps):
    """Per task i < T-1: the minimum of ``curve_acc[:, i]`` over evaluations at steps after ``task_end_steps[i]``
    (NaN where no evaluation falls there)."""
    steps = np.asarray(curve_steps)
    acc = np.asarray(curve_acc, np.float64)
    out = []
    for i, end in enumerate(task_end_steps[:-1]):
        sel = (steps > end) & ~np.isnan(acc[:, i]) if len(steps) else np.zeros(0, bool)
        out.append(float(acc[sel, i].min()) if np.any(sel) else float("nan"))
    return out


def continual_summary(R, curve_steps, curve_acc, task_end_steps, *, joint=False):
    """ACC, BWT, per-task and mean min-ACC as a dict (None where undefined: BWT and min-ACC of joint training,
    min-ACC without continual evaluation)."""
    R = _check_R(R)
    mins = [] if joint else min_accuracies(curve_steps, curve_acc, task_end_steps)
    finite = [m for m in mins if m == m]
    return {
        "accuracy_matrix": R,
        "acc": average_accuracy(R),
        "bwt": None if joint else backward_transfer(R),
        "min_acc_per_task": [None if m != m else m for m in mins],
        "min_acc": float(np.mean(finite)) if finite else None,
    }
