"""Dataset adapters of ``snn nalsm``: image splits as NALSM rate codes (``_Images``), N-MNIST as 1 ms event frames
(``_Events``), and ``load(cfg)`` that picks one by ``cfg['dataset']``."""
import numpy as np

from snn.errors import DataError, SpecError, check_choice
from snn.models.nalsm import FEATURE_MS

from .nalsm_config import DATASETS, TEST_SCALES
from .nalsm_quality import KQ_PIXEL_SIGMA, KQ_SHIFT_MS


def _cube(n):
    d = int(round(n ** (1 / 3)))
    if d ** 3 != n:
        raise SpecError(f"neurons={n} must be a cube (d*d*d: 1000 = 10^3, 8000 = 20^3) for the 3-D grid")
    return (d, d, d)


class _Images:
    """Image splits as NALSM rate codes: p = (x / x.sum()) / global max; train+val share one max, test has its own
    (``test_scale="test"``, the authors') or the training set's (``"train"``)."""

    def __init__(self, splits, test_scale="test"):
        from snn.data import rate_probabilities
        self.n_inputs = int(np.prod(splits.train.images.shape[1:]))
        self.test_images = splits.test.images
        tv = np.concatenate([splits.train.images, splits.val.images])
        p_tv, tv_max = rate_probabilities(tv, on_zero="zero")
        self.test_max = None if test_scale == "test" else tv_max     # None: the test set's own
        p_te, _ = rate_probabilities(splits.test.images, self.test_max, on_zero="zero") if len(splits.test) else \
            (np.zeros((0, 1)), 0)
        n_tr = len(splits.train)
        self.p = {"train": p_tv[:n_tr], "val": p_tv[n_tr:], "test": p_te}
        self.labels = {k: np.asarray(splits.get(k).labels, np.int64) for k in ("train", "val", "test")}

    def stimuli(self, split, idx, duration, rng=None):
        return np.ascontiguousarray(self.p[split][idx])

    def noisy_test(self, rng):
        """Test rates from images + N(0, sigma) per pixel, sigma = 125/255 of the pixel range (MNIST: 125;
        digits: 7.8 of 16), clipped to [0, clean maximum], then coded as the clean test set (its own max, or the
        training set's)."""
        from snn.data import gaussian_pixel_noise, rate_probabilities
        vmax = float(self.test_images.max(initial=0.0))
        p, _ = rate_probabilities(gaussian_pixel_noise(self.test_images, KQ_PIXEL_SIGMA * vmax, rng, vmax=vmax),
                                  self.test_max, on_zero="zero")
        return lambda idx: np.ascontiguousarray(p[idx])


class _Events:
    """N-MNIST splits as binary 1 ms event frames (first 250 ms; init: random 20 ms windows)."""

    def __init__(self, splits):
        self.n_inputs = 2312
        self.samples = {"train": splits.train, "val": splits.val, "test": splits.test}
        self.labels = {k: np.array([s.label for s in v], np.int64) for k, v in self.samples.items()}

    def stimuli(self, split, idx, duration, rng=None):
        from snn.data import events_to_spikes
        items = [self.samples[split][i] for i in idx]
        starts = 0 if rng is None else rng.integers(1, 300 - 1 - duration, len(items))
        return events_to_spikes(items, duration, t_start=starts)

    def noisy_test(self, rng):
        """Test frames with each recording moved by one N(0, 10 ms) shift (whole bins), reflected at the edges."""
        from snn.data import shift_frames
        shifts = np.rint(rng.normal(0.0, KQ_SHIFT_MS, len(self.labels["test"]))).astype(np.int64)
        return lambda idx: shift_frames(self.stimuli("test", idx, FEATURE_MS), shifts[idx])


def load(cfg):
    ds = check_choice("dataset", cfg["dataset"], DATASETS)
    scale = check_choice("test_scale", cfg["test_scale"], TEST_SCALES)
    n = dict(n_train=cfg["train"], n_val=cfg["val"], n_test=cfg["test"])
    if ds == "digits":
        from snn.data import load_digits
        return _Images(load_digits(seed=cfg["seed"], **n), scale)
    if cfg["data_dir"] is None:
        raise SpecError(f"--dataset {ds} needs --data-dir (the folder holding {ds}/)")
    try:
        from snn import data
    except ImportError as exc:
        raise DataError(f"the dataset loaders (snn.data) are not available: {exc}") from None
    if ds == "nmnist":
        if scale != "test":
            raise SpecError(f"--test-scale {scale} scales image rates; N-MNIST's events have no scale")
        splits = data.nmnist_splits(cfg["data_dir"], val_start_id=cfg["val_start_id"], **n)
        if not splits.val:
            raise SpecError(f"N-MNIST: no training file has an id >= {cfg['val_start_id']} for validation; on a "
                            f"subset pass --val-start-id (e.g. 801 for ids 1-1000)")
        return _Events(splits)
    loader = data.load_mnist if ds == "mnist" else data.load_fashion_mnist
    return _Images(loader(cfg["data_dir"], **n), scale)
