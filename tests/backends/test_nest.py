"""The engine ('exact' schedule) against NEST through PyNN, and the exported script against the in-process build.

NEST runs in subprocesses: NEST's bundled OpenMP runtime and numba's 'omp' threading layer in one process crash
the interpreter at exit, and the engine runs in this process.

Stamp convention (see snn/hardware/pynn.py): the engine stamps a spike at the end of its step, (t + 1) dt, as
NEST does; a SpikeSourceArray time T is emitted in the step that ends at T (PyNN/NEST: parrot neuron with the
generator shifted by -min_delay). With that, spike times agree exactly; the test allows one dt, the tolerance
across simulators. A delay d arrives d steps later in both.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyNN.nest")

from snn.engine import Simulator  # noqa: E402
from snn.hardware.pynn import export_script  # noqa: E402

import nets  # noqa: E402

HERE = Path(__file__).resolve().parent
NEST_BUILD = """
import sys
sys.path.insert(0, {here!r})
import nets
import pyNN.nest as sim
from snn.hardware import pynn
from snn.hardware._pynn_runtime import save_spikes
save_spikes(pynn.run(getattr(nets, {name!r})(), sim, {duration!r}), {out!r})
"""


def _load(path):
    with np.load(path) as z:
        labels = {k.rsplit("__", 1)[0] for k in z.files}
        return {lab: (z[f"{lab}__times"], z[f"{lab}__index"]) for lab in labels}


def nest_in_process(name, duration, tmp_path):
    """pynn.build + run in pyNN.nest, in a fresh process."""
    out = tmp_path / f"{name}_inproc.npz"
    code = NEST_BUILD.format(here=str(HERE), name=name, duration=float(duration), out=str(out))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return _load(out)


def nest_script(name, duration, tmp_path):
    """The exported self-contained script, run with pyNN.nest."""
    script = export_script(getattr(nets, name)(), tmp_path / "export", "nest", name=name, duration=duration)
    out = tmp_path / f"{name}_script.npz"
    proc = subprocess.run([sys.executable, str(script), "--sim", "nest", "--out", str(out)], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return _load(out)


def _assert_within_one_dt(engine, nest, dt):
    assert engine[1].tolist() == nest[1].tolist(), (engine, nest)
    assert np.all(np.abs(engine[0] - nest[0]) <= dt + 1e-9), (engine, nest)


def test_single_neurons_spike_times_match_nest_within_one_dt(tmp_path):
    net = nets.single_neurons()
    res = Simulator(net).run(60.0)
    nest = nest_in_process("single_neurons", 60.0, tmp_path)
    for label in ("drive", "stim", "cells"):
        eng = res.spikes(label)
        assert eng[0].size > 0 or label == "stim"
        _assert_within_one_dt(eng, nest[label], net.dt)
    # the i_offset neurons: 0.2 nA stays below threshold, the others fire with their refractory periods
    assert 3 not in nest["drive"][1].tolist() and {0, 1, 2} <= set(nest["drive"][1].tolist())


def test_random_network_rates_match_nest(tmp_path):
    # Same synapses and arithmetic, so the rates agree closely; float rounding can still flip a spike in a
    # recurrent network and the trajectories then drift apart. Band: mean rate within 10 % per population.
    net = nets.random_network()
    res = Simulator(net).run(500.0)
    nest = nest_in_process("random_network", 500.0, tmp_path)
    for label in ("exc", "inh"):
        size = net.population(label).size
        r_engine = res.counts(label).sum() / size / 0.5
        r_nest = nest[label][0].size / size / 0.5
        assert r_nest > 1.0
        assert abs(r_engine - r_nest) <= 0.1 * r_nest, (label, r_engine, r_nest)


def test_export_script_gives_the_in_process_spikes(tmp_path):
    a = nest_in_process("single_neurons", 60.0, tmp_path)
    b = nest_script("single_neurons", 60.0, tmp_path)
    assert sorted(a) == sorted(b)
    for label in a:
        np.testing.assert_array_equal(a[label][0], b[label][0])
        np.testing.assert_array_equal(a[label][1], b[label][1])
