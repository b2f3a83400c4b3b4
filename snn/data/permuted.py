"""Continual-learning task streams: permuted MNIST and split (class-incremental) MNIST.

Permutation of task k with seed s: ``np.random.default_rng([s, k]).permutation(n_pixels)``. Seeding with the pair
(a numpy SeedSequence) keeps every (seed, task) stream distinct; ``seed + k`` would make seed 0 / task 1 equal to
seed 1 / task 0. With ``identity_first=True`` task 0 is the unpermuted dataset (a common convention) and tasks
k >= 1 keep the permutations above, so switching the option does not change the other tasks.
"""
from __future__ import annotations

import numpy as np

from ..errors import SpecError
from ..validate import check_int


def task_permutation(task, seed, *, n_pixels=784, identity_first=False) -> np.ndarray:
    """The pixel permutation (int64 array of length ``n_pixels``) of task ``task``."""
    task = check_int("task", task, 0)
    seed = check_int("seed", seed, 0)
    n_pixels = check_int("n_pixels", n_pixels, 1)
    if identity_first and task == 0:
        return np.arange(n_pixels, dtype=np.int64)
    return np.random.default_rng([seed, task]).permutation(n_pixels).astype(np.int64)


def task_permutations(n_tasks, seed, *, n_pixels=784, identity_first=False) -> np.ndarray:
    """(n_tasks, n_pixels) array whose row k is :func:`task_permutation` (k, seed)."""
    n_tasks = check_int("n_tasks", n_tasks, 1)
    return np.stack([task_permutation(k, seed, n_pixels=n_pixels, identity_first=identity_first)
                     for k in range(n_tasks)])


def permute_images(images, perm) -> np.ndarray:
    """Apply ``perm`` to the flattened (row-major) pixels of each image; the result keeps the input shape.

    Output pixel i is input pixel ``perm[i]``.
    """
    images = np.asarray(images)
    perm = np.asarray(perm)
    flat = images.reshape(len(images), -1)
    if perm.shape != (flat.shape[1],) or not np.array_equal(np.sort(perm), np.arange(flat.shape[1])):
        raise SpecError(f"perm must be a permutation of 0..{flat.shape[1] - 1} (got shape {perm.shape})")
    return flat[:, perm].reshape(images.shape)


def split_task_classes(n_classes=10, classes_per_task=2) -> tuple:
    """Class groups of split MNIST: ((0, 1), (2, 3), ...) for the defaults."""
    n_classes = check_int("n_classes", n_classes, 1)
    classes_per_task = check_int("classes_per_task", classes_per_task, 1)
    if n_classes % classes_per_task:
        raise SpecError(f"classes_per_task={classes_per_task} must divide n_classes={n_classes}")
    return tuple(tuple(range(i, i + classes_per_task)) for i in range(0, n_classes, classes_per_task))


def split_task_indices(labels, task_classes=None) -> list:
    """For each class group (default :func:`split_task_classes`), the sorted indices of samples in that group."""
    labels = np.asarray(labels)
    if task_classes is None:
        task_classes = split_task_classes()
    seen = [c for group in task_classes for c in group]
    if len(seen) != len(set(seen)):
        raise SpecError(f"task_classes={task_classes!r} lists a class in more than one task")
    return [np.flatnonzero(np.isin(labels, list(group))) for group in task_classes]
