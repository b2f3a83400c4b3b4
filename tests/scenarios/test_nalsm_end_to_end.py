"""`snn nalsm` on scikit-learn's digits (and a few N-MNIST files), small: the whole pipeline through the command
line."""
import json

import numpy as np

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
    assert set(r["readouts"]) == {"logreg"} and r["kernel_quality"] is None


def test_user_errors_are_one_line(tmp_path, capsys):
    assert main(["nalsm", "--neurons", "999", "--out", str(tmp_path)]) == 2
    assert "neurons=999 must be a cube" in capsys.readouterr().err
    assert main(["nalsm", "--dataset", "mnist", "--out", str(tmp_path)]) == 2
    assert "needs --data-dir" in capsys.readouterr().err


def _run(tmp_path, *args):
    out = tmp_path / "run"
    assert main(["nalsm", *args, "--out", str(out), "--no-progress"]) == 0
    return json.loads((out / "results.json").read_text()), out


def test_apstdp_with_kernel_quality_and_both_readouts(tmp_path):
    """lsm-apstdp on a 343-neuron liquid, both readouts (the default), kernel quality on 150 test samples. The
    paper readout is reported at the top level and both sit under 'readouts'; SP and AP are ranks of
    10 x 10-sample draws, so at most 100; the noisy pass made its own features (not a copy of the clean ones)."""
    r, out = _run(tmp_path, "--dataset", "digits", "--neurons", "343", "--train", "200", "--val", "100", "--test",
                  "150", "--variant", "lsm-apstdp", "--epochs", "200", "--kernel-quality", "--kq-per-class", "10",
                  "--kq-resamples", "10")
    assert r["readout"] == "paper" and set(r["readouts"]) == {"paper", "logreg"}
    assert r["test_accuracy"] == r["readouts"]["paper"]["test_accuracy"]
    assert r["readouts"]["paper"]["epochs_run"] <= 200 and r["readouts"]["logreg"]["C"] > 0
    assert min(v["test_accuracy"] for v in r["readouts"].values()) > 0.5
    assert (r["config"]["theta_C"], r["config"]["dC"]) == (37.0, 22.0)
    kq = r["kernel_quality"]
    assert (kq["samples"], kq["resamples"]) == (100, 10)
    assert 0 < kq["ap"] <= 100 and 0 < kq["sp"] <= 100 and kq["sp_minus_ap"] == kq["sp"] - kq["ap"]
    clean = np.load(out / "features" / "test_0000000.npz")["value"]
    noisy = np.load(out / "features" / "test-noisy_0000000.npz")["value"]
    assert clean.shape == noisy.shape == (150, 343) and np.mean(clean != noisy) > 0.1


def test_nmnist_kernel_quality_shifts_recordings(tmp_path, data_dir):
    """N-MNIST's AP pass (one reflected time shift per recording) end to end on a few files, lsm-apstdp with
    the N-MNIST windows (theta 10, dC 2.5), logistic readout only."""
    r, _ = _run(tmp_path, "--dataset", "nmnist", "--data-dir", str(data_dir), "--neurons", "216", "--train", "40",
                "--val", "20", "--test", "30", "--val-start-id", "801", "--variant", "lsm-apstdp", "--readout",
                "logreg", "--kernel-quality", "--kq-per-class", "2", "--kq-resamples", "5")
    assert set(r["readouts"]) == {"logreg"} and r["readout"] == "logreg"
    assert (r["config"]["theta_C"], r["config"]["dC"]) == (10.0, 2.5)
    assert 0 < r["kernel_quality"]["ap"] <= r["kernel_quality"]["samples"] <= 20


def test_new_flags_are_checked(tmp_path, capsys):
    for args, message in ((["--theta-C", "30"], "--theta-C / --delta-C set the calcium gate of --variant "
                                                "lsm-apstdp, not 'nalsm'"),
                          (["--variant", "lsm-apstdp", "--delta-C", "0"], "dC=0.0 must be a finite number > 0"),
                          (["--kq-per-class", "0"], "kq_per_class=0 must be an integer in [1, 1000000]"),
                          (["--kernel-quality", "--test", "0"], "--kernel-quality measures the test split"),
                          (["--readout-batch", "0"], "readout_batch=0 must be an integer >= 1"),
                          (["--patience", "-1"], "patience=-1 must be an integer >= 0"),
                          (["--dataset", "nmnist", "--data-dir", str(tmp_path), "--test-scale", "train"],
                           "N-MNIST's events have no scale")):
        assert main(["nalsm", *args, "--out", str(tmp_path)]) == 2
        assert message in capsys.readouterr().err, args


def test_test_scale_divides_test_rates_by_the_chosen_max():
    """--test-scale: the test images' rates divided by the test set's own max of x/sum(x) (the authors') or by
    the training set's; train and validation rates are the same either way. Maxima computed here image by image."""
    from snn.data import load_digits
    from snn.experiments.nalsm import DEFAULTS, load
    cfg = {**DEFAULTS, "train": 300, "val": 100, "test": 200}
    own, by_train = load(cfg), load({**cfg, "test_scale": "train"})
    splits = load_digits(seed=0, n_train=300, n_val=100, n_test=200)

    def max_share(images):
        return max(float(im.max()) / float(im.sum()) for im in images)
    tv_max = max(max_share(splits.train.images), max_share(splits.val.images))
    test_max = max_share(splits.test.images)
    assert tv_max != test_max
    for split in ("train", "val"):
        np.testing.assert_array_equal(own.p[split], by_train.p[split])
        np.testing.assert_allclose(own.p[split].sum(1), 1 / tv_max)
    np.testing.assert_allclose(own.p["test"].sum(1), 1 / test_max)
    np.testing.assert_allclose(by_train.p["test"].sum(1), 1 / tv_max)
    np.testing.assert_allclose(by_train.p["test"], own.p["test"] * test_max / tv_max)


def test_lsm_weight_sweep_selects_by_validation(tmp_path, capsys):
    """`--w-sweep`: one run per |w| (each the same as a run with `--w-init` at that value), the selection is the
    best validation accuracy, and a silent liquid (|w| tiny) shows up as a lower branching factor."""
    base = ["nalsm", "--variant", "lsm", "--neurons", "125", "--readout", "logreg", "--no-progress"]
    assert main(base + ["--w-sweep", "0.3,1.2", "--out", str(tmp_path / "sweep")]) == 0
    res = json.loads((tmp_path / "sweep" / "sweep.json").read_text())
    rows = {row["w_init"]: row for row in res["runs"]}
    assert sorted(rows) == [0.3, 1.2]
    assert res["selected_by_val"] == max(res["runs"], key=lambda r: r["val_accuracy"])
    assert rows[0.3]["branching_factor"] < rows[1.2]["branching_factor"]
    assert main(base + ["--w-init", "1.2", "--out", str(tmp_path / "single")]) == 0
    single = json.loads((tmp_path / "single" / "results.json").read_text())
    assert single["test_accuracy"] == rows[1.2]["test_accuracy"]
    assert (tmp_path / "sweep" / "sweep.png").exists()
    capsys.readouterr()
    assert main(base + ["--w-sweep", "1,1", "--out", str(tmp_path / "x")]) == 2
    assert "distinct" in capsys.readouterr().err


def test_nalsm_readout_retrains_on_saved_features(tmp_path, capsys):
    """`snn nalsm-readout` on a finished run: with the run's readout settings it gives the run's numbers (same
    features, same labels); with another batch it records that batch and the run's commit; a missing feature
    chunk is a one-line error naming the sample where the gap starts; a run older than a setting takes its default."""
    r, out = _run(tmp_path, "--dataset", "digits", "--neurons", "125", "--train", "200", "--val", "100", "--test",
                  "100", "--init-samples", "50", "--epochs", "100", "--chunk", "64")
    assert r["config"]["readout_batch"] == 250       # the authors' batch for liquids up to 1000 neurons
    same = tmp_path / "same.json"
    assert main(["nalsm-readout", str(out), "--readout", "both", "--readout-batch", "250", "--epochs", "100",
                 "--out", str(same), "--no-progress"]) == 0
    again = json.loads(same.read_text())
    assert again["readouts"] == r["readouts"] and again["features"]["commit"] == r["commit"]
    assert main(["nalsm-readout", str(out), "--readout-batch", "20", "--epochs", "50", "--no-progress"]) == 0
    b20 = json.loads((out / "readout-batch20.json").read_text())
    assert b20["config"]["readout_batch"] == 20 and set(b20["readouts"]) == {"paper"}
    assert b20["readouts"]["paper"]["epochs_run"] <= 50
    # 10 steps per epoch instead of 1: 500 Adadelta steps get further than the run's 100 (val 0.45 vs 0.30)
    assert b20["val_accuracy"] > r["val_accuracy"] + 0.05
    # a run made before a setting existed (its config lacks the key) reads it at its default
    old = json.loads((out / "results.json").read_text())
    del old["config"]["test_scale"]
    (out / "results.json").write_text(json.dumps(old))
    assert main(["nalsm-readout", str(out), "--readout", "logreg", "--out", str(tmp_path / "old.json"),
                 "--no-progress"]) == 0
    assert json.loads((tmp_path / "old.json").read_text())["readouts"]["logreg"] == r["readouts"]["logreg"]
    (out / "features" / "train_0000064.npz").unlink()
    capsys.readouterr()
    assert main(["nalsm-readout", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "train features have no chunk starting at sample 64" in err and err.count("\n") == 1
