"""MNIST and Fashion-MNIST on the real shared files; digits from scikit-learn.

Expected numbers come from the data README (label histograms, sizes) or are computed in the test from the raw gzip
bytes (sample i of an image file is bytes 16 + 784*i .. 16 + 784*(i+1) of the decompressed stream).
"""
import gzip
import hashlib

import numpy as np
import pytest

from snn.data import load_digits, load_fashion_mnist, load_mnist
from snn.errors import SpecError

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]

# (file prefix, index, label, pixel sum, sha256[:16] of the 784 pixel bytes); from the raw gzip streams
MNIST_SAMPLES = [
    ("train", 0, 5, 27525, "23ceaef5eb61f0e7"),
    ("train", 49999, 8, 26846, "69f5f3f59f5f67a0"),
    ("train", 50000, 3, 22386, "ad3857e35c073a57"),
    ("train", 59999, 8, 20920, "a4d26ec9c55ad383"),
    ("t10k", 0, 7, 18454, "8f6a418c9a639f9e"),
    ("t10k", 9999, 6, 41833, "bdf9356b0cf6b1ae"),
]
FASHION_SAMPLES = [
    ("train", 0, 9, 76247, "5bd44e331a6d6998"),
    ("train", 50000, 9, 50221, "cf207a4e1354fb37"),
    ("t10k", 1, 2, 100994, "25138519f4c25d3d"),
]


@pytest.fixture(scope="module")
def mnist(data_dir):
    return load_mnist(data_dir)


@pytest.fixture(scope="module")
def fashion(data_dir):
    return load_fashion_mnist(data_dir / "fashion-mnist")   # the dataset folder itself is accepted too


def sample_at(ds, prefix, i):
    """Image and label at index i of the official train / t10k files, through the 50k/10k/10k split."""
    if prefix == "t10k":
        return ds.test.images[i], ds.test.labels[i]
    if i < 50000:
        return ds.train.images[i], ds.train.labels[i]
    return ds.val.images[i - 50000], ds.val.labels[i - 50000]


def test_mnist_shapes_dtypes_and_split_sizes(mnist):
    assert mnist.sizes() == {"train": 50000, "val": 10000, "test": 10000}
    for s in (mnist.train, mnist.val, mnist.test):
        assert s.images.dtype == np.uint8 and s.labels.dtype == np.uint8
        assert s.images.shape == (len(s), 28, 28) and s.labels.shape == (len(s),)
    assert mnist.train.images.max() == 255 and mnist.train.images.min() == 0


def test_mnist_label_histograms_match_readme(mnist):
    train = np.concatenate([mnist.train.labels, mnist.val.labels])
    assert np.bincount(train, minlength=10).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(mnist.test.labels, minlength=10).tolist() == MNIST_TEST_COUNTS


@pytest.mark.parametrize("prefix,i,label,total,sha", MNIST_SAMPLES)
def test_mnist_samples_match_known_checksums(mnist, prefix, i, label, total, sha):
    img, lab = sample_at(mnist, prefix, i)
    assert lab == label
    assert int(img.sum(dtype=np.int64)) == total
    assert hashlib.sha256(img.tobytes()).hexdigest()[:16] == sha


@pytest.mark.parametrize("prefix,i", [("train", 1), ("train", 31337), ("train", 55555), ("t10k", 4242)])
def test_mnist_samples_match_raw_gzip_bytes(mnist, data_dir, prefix, i):
    with gzip.open(data_dir / "mnist" / f"{prefix}-images-idx3-ubyte.gz") as f:
        f.seek(16 + 784 * i)
        raw = f.read(784)
    with gzip.open(data_dir / "mnist" / f"{prefix}-labels-idx1-ubyte.gz") as f:
        f.seek(8 + i)
        raw_label = f.read(1)[0]
    img, lab = sample_at(mnist, prefix, i)
    assert img.tobytes() == raw                    # row-major 28x28
    assert lab == raw_label


def test_mnist_first_labels(mnist):
    assert mnist.train.labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.test.labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_fashion_shapes_and_balanced_classes(fashion):
    assert fashion.sizes() == {"train": 50000, "val": 10000, "test": 10000}
    train = np.concatenate([fashion.train.labels, fashion.val.labels])
    assert np.bincount(train, minlength=10).tolist() == [6000] * 10
    assert np.bincount(fashion.test.labels, minlength=10).tolist() == [1000] * 10
    assert fashion.train.images.dtype == np.uint8 and fashion.train.images.shape == (50000, 28, 28)


@pytest.mark.parametrize("prefix,i,label,total,sha", FASHION_SAMPLES)
def test_fashion_samples_match_known_checksums(fashion, prefix, i, label, total, sha):
    img, lab = sample_at(fashion, prefix, i)
    assert lab == label
    assert int(img.sum(dtype=np.int64)) == total
    assert hashlib.sha256(img.tobytes()).hexdigest()[:16] == sha


def test_split_options(data_dir, mnist):
    full = load_mnist(data_dir, val_size=0)
    assert full.sizes() == {"train": 60000, "val": 0, "test": 10000}
    np.testing.assert_array_equal(full.train.images[50000:], mnist.val.images)
    small = load_mnist(data_dir / "mnist", n_train=100, n_val=20, n_test=30)
    assert small.sizes() == {"train": 100, "val": 20, "test": 30}
    np.testing.assert_array_equal(small.val.images, mnist.val.images[:20])
    np.testing.assert_array_equal(small.test.labels, mnist.test.labels[:30])
    assert small.get("val") is small.val
    with pytest.raises(SpecError, match="split='valid' is not allowed"):
        small.get("valid")
    with pytest.raises(SpecError, match="n_train=-1"):
        load_mnist(data_dir, n_train=-1)
    with pytest.raises(SpecError, match="val_size=70000 is larger than the 60000"):
        load_mnist(data_dir, val_size=70000)


def test_digits_split_is_deterministic_and_disjoint():
    a = load_digits(seed=3)
    b = load_digits(seed=3)
    c = load_digits(seed=4)
    assert a.sizes() == {"train": 1079, "val": 359, "test": 359}    # 1797 = 359 + 359 + 1079
    for s in ("train", "val", "test"):
        np.testing.assert_array_equal(a.get(s).images, b.get(s).images)
    assert not np.array_equal(a.test.labels, c.test.labels)
    imgs = np.concatenate([a.train.images, a.val.images, a.test.images]).reshape(-1, 64)
    from sklearn.datasets import load_digits as sk
    ref = sk().images.reshape(-1, 64)
    # every original image appears exactly once across the three splits (a permutation, no duplicates lost)
    key = lambda m: sorted(map(bytes, m.astype(np.uint8)))  # noqa: E731
    assert key(imgs) == key(ref)
    assert a.train.images.dtype == np.uint8 and a.train.images.shape[1:] == (8, 8)
    assert a.train.images.max() == 16 and a.train.images.min() == 0
    assert load_digits(seed=0, n_train=10).sizes()["train"] == 10
    with pytest.raises(SpecError, match="seed=None"):
        load_digits(seed=None)
