"""``snn export``: the spinnaker target writes resources.json, nest writes spikes, script writes a runnable
script; a network that fails ``check`` exits non-zero with every problem listed."""
import json
import subprocess
import sys

import numpy as np
import pytest

from snn.experiments import cli, export
from snn.spec import Network, Population

pytest.importorskip("pyNN")


def _snn(*args, cwd):
    return subprocess.run([sys.executable, "-m", "snn", "export", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def test_spinnaker_target_writes_resources(tmp_path):
    pytest.importorskip("spynnaker")
    proc = _snn("stdp_relay", "--target", "spinnaker", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads((tmp_path / "out" / "resources.json").read_text())
    assert res["chips"] == 1 and res["cores"] == 4 and res["model"] == "stdp_relay"
    assert not (tmp_path / "reports").exists() and not (tmp_path / "spynnaker.cfg").exists()


def test_nest_and_script_targets(tmp_path):
    pytest.importorskip("pyNN.nest")
    proc = _snn("stdp_relay", "--target", "nest", "--out", "nest", "--duration", "60", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with np.load(tmp_path / "nest" / "spikes.npz") as z:
        assert z["cue__times"].size == 13   # 8 + 5 of the 16 cue times fall in 60 ms and z["relay__times"].size > 0
    proc = _snn("stdp_relay", "--target", "script", "--sim", "nest", "--out", "script", cwd=tmp_path)
    assert proc.returncode == 0 and (tmp_path / "script" / "run_stdp_relay.py").exists()
    assert (tmp_path / "script" / "stdp_relay_network.npz").exists()


def test_failing_check_exits_nonzero_with_the_problems(monkeypatch, capsys):
    bad = Network([Population("x", 2, "IF_curr_exp")], dt=0.1)
    monkeypatch.setitem(export.MODELS, "bad", lambda: bad)
    assert cli.main(["export", "bad", "--target", "spinnaker", "--out", "unused"]) == 1
    err = capsys.readouterr().err
    assert "cannot run on spinnaker" in err and "dt=0.1" in err


def test_unknown_model_is_one_line_exit_2(capsys):
    assert cli.main(["export", "nope", "--target", "nest", "--out", "x"]) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown model 'nope'" in err and "stdp_relay" in err and len(err.splitlines()) == 1


def test_the_old_export_demo_name_points_to_its_new_name(capsys):
    """`snn export demo` built another network than `snn demo`: renamed, and the old name says so."""
    assert cli.main(["export", "demo", "--target", "nest", "--out", "x"]) == 2
    err = capsys.readouterr().err
    assert "'demo' is now 'stdp_relay'" in err and err.count("\n") == 1


def test_continual_run_exports_and_reports_its_deployed_accuracy(tmp_path, data_dir):
    """A small `snn continual` run, then `snn export continual` (script) and `snn fidelity continual`: the
    deployed network (engine, rate-coded pixels) classifies close to the trained model on the same images."""
    base = [sys.executable, "-m", "snn"]
    train = subprocess.run(base + ["continual", "--benchmark", "pmnist", "--tasks", "2", "--method", "finetune",
                                   "--train-per-task", "2000", "--test-per-task", "100", "--hidden", "100,100",
                                   "--data-dir", str(data_dir), "--out", "run", "--no-progress"],
                           capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert train.returncode == 0, train.stderr[-2000:]
    proc = _snn("continual", "--target", "script", "--run", "run", "--data-dir", str(data_dir), "--task", "1",
                "--out", "script", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "script" / "run_continual.py").exists()
    fid = subprocess.run(base + ["fidelity", "continual", "--run", "run", "--data-dir", str(data_dir),
                                 "--test-per-task", "100", "--duration", "100", "--json"],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert fid.returncode == 0, fid.stderr[-2000:]
    out = json.loads(fid.stdout.strip().splitlines()[-1])
    assert out["tasks_done"] == 2 and len(out["deployed_accuracy"]) == 2
    assert out["trained_accuracy"][1] > 0.5           # it learned (chance: 0.1)
    assert abs(out["deployed_mean"] - out["trained_mean"]) < 0.08, out


def test_continual_export_needs_a_run(tmp_path):
    proc = _snn("continual", "--target", "script", "--out", "x", cwd=tmp_path)
    assert proc.returncode == 2 and "--run" in proc.stderr and "Traceback" not in proc.stderr
    proc = _snn("continual", "--target", "script", "--run", "nowhere", "--data-dir", ".", "--out", "x",
                cwd=tmp_path)
    assert proc.returncode == 2 and "checkpoint.npz" in proc.stderr
    proc = _snn("cuba", "--target", "script", "--max-rate", "3", "--out", "x", cwd=tmp_path)
    assert proc.returncode == 2 and "max_rate" in proc.stderr


def test_script_run_with_another_backend_than_it_was_mapped_for_warns(tmp_path):
    """A script exported for SpiNNaker (STDP amplitudes mapped for sPyNNaker) still runs with --sim nest, but
    says on stderr that it is then not the same model; run with the backend it was mapped for, it says nothing."""
    pytest.importorskip("pyNN.nest")
    for mapped in ("spinnaker", "nest"):
        proc = _snn("stdp_relay", "--target", "script", "--sim", mapped, "--out", mapped, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr[-2000:]
        run = subprocess.run([sys.executable, "run_stdp_relay.py", "--sim", "nest", "--duration", "20",
                              "--out", "s.npz"], capture_output=True, text=True, timeout=300, cwd=tmp_path / mapped)
        assert run.returncode == 0, run.stderr[-2000:]
        warned = "warning: this network was mapped for 'spinnaker'" in run.stderr
        assert warned == (mapped == "spinnaker"), run.stderr[-2000:]
        assert "with --sim nest it is not the same model" in run.stderr or mapped == "nest"


def test_unreachable_board_is_one_line_exit_2(tmp_path):
    """--machine at an address nothing answers (192.0.2.1, TEST-NET-1, reserved for documentation): sPyNNaker
    retries, gives up, and the command says so in one line naming the address; no output folder is left."""
    pytest.importorskip("spynnaker")
    proc = _snn("stdp_relay", "--target", "spinnaker", "--machine", "192.0.2.1", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.count("\n") == 1 and "machine='192.0.2.1'" in proc.stderr and "could not reach" in proc.stderr
    assert not (tmp_path / "out").exists()
