"""Untrusted files and command lines: random and truncated dataset files, damaged .npz, random JSON schedules
and recordings, and bad flags through ``snn.experiments.cli.main``: an SnnError naming the file or flag (the
CLI: exit status 2 and one line on stderr), never a traceback."""
import gzip
import json
import struct

import numpy as np
import pytest
from hypothesis import given, strategies as st

from snn.data import decode_events, nmnist_splits, parse_idx, read_idx, read_idx_pair
from snn.experiments.cli import main as cli_main
from snn.io import read_json, read_npz, safe_join, write_npz
from snn.models.cam_memory import CAM

from ._util import attempt

JSON = st.recursive(st.none() | st.booleans() | st.integers(-10 ** 20, 10 ** 20) | st.floats(allow_nan=False) |
                    st.text(max_size=8),
                    lambda c: st.lists(c, max_size=5) | st.dictionaries(st.text(max_size=8), c, max_size=5),
                    max_leaves=20)


@given(raw=st.binary(max_size=200))
def test_idx_random_bytes(raw):
    attempt("files: IDX random bytes", parse_idx, raw, "x.idx", names=("x.idx",))


@given(cut=st.integers(0, 16 + 3 * 4 * 4), dims=st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)))
def test_idx_truncated_files(tmp_path_factory, cut, dims):
    """A valid IDX image file cut at every length, gzip-compressed or not: refused with the path."""
    d = tmp_path_factory.mktemp("idx")
    body = struct.pack(">BBBB", 0, 0, 8, 3) + b"".join(struct.pack(">I", k) for k in dims) + bytes(int(np.prod(dims)))
    raw = body[:cut] if cut < len(body) else body
    (d / "train-images-idx3-ubyte").write_bytes(raw)
    with gzip.open(d / "t10k-images-idx3-ubyte.gz", "wb") as f:
        f.write(raw)
    (d / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(raw)[: max(1, cut)])   # also a cut gzip stream
    (d / "train-labels-idx1-ubyte").write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, dims[0]) + bytes(dims[0]))
    attempt("files: IDX truncated", read_idx, d / "train-images-idx3-ubyte", names=("idx3",))
    attempt("files: IDX truncated", read_idx_pair, d, "train", names=("idx",))
    attempt("files: IDX truncated", read_idx_pair, d, "t10k", names=("idx",))


@given(raw=st.binary(max_size=120))
def test_nmnist_random_bytes(raw):
    attempt("files: N-MNIST random bytes", decode_events, raw, "00001.bin", names=("00001.bin",))


@given(raw=st.binary(max_size=60), name=st.sampled_from(["00001.bin", "00002.bin", "x.bin"]))
def test_nmnist_folder_with_random_files(tmp_path_factory, raw, name):
    root = tmp_path_factory.mktemp("nm")
    for split in ("Train", "Test"):
        (root / split / "3").mkdir(parents=True)
        (root / split / "3" / name).write_bytes(raw)
    def go():
        s = nmnist_splits(root, val_start_id=2)
        return [x.read() for x in s.train + s.val + s.test]
    attempt("files: N-MNIST folder", go, names=(name, "N-MNIST", "validation"))


@given(raw=st.binary(max_size=300), cut=st.integers(0, 400))
def test_npz_random_and_truncated(tmp_path_factory, raw, cut):
    d = tmp_path_factory.mktemp("npz")
    (d / "r.npz").write_bytes(raw)
    attempt("files: npz damaged", read_npz, d / "r.npz", names=("r.npz",))
    write_npz(d / "ok.npz", key=np.array("k"), value=np.arange(40.0))
    good = (d / "ok.npz").read_bytes()
    (d / "cut.npz").write_bytes(good[:cut])
    status, value = attempt("files: npz damaged", read_npz, d / "cut.npz", names=("cut.npz",))
    if status == "ok":                        # only a whole file reads back
        assert cut >= len(good) and value["value"].tolist() == list(range(40))


def test_npz_with_a_pickle_is_refused(tmp_path):
    np.save(tmp_path / "p.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    import zipfile
    with zipfile.ZipFile(tmp_path / "p.npz", "w") as z:
        z.write(tmp_path / "p.npy", "value.npy")
    attempt("files: pickle refused", read_npz, tmp_path / "p.npz", names=("p.npz",))
    assert attempt("files: pickle refused", read_npz, tmp_path / "p.npz")[0] == "refused"


@given(doc=JSON)
def test_cam_schedules_random_json(doc):
    attempt("json: CAM schedule (random)", lambda: CAM(4, 6).extend(doc), names=("operation", "schedule"))


OP = st.fixed_dictionaries(
    {"op": st.sampled_from(["learn", "recall_cue", "recall_content", "forget", None, 3])},
    optional={"cue": st.one_of(st.integers(-3, 6), st.sampled_from([1.5, "1", None, True, 10 ** 30])),
              "content": st.one_of(st.lists(st.one_of(st.integers(-2, 8), st.sampled_from([1.0, "2", None])),
                                            max_size=4), st.sampled_from(["01", 3, None, {}])),
              "time": st.one_of(st.integers(-5, 300), st.sampled_from([10 ** 13, 2 ** 63, 1.5, "7", None])),
              "extra": st.integers()})


@given(ops=st.lists(OP, max_size=6))
def test_cam_schedules_operations(ops):
    def go():
        mem = CAM(4, 6).extend(ops)
        return mem.run() if mem.operations else None
    attempt("json: CAM schedule (ops)", go, names=("operation", "schedule", "memory"))


@given(doc=st.one_of(JSON, st.fixed_dictionaries(
    {"cueSize": st.one_of(st.integers(-1, 5), st.just(1.5)), "contSize": st.one_of(st.integers(-1, 5), st.just("2")),
     "simTime_ms": st.one_of(st.integers(-1, 40), st.sampled_from([10 ** 14, 2.5])),
     "input_spikes": st.one_of(JSON, st.fixed_dictionaries({"cue": st.lists(st.lists(st.integers(-2, 50), max_size=3),
                                                                              max_size=4),
                                                              "cont": st.lists(st.lists(st.integers(-2, 50),
                                                                                        max_size=3), max_size=4)}))},
    optional={"spikes": JSON})))
def test_cam_replay_random_recordings(tmp_path_factory, capsys, doc):
    f = tmp_path_factory.mktemp("rec") / "rec.json"
    f.write_text(json.dumps(doc))
    rc = _cli(capsys, ["cam", "replay", str(f)], "json: CAM recording via CLI")
    assert rc in (0, 2)


def _cli(capsys, argv, kind):
    """Run the CLI; return its status. Status 2 must come with exactly one line on stderr, no traceback."""
    from .conftest import CASES, OUTCOMES
    CASES[kind] += 1
    capsys.readouterr()
    try:
        rc = cli_main(argv)
    except SystemExit as exc:         # argparse's own errors (a non-number for an int flag)
        rc = exc.code
    err = capsys.readouterr().err
    OUTCOMES["refused" if rc == 2 else "ok"] += 1
    if rc == 2:
        assert err.count("\n") == 1 and "Traceback" not in err, err
    return rc


BAD_INT = st.sampled_from(["-1", "0", "-8", "1.5", "abc", "nan", "99999999999999999999", ""])
BAD_FLOAT = st.sampled_from(["nan", "inf", "-inf", "-1", "1e400", "x", "-1e300"])


@given(flag=st.sampled_from(["--neurons", "--seed", "--train", "--init-samples", "--epochs", "--val-start-id"]),
       value=BAD_INT)
def test_nalsm_int_flags(tmp_path_factory, capsys, flag, value):
    out = tmp_path_factory.mktemp("n")
    argv = ["nalsm", "--neurons", "27", "--train", "10", "--val", "5", "--test", "5", "--epochs", "2",
            "--no-progress", "--out", str(out), f"{flag}={value}"]
    rc = _cli(capsys, argv, "cli: nalsm int flags")
    if value in ("-1", "-8", "1.5", "abc", "nan", ""):
        assert rc == 2
    else:     # 0, or a huge count: "the first N" of a split may exceed its size; 0 training samples is refused
        assert rc in (0, 2)


@given(flag=st.sampled_from(["--w-A", "--w-init", "--astro-density"]), value=BAD_FLOAT)
def test_nalsm_float_flags(tmp_path_factory, capsys, flag, value):
    argv = ["nalsm", "--neurons", "27", "--train", "10", "--val", "5", "--test", "5", "--epochs", "2",
            "--no-progress", "--out", str(tmp_path_factory.mktemp("n")), f"{flag}={value}"]
    rc = _cli(capsys, argv, "cli: nalsm float flags")
    assert rc == 2 or (value == "-1" and flag == "--w-A" and rc == 0)   # a negative astrocyte weight is a choice


@given(flag=st.sampled_from(["--tasks", "--epochs", "--seed", "--batch-size", "--train-per-task", "--time-steps",
                             "--eval-subset", "--threads", "--lr", "--ewc-lambda", "--hidden", "--benchmark",
                             "--eval-every", "--hlop-spiking-steps", "--hlop-spiking-scale"]),
       value=st.sampled_from(["-1", "0", "nan", "inf", "x", "1e400", "-3", "5,-1", ""]))
def test_continual_flags(tmp_path_factory, capsys, flag, value):
    argv = ["continual", "--data-dir", str(tmp_path_factory.mktemp("nodata")), "--out",
            str(tmp_path_factory.mktemp("c")), "--no-progress", f"{flag}={value}"]
    assert _cli(capsys, argv, "cli: continual flags") == 2      # bad flag, or the empty data folder


@given(argv=st.sampled_from([["demo", "--duration=nan"], ["demo", "--duration=-1"], ["demo", "--duration=1e300"],
                             ["demo", "--duration=0.05"], ["demo", "--seed=-1"], ["bench", "cuba", "--duration=inf"],
                             ["bench", "cuba", "--duration=-1"], ["bench", "cuba", "--repeats=0"],
                             ["bench", "cuba", "--against=foo"], ["export", "nope", "--target", "script", "--out", "x"],
                             ["export", "stdp_relay", "--target", "script", "--out", "x", "--duration", "nan"],
                             ["export", "continual", "--target", "script", "--out", "x"],
                             ["export", "cuba", "--target", "script", "--out", "x", "--max-rate", "0"],
                             ["fidelity", "continual"], ["fidelity", "continual", "--test-per-task", "0"],
                             ["cam", "run", "missing.json", "--cue-size", "0", "--content-size", "2"],
                             ["cam", "run", "missing.json", "--cue-size", "2", "--content-size", "2"],
                             ["cam", "replay", "missing.json", "--history", "1"], ["nope"], ["nalsm", "--dataset=x"],
                             ["nalsm", "--dataset=mnist"], ["nalsm", "--dataset=nmnist", "--data-dir=/nonexistent"]]))
def test_other_commands_bad_flags(tmp_path_factory, capsys, argv):
    assert _cli(capsys, argv, "cli: other commands") == 2


def test_safe_join_keeps_names_inside_the_output_folder(tmp_path):
    assert safe_join(tmp_path, "a", "b.json") == tmp_path / "a" / "b.json"
    (tmp_path / "link").symlink_to(tmp_path.parent)
    for bad in ("../x", "/etc/passwd", "a/../../x", "", "link/x", "a\x00b"):
        assert attempt("paths: safe_join", safe_join, tmp_path, bad, names=("file name",))[0] == "refused"
    with pytest.raises(Exception):
        read_json(tmp_path / "missing.json")
