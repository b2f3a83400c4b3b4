"""MNIST, Fashion-MNIST and scikit-learn's 8x8 digits as train / validation / test splits.

The default MNIST split is NALSM's (``specs/nalsm.md`` section 4, ``DATASET_SEED = -1``): train = training images
0-49,999, validation = training images 50,000-59,999 (unshuffled), test = the official 10,000 test images.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError, SpecError, check_choice
from .idx import find_idx_file, read_idx_pair

# folder names a data directory may hold, per dataset
DATASET_FOLDERS = {
    "mnist": ("mnist",),
    "fashion-mnist": ("fashion-mnist", "fashion_mnist", "fmnist"),
    "nmnist": ("nmnist", "n-mnist", "NMNIST"),
}
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


@dataclass(frozen=True)
class Split:
    """One split: ``images`` (n, H, W) uint8 and ``labels`` (n,) uint8 (views into the loaded arrays)."""
    images: np.ndarray
    labels: np.ndarray

    def __len__(self):
        return len(self.labels)


@dataclass(frozen=True)
class DatasetSplits:
    """Train / validation / test splits of one dataset, with where they came from."""
    name: str
    train: Split
    val: Split
    test: Split
    source: str = ""          # folder the files were read from ("" for embedded data)
    n_classes: int = 10

    def get(self, split: str) -> Split:
        """The split named ``"train"``, ``"val"`` or ``"test"``."""
        return getattr(self, check_choice("split", split, ("train", "val", "test")))

    def sizes(self) -> dict:
        return {"train": len(self.train), "val": len(self.val), "test": len(self.test)}


def _has_idx(folder: Path) -> bool:
    try:
        find_idx_file(folder, "train-images-idx3-ubyte")
        return True
    except DataError:
        return False


def resolve_dataset_dir(data_dir, name: str) -> Path:
    """The folder holding dataset ``name``: ``data_dir/<name>/`` if it exists, else ``data_dir`` itself.

    ``data_dir`` may be the parent folder (holding ``mnist/``, ``fashion-mnist/``, ``nmnist/``) or the dataset
    folder itself. A folder named after another known dataset is refused, so MNIST is never read as Fashion-MNIST.
    """
    check_choice("dataset", name, tuple(DATASET_FOLDERS))
    if data_dir is None:
        raise DataError(f"no data directory given for {name}; pass the folder that holds {name}/ (--data-dir)")
    root = Path(data_dir)
    if not root.is_dir():
        raise DataError(f"data directory {root} does not exist (expected a folder holding {name}/)")
    for sub in DATASET_FOLDERS[name]:
        if (root / sub).is_dir():
            return root / sub
    others = {s.lower() for k, v in DATASET_FOLDERS.items() if k != name for s in v}
    if root.name.lower() in others:
        raise DataError(f"{root} looks like another dataset's folder, not {name}; pass the folder holding {name}/")
    if name == "nmnist":
        if (root / "Train").is_dir() or (root / "Test").is_dir():
            return root
        expected = "nmnist/Train/<label>/<id>.bin or Train/<label>/<id>.bin"
    else:
        if _has_idx(root):
            return root
        expected = f"{DATASET_FOLDERS[name][0]}/train-images-idx3-ubyte.gz or train-images-idx3-ubyte[.gz] itself"
    raise DataError(f"no {name} data in {root}: expected {expected} there")


def _check_count(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise SpecError(f"{name}={value!r} must be None (all) or an integer >= 0")
    return int(value)


def _first(split: Split, n) -> Split:
    return split if n is None else Split(split.images[:n], split.labels[:n])


def _load_idx_dataset(name, data_dir, val_size, n_train, n_val, n_test) -> DatasetSplits:
    folder = resolve_dataset_dir(data_dir, name)
    n_train, n_val, n_test = (_check_count(k, v) for k, v in
                              (("n_train", n_train), ("n_val", n_val), ("n_test", n_test)))
    val_size = _check_count("val_size", val_size)
    tr_x, tr_y = read_idx_pair(folder, "train")
    te_x, te_y = read_idx_pair(folder, "t10k")
    if val_size > len(tr_y):
        raise SpecError(f"val_size={val_size} is larger than the {len(tr_y)} training images in {folder}")
    cut = len(tr_y) - val_size
    train = Split(tr_x[:cut], tr_y[:cut])
    val = Split(tr_x[cut:], tr_y[cut:])
    test = Split(te_x, te_y)
    return DatasetSplits(name, _first(train, n_train), _first(val, n_val), _first(test, n_test), str(folder))


def load_mnist(data_dir, *, val_size=10_000, n_train=None, n_val=None, n_test=None) -> DatasetSplits:
    """MNIST from ``data_dir`` (the folder holding ``mnist/``, or ``mnist/`` itself).

    The last ``val_size`` training images form the validation split (default 10,000: NALSM's 50k/10k/10k;
    ``val_size=0`` keeps all 60,000 for training). ``n_train``, ``n_val``, ``n_test`` then keep the first N
    samples of each split (None = all). Images are uint8 (n, 28, 28), labels uint8 (n,).
    """
    return _load_idx_dataset("mnist", data_dir, val_size, n_train, n_val, n_test)


def load_fashion_mnist(data_dir, *, val_size=10_000, n_train=None, n_val=None, n_test=None) -> DatasetSplits:
    """Fashion-MNIST from ``data_dir`` (the folder holding ``fashion-mnist/``, or that folder itself).

    Same splits and options as :func:`load_mnist`; class names are in :data:`FASHION_CLASSES`.
    """
    return _load_idx_dataset("fashion-mnist", data_dir, val_size, n_train, n_val, n_test)


def load_digits(*, seed=0, val_fraction=0.2, test_fraction=0.2,
                n_train=None, n_val=None, n_test=None) -> DatasetSplits:
    """scikit-learn's bundled 8x8 digits (1,797 images; no files needed), split deterministically by ``seed``.

    Images are uint8 (n, 8, 8) holding the original integer values 0..16 unchanged (no rescaling: the NALSM rate
    code divides each image by its own sum, so the scale cancels). The samples are shuffled with
    ``np.random.default_rng(seed).permutation(n)``; the first ``round(test_fraction*n)`` go to test, the next
    ``round(val_fraction*n)`` to validation, the rest to train. ``n_*`` then keep the first N of each split.
    """
    from sklearn.datasets import load_digits as _sk_load_digits

    for k, v in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) or not 0 <= v < 1:
            raise SpecError(f"{k}={v!r} must be in [0, 1)")
    if val_fraction + test_fraction >= 1:
        raise SpecError(f"val_fraction + test_fraction = {val_fraction + test_fraction} must be < 1")
    if seed is None or isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SpecError(f"seed={seed!r} must be an integer >= 0 (seeds are explicit)")
    n_train, n_val, n_test = (_check_count(k, v) for k, v in
                              (("n_train", n_train), ("n_val", n_val), ("n_test", n_test)))
    d = _sk_load_digits()
    images = d.images.astype(np.uint8)            # values are integers 0..16 stored as float64
    labels = d.target.astype(np.uint8)
    n = len(labels)
    order = np.random.default_rng(seed).permutation(n)
    n_te = int(round(test_fraction * n))
    n_va = int(round(val_fraction * n))
    te, va, tr = order[:n_te], order[n_te:n_te + n_va], order[n_te + n_va:]
    mk = lambda idx, m: _first(Split(images[idx], labels[idx]), m)  # noqa: E731
    return DatasetSplits("digits", mk(tr, n_train), mk(va, n_val), mk(te, n_test), "")
