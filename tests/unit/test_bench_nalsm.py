"""`snn bench nalsm` (snn side only: brian2's compilation takes minutes; see docs/performance.md)."""
import json

import numpy as np
import pytest

from snn.errors import SpecError
from snn.experiments.bench import bench_nalsm
from snn.experiments.cli import main


def test_bench_nalsm_reports_rate():
    out = bench_nalsm(neurons=64, samples=3, repeats=1)
    assert out["samples"] == 3 and out["inputs"] == 784 and out["data"] == "synthetic"
    assert out["samples_per_second"] > 0 and out["liquid_rate_hz"] > 0
    assert 15 < out["input_pulses_per_ms"] < 90, "synthetic images must be MNIST-like (29-43 pulses per ms)"


def test_bench_nalsm_cli_json(capsys):
    assert main(["bench", "nalsm", "--neurons", "64", "--samples", "2", "--repeats", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["benchmark"] == "nalsm" and "speedup_vs_brian2" not in out


def test_bench_nalsm_rejects_nest():
    with pytest.raises(SpecError, match="brian2 only"):
        bench_nalsm(neurons=64, samples=1, against=("nest",))


def test_bench_nalsm_starts_from_the_weights_of_a_run(tmp_path):
    """--weights: the initial weights saved as a run's w_init.npz reproduce the default run; halved, the liquid
    fires less; a file of another liquid is refused with both sizes named."""
    from snn.engine import Simulator
    from snn.io import write_npz
    from snn.models.nalsm import build_liquid
    w0 = Simulator(build_liquid(784, shape=(4, 4, 4), phase="features", seed=0), record=()).initial_plastic_weights
    for name, w in (("same", w0), ("half", 0.5 * w0), ("short", w0[:-1])):
        write_npz(tmp_path / f"{name}.npz", key=np.array("k"), value=w)
    base = bench_nalsm(neurons=64, samples=3, repeats=1)
    same = bench_nalsm(neurons=64, samples=3, repeats=1, weights=tmp_path / "same.npz")
    half = bench_nalsm(neurons=64, samples=3, repeats=1, weights=tmp_path / "half.npz")
    assert same["liquid_rate_hz"] == base["liquid_rate_hz"] and same["weights"].endswith("same.npz")
    assert half["liquid_rate_hz"] < base["liquid_rate_hz"]
    with pytest.raises(SpecError, match=f"{w0.size - 1} weights; this liquid has {w0.size} plastic"):
        bench_nalsm(neurons=64, samples=1, repeats=1, weights=tmp_path / "short.npz")
