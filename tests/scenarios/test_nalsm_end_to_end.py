"""`snn nalsm` on scikit-learn's digits, small: the whole pipeline through the command line."""
import json

from snn.experiments.cli import main


def test_digits_end_to_end(tmp_path):
    """1000-neuron NALSM, 400 train / 150 val / 200 test, logistic readout. Measured 0.95-0.97 over seeds;
    a broken liquid (silent or saturated) gives < 0.6, raw-pixel logistic regression ~0.95. Bound: 0.88."""
    out = tmp_path / "run"
    rc = main(["nalsm", "--dataset", "digits", "--train", "400", "--val", "150", "--test", "200",
               "--readout", "logreg", "--seed", "1", "--out", str(out), "--no-progress"])
    assert rc == 0
    r = json.loads((out / "results.json").read_text())
    assert r["test_accuracy"] > 0.88, r["test_accuracy"]
    assert 0.5 < r["branching_factor"] < 2.0
    assert r["config"]["variant"] == "nalsm" and r["seed"] == 1 and "numba" in r["versions"]
    assert r["samples_per_second"] > 0 and r["wall_seconds"] > 0


def test_user_errors_are_one_line(tmp_path, capsys):
    assert main(["nalsm", "--neurons", "999", "--out", str(tmp_path)]) == 2
    assert "neurons=999 must be a cube" in capsys.readouterr().err
    assert main(["nalsm", "--dataset", "mnist", "--out", str(tmp_path)]) == 2
    assert "needs --data-dir" in capsys.readouterr().err
