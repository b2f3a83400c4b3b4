"""Runs that would not fit are refused up front with the estimate and the limit (nothing is allocated); recording
every spike of a long run warns and points to record= / counts."""
import warnings

import numpy as np
import pytest

from snn.connectors import AllToAll, FixedProbability
from snn.engine import Simulator
from snn.resources import RecordingWarning, ResourceError, memory_limit, parse_bytes, physical_memory
from snn.spec import Network, Population, Projection


def _net(n=50):
    return Network([Population("in", 20, "SpikeSourceInput"), Population("lif", n, "IF_curr_exp")],
                   [Projection("in", "lif", FixedProbability(0.2), weight=1.0)], dt=1.0, seed=1)


def test_limit_reads_physical_memory_and_overrides(monkeypatch):
    total = physical_memory()
    assert total and total > 2 ** 26
    monkeypatch.delenv("SNN_MEMORY_LIMIT", raising=False)
    assert memory_limit() == int(total * 0.8)
    monkeypatch.setenv("SNN_MEMORY_LIMIT", "512M")
    assert memory_limit() == 512 * 2 ** 20
    monkeypatch.setenv("SNN_MEMORY_LIMIT", "none")
    assert memory_limit() is None
    assert memory_limit(12345) == 12345 and parse_bytes("2G") == 2 ** 31


def test_huge_run_is_refused_with_estimate_and_limit():
    sim = Simulator(_net())
    with pytest.raises(ResourceError, match=r"needs about .* of memory .* more than the limit of"):
        sim.run(1e6, batch=10 ** 7, stimuli={"in": np.full((1, 20), 0.1)})         # ~TiB of counts / buffers
    with pytest.raises(ResourceError, match="limit of 1.0 MiB"):                    # a small explicit limit
        sim.run(1000.0, batch=256, memory_limit=2 ** 20)
    # the same run passes with the check turned off by the override (kept small so it really runs)
    assert sim.run(10.0, batch=2, memory_limit=0).batch == 2


def test_huge_network_is_refused_before_wiring(monkeypatch):
    monkeypatch.setenv("SNN_MEMORY_LIMIT", "1G")
    net = Network([Population("a", 10 ** 6, "IF_curr_exp"), Population("b", 10 ** 6, "IF_curr_exp")],
                  [Projection("a", "b", AllToAll(), weight=0.1)], dt=1.0)
    with pytest.raises(ResourceError, match=r"AllToAll would make about 1e\+12 synapses"):
        Simulator(net)


def test_recording_everything_for_a_long_run_warns_and_counts_only_does_not():
    """The warning comes before anything runs: turned into an error here, it stops the (long) run at once."""
    sim = Simulator(_net(2000))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RecordingWarning)
        with pytest.raises(RecordingWarning, match=r"may take about .*record=\(\) to keep spike counts only"):
            sim.run(1e5, batch=5000, memory_limit=0, stimuli={"in": np.full((1, 20), 0.1)})
        Simulator(_net(2000), record=()).run(20.0, batch=2)          # counts only: no warning
        Simulator(_net(2000), record=("lif",)).run(20.0, batch=2)    # short run: no warning
