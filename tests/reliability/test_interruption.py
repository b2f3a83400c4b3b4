"""SIGKILL (not Ctrl-C) in the middle of `snn nalsm` and `snn continual`, several times: the rerun resumes, its
results equal an uninterrupted run's, and no partial file is ever read back as complete (writes are atomic:
temp file + fsync + rename; a damaged cache file is recomputed, never trusted)."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from snn.io import read_npz

from ._util import split_features
from .conftest import CASES

TIMING = {"wall_seconds", "seconds", "samples_per_second", "features_reused", "commit", "versions", "config"}


def _cmd(*args):
    return [sys.executable, "-m", "snn", *args]


def _env():
    env = dict(os.environ, NUMBA_NUM_THREADS="2", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    env.setdefault("NUMBA_THREADING_LAYER", "workqueue")
    return env


def _kill_when(cmd, ready, delay, timeout=120):
    """Start ``cmd``; once ``ready()`` holds, wait ``delay`` s and SIGKILL it (if still running). True if killed."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    t0 = time.time()
    while p.poll() is None and not ready() and time.time() - t0 < timeout:
        time.sleep(0.02)
    time.sleep(delay)
    killed = p.poll() is None
    if killed:
        os.kill(p.pid, signal.SIGKILL)
    p.wait()
    CASES["faults: SIGKILL " + cmd[3]] += int(killed)
    return killed


def _numbers(path):
    r = json.loads(Path(path).read_text())
    return {k: v for k, v in r.items() if k not in TIMING}


NALSM = ("nalsm", "--dataset", "digits", "--neurons", "64", "--train", "300", "--val", "100", "--test", "100",
         "--readout", "logreg", "--no-progress")


@pytest.mark.slow
def test_nalsm_killed_three_times_resumes_to_identical_results(tmp_path):
    ref, cut = tmp_path / "ref", tmp_path / "cut"
    subprocess.run(_cmd(*NALSM, "--out", str(ref)), check=True, env=_env(), capture_output=True)
    rng = np.random.default_rng(0)
    kills = 0
    stages = [lambda: (cut / "w_init.npz").exists(), lambda: any((cut / "features").glob("train_*.npz")),
              lambda: any((cut / "features").glob("val_*.npz"))]
    for ready in stages:
        kills += _kill_when(_cmd(*NALSM, "--out", str(cut)), ready, float(rng.uniform(0.0, 0.3)))
        for f in [*cut.glob("*.npz"), *cut.glob("features/*.npz")]:                       # whatever is there is complete (atomic writes)
            read_npz(f)
    assert kills >= 2
    subprocess.run(_cmd(*NALSM, "--out", str(cut)), check=True, env=_env(), capture_output=True)
    assert _numbers(cut / "results.json") == _numbers(ref / "results.json")
    for split in ("train", "val", "test"):
        np.testing.assert_array_equal(split_features(cut, split), split_features(ref, split))


def test_truncated_cache_file_is_recomputed_not_trusted(tmp_path):
    """A features file cut short (as a non-atomic writer could leave it) is detected and made again."""
    out = tmp_path / "o"
    args = ("nalsm", "--dataset", "digits", "--neurons", "27", "--train", "40", "--val", "20", "--test", "20",
            "--readout", "logreg", "--no-progress", "--out", str(out))
    subprocess.run(_cmd(*args), check=True, env=_env(), capture_output=True)
    first = _numbers(out / "results.json")
    good = split_features(out, "val")
    chunk = sorted((out / "features").glob("val_*.npz"))[0]
    raw = chunk.read_bytes()
    chunk.write_bytes(raw[: len(raw) // 2])
    rerun = subprocess.run(_cmd(*args), check=True, env=_env(), capture_output=True, text=True)
    # the rerun says what it reused (train, test) and recomputes the damaged val chunk without claiming it
    assert f"phase 2 (train): resuming with 40 of 40 samples' features found in {out / 'features'}" in rerun.stderr
    assert "phase 2 (test): resuming with 20 of 20" in rerun.stderr and "(val): resuming" not in rerun.stderr
    np.testing.assert_array_equal(split_features(out, "val"), good)
    assert _numbers(out / "results.json") == first


@pytest.mark.slow
def test_continual_killed_after_tasks_resumes_to_identical_results(tmp_path, data_dir):
    args = ("continual", "--benchmark", "pmnist", "--tasks", "3", "--method", "hlop", "--data-dir", str(data_dir),
            "--train-per-task", "256", "--test-per-task", "100", "--hidden", "16,16", "--threads", "1",
            "--no-progress")
    ref, cut = tmp_path / "ref", tmp_path / "cut"
    subprocess.run(_cmd(*args, "--out", str(ref)), check=True, env=_env(), capture_output=True)
    ck = cut / "checkpoint.npz"
    done = []

    def after_task(k):
        def ready():
            if not ck.exists():
                return False
            try:
                return int(read_npz(ck)["phases_done"]) >= k
            except Exception:
                return False
        return ready
    kills = sum(_kill_when(_cmd(*args, "--out", str(cut)), after_task(k), 0.05) for k in (1, 2))
    done.append(int(read_npz(ck)["phases_done"]))
    assert kills >= 1 and done[0] >= 1
    rerun = subprocess.run(_cmd(*args, "--out", str(cut)), check=True, env=_env(), capture_output=True, text=True)
    assert f"resuming from {ck}: {done[0]} of 3 tasks already trained" in rerun.stderr
    a, b = _numbers(ref / "results.json"), _numbers(cut / "results.json")
    for key in ("acc", "bwt", "accuracy_matrix", "min_acc", "hlop_neurons", "seed"):
        assert a[key] == b[key], key

