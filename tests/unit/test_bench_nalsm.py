"""`snn bench nalsm` (snn side only: brian2's compilation takes minutes; see docs/performance.md)."""
import json

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
