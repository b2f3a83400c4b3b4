"""Phase-2 feature extraction in chunks (experiments/nalsm_features.py): resume after an interruption, and the
same features on a Dask LocalCluster of 2 worker processes as in-process."""
import numpy as np
import pytest

from snn.experiments.nalsm_features import dask_client, extract
from snn.models.nalsm import build_liquid
from snn.engine import Simulator

N_IN, SHAPE = 16, (4, 4, 4)


def _job(seed=3):
    net = dict(shape=SHAPE, variant="nalsm", w_init=None, w_A=None, astro_density=1.0, seed=seed)
    w = Simulator(build_liquid(N_IN, phase="features", **net), record=()).initial_plastic_weights
    return dict(n_inputs=N_IN, net=net, seed=seed, w_ini=w)


RATES = np.random.default_rng(0).random((23, N_IN)) * 0.3


def _stim(idx):
    return RATES[idx]


def test_chunks_resume_and_match_one_batch(tmp_path):
    """23 samples in chunks of 5: equal to one unchunked run; deleting one chunk recomputes only that chunk."""
    job = _job()
    f1, made1 = extract(job, "train", 23, _stim, tmp_path, "k1", chunk=5, progress=False)
    assert made1 == 23 and f1.shape == (23, 64) and f1.sum() > 0
    one, _ = extract(job, "train", 23, _stim, tmp_path / "one", "k1", chunk=100, progress=False)
    np.testing.assert_array_equal(f1, one)
    (tmp_path / "features" / "train_0000010.npz").unlink()
    (tmp_path / "features" / "train_0000015.npz").write_bytes(b"truncated")     # a damaged chunk is redone
    f2, made2 = extract(job, "train", 23, _stim, tmp_path, "k1", chunk=5, progress=False)
    assert made2 == 10
    np.testing.assert_array_equal(f1, f2)
    _, made3 = extract(job, "train", 23, _stim, tmp_path, "another key", chunk=5, progress=False)
    assert made3 == 23, "chunks made under other settings must not be reused"


def test_dask_two_workers_same_features(tmp_path):
    """A LocalCluster of 2 processes gives exactly the in-process features (sample-indexed random draws)."""
    pytest.importorskip("dask.distributed")
    job = _job(seed=5)
    local, _ = extract(job, "val", 23, _stim, tmp_path / "a", "k", sample_offset=100, chunk=4, progress=False)
    with dask_client(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        dist, made = extract(job, "val", 23, _stim, tmp_path / "b", "k", sample_offset=100, chunk=4,
                             client=client, progress=False)
    assert made == 23
    np.testing.assert_array_equal(local, dist)
