"""Permuted-MNIST permutations and split-MNIST class groups."""
import numpy as np
import pytest

from snn.data import permute_images, split_task_classes, split_task_indices, task_permutation, task_permutations
from snn.errors import SpecError


def test_permutations_valid_fixed_and_distinct():
    perms = task_permutations(5, seed=11)
    assert perms.shape == (5, 784)
    for row in perms:
        assert np.array_equal(np.sort(row), np.arange(784))
    np.testing.assert_array_equal(perms, task_permutations(5, seed=11))
    np.testing.assert_array_equal(perms[3], task_permutation(3, 11))
    assert len({r.tobytes() for r in perms}) == 5                     # tasks differ
    assert not np.array_equal(perms[0], np.arange(784))              # task 0 permuted by default
    assert not np.array_equal(task_permutation(1, 0), task_permutation(0, 1))   # no seed+k collisions
    assert not np.array_equal(perms, task_permutations(5, seed=12))
    ident = task_permutations(3, seed=11, identity_first=True)
    np.testing.assert_array_equal(ident[0], np.arange(784))
    np.testing.assert_array_equal(ident[1:], perms[1:3])             # other tasks unchanged by the option


def test_permute_images():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, (4, 28, 28)).astype(np.uint8)
    perm = task_permutation(1, 5)
    y = permute_images(x, perm)
    assert y.shape == x.shape and y.dtype == x.dtype
    np.testing.assert_array_equal(y.reshape(4, -1)[:, 10], x.reshape(4, -1)[:, perm[10]])
    inv = np.argsort(perm)
    np.testing.assert_array_equal(permute_images(y, inv), x)
    with pytest.raises(SpecError, match="must be a permutation"):
        permute_images(x, np.zeros(784, int))


def test_split_mnist_tasks():
    assert split_task_classes() == ((0, 1), (2, 3), (4, 5), (6, 7), (8, 9))
    assert split_task_classes(10, 5) == ((0, 1, 2, 3, 4), (5, 6, 7, 8, 9))
    labels = np.array([3, 0, 1, 9, 2, 8, 3, 5])
    idx = split_task_indices(labels)
    assert [i.tolist() for i in idx] == [[1, 2], [0, 4, 6], [7], [], [3, 5]]
    with pytest.raises(SpecError, match="must divide"):
        split_task_classes(10, 3)
    with pytest.raises(SpecError, match="more than one task"):
        split_task_indices(labels, ((0, 1), (1, 2)))
