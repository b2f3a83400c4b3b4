"""N-MNIST: native reader vs index.csv and tonic on the real subset; synthetic files for format details."""
import csv
import re

import numpy as np
import pytest

from snn.data import (
    decode_events, events_to_frames, events_to_spikes, list_nmnist, nmnist_splits, read_nmnist_file, time_bins,
)
from snn.errors import DataError, SpecError

TRAIN_COUNTS = [97, 116, 99, 93, 105, 92, 94, 117, 87, 100]   # data README
TEST_COUNTS = [8, 14, 8, 11, 14, 7, 10, 15, 2, 11]


def encode(x, y, p, t):
    """40-bit events written by hand: x, y, then p in bit 7 of byte 2 with ts bits 22..16, then ts 15..0."""
    out = bytearray()
    for xi, yi, pi, ti in zip(x, y, p, t):
        assert 0 <= ti < 2**23
        out += bytes([xi, yi, (pi << 7) | (ti >> 16), (ti >> 8) & 0xFF, ti & 0xFF])
    return bytes(out)


@pytest.fixture(scope="module")
def index(data_dir):
    with open(data_dir / "nmnist" / "index.csv") as f:
        return list(csv.DictReader(f))


def test_listing_sorted_by_id_with_folder_labels(data_dir):
    train = list_nmnist(data_dir, "train")
    test = list_nmnist(data_dir / "nmnist", "test")
    assert [s.id for s in train] == list(range(1, 1001))
    assert [s.id for s in test] == list(range(1, 101))
    assert np.bincount([s.label for s in train], minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount([s.label for s in test], minlength=10).tolist() == TEST_COUNTS
    assert all(s.path.parent.name == str(s.label) for s in train)
    assert [s.id for s in list_nmnist(data_dir, "train", n=5)] == [1, 2, 3, 4, 5]


def test_splits(data_dir):
    sp = nmnist_splits(data_dir)
    assert (len(sp.train), len(sp.val), len(sp.test)) == (1000, 0, 100)
    sp = nmnist_splits(data_dir, val_start_id=901, n_train=50, n_test=7)
    assert (len(sp.train), len(sp.val), len(sp.test)) == (50, 100, 7)
    assert sp.val[0].id == 901 and sp.train[-1].id == 50


def test_every_file_matches_index_csv(data_dir, index):
    listed = {(s.path.relative_to(data_dir / "nmnist").as_posix()): s
              for split in ("train", "test") for s in list_nmnist(data_dir, split)}
    assert len(index) == len(listed) == 1100
    for row in index:
        s = listed[row["path"]]
        assert s.label == int(row["label"]) and row["split"] == s.path.parts[-3]
        ev = s.read()
        assert len(ev) == int(row["num_events"]), row["path"]
        assert ev["x"].max() < 34 and ev["y"].max() < 34 and set(np.unique(ev["p"])) <= {0, 1}
        assert np.all(np.diff(ev["t"]) >= 0)


def test_agrees_with_tonic_reader(data_dir):
    tonic_io = pytest.importorskip("tonic.io")
    dtype = np.dtype([("x", int), ("y", int), ("t", int), ("p", int)])
    for split in ("train", "test"):
        for s in list_nmnist(data_dir, split):
            ours = read_nmnist_file(s.path)
            ref = tonic_io.read_mnist_file(str(s.path), dtype=dtype)
            assert len(ours) == len(ref), s.path
            for k in "xytp":
                np.testing.assert_array_equal(ours[k], ref[k], err_msg=f"{s.path} field {k}")


def test_synthetic_file_decodes_exactly(tmp_path):
    x, y, p, t = [0, 33, 5, 17], [0, 33, 20, 2], [1, 0, 1, 0], [0, 2**23 - 1, 65536 + 258, 999]
    path = tmp_path / "00001.bin"
    path.write_bytes(encode(x, y, p, t))
    ev = read_nmnist_file(path)
    assert ev["x"].tolist() == x and ev["y"].tolist() == y and ev["p"].tolist() == p and ev["t"].tolist() == t


def test_overflow_markers_shift_later_timestamps_and_are_dropped(tmp_path):
    # event, marker, event, marker, marker, event: later events get +8192 us per marker seen so far
    x = [1, 0, 2, 0, 0, 3]
    y = [1, 240, 2, 240, 240, 3]
    t = [100, 0, 50, 7, 7, 10]
    path = tmp_path / "1.bin"
    path.write_bytes(encode(x, y, [0] * 6, t))
    ev = read_nmnist_file(path)
    assert ev["x"].tolist() == [1, 2, 3]
    assert ev["t"].tolist() == [100, 50 + 8192, 10 + 3 * 8192]
    tonic_io = pytest.importorskip("tonic.io")
    ref = tonic_io.read_mnist_file(str(path), dtype=np.dtype([("x", int), ("y", int), ("t", int), ("p", int)]))
    assert ref["t"].tolist() == ev["t"].tolist()


def test_frame_index_order_and_binning():
    ev = np.zeros(6, dtype=[("x", int), ("y", int), ("t", int), ("p", int)])
    #            x   y   t(us)   p
    rows = [(3, 2, 0, 0),        # row 2*34+3 = 71, bin 0
            (3, 2, 400, 0),      # same pixel, bin 0 again: collapses to 1
            (0, 33, 1500, 1),    # row 1156 + 33*34 = 2278; 1.5 ms rounds half to even -> bin 2
            (33, 0, 2500, 1),    # row 1156 + 33 = 1189; 2.5 ms -> bin 2 (half to even)
            (10, 10, 2501, 0),   # row 350; 2.501 ms -> bin 3
            (5, 5, 9600, 1)]     # bin 10 >= T: dropped
    for i, r in enumerate(rows):
        ev[i] = r
    f = events_to_frames(ev, 10)
    assert f.shape == (2312, 10) and f.dtype == bool
    expected = {(71, 0), (2278, 2), (1189, 2), (350, 3)}
    assert set(zip(*np.nonzero(f))) == expected
    # t_start=2: columns shift left by 2 ms; bin 0 falls off, the 9.6 ms event (bin 10) moves in at column 8
    g = events_to_frames(ev, 10, t_start=2)
    assert set(zip(*np.nonzero(g))) == {(2278, 0), (1189, 0), (350, 1), (1156 + 5 * 34 + 5, 8)}
    u = events_to_frames(ev, 10, dtype=np.uint8)
    assert u.dtype == np.uint8 and u.max() == 1 and u.sum() == 4
    assert time_bins([500, 1500, 2500, 3499], "round").tolist() == [0, 2, 2, 3]
    assert time_bins([500, 1500, 2500, 3999], "floor").tolist() == [0, 1, 2, 3]


def test_frames_match_nalsm_dense_construction(data_dir):
    """Against a direct transcription of spec 2.2: array[p, y, x, round(t/1000)] = 1, reshaped (2312, T)."""
    for s in list_nmnist(data_dir, "test", n=5):
        ev = s.read()
        dense = np.zeros((2, 34, 34, 300))
        t = np.round(ev["t"] / 1000).astype(int)
        k = t < 300
        dense[ev["p"][k], ev["y"][k], ev["x"][k], t[k]] = 1
        np.testing.assert_array_equal(events_to_frames(ev, 300), dense.reshape(2312, 300).astype(bool))


def test_events_to_spikes_batch(data_dir):
    samples = list_nmnist(data_dir, "test", n=3)
    batch = events_to_spikes(samples, 250)
    assert batch.shape == (3, 2312, 250) and batch.dtype == bool
    for b, s in enumerate(samples):
        np.testing.assert_array_equal(batch[b], events_to_frames(s.read(), 250))
    win = events_to_spikes([s.read() for s in samples], 20, t_start=[5, 50, 100])
    np.testing.assert_array_equal(win[1], events_to_frames(samples[1].read(), 300)[:, 50:70])
    with pytest.raises(SpecError, match="t_start must be"):
        events_to_spikes(samples, 20, t_start=[1, 2])


def test_size_not_multiple_of_5(tmp_path):
    path = tmp_path / "7.bin"
    path.write_bytes(encode([1], [1], [0], [5]) + b"\x01\x02")
    with pytest.raises(DataError, match=re.escape(str(path)) + r": size 7 bytes is not a multiple of 5"):
        read_nmnist_file(path)


@pytest.mark.parametrize("x,y", [(34, 0), (0, 34), (255, 3), (3, 239)])
def test_coordinates_out_of_range(tmp_path, x, y):
    path = tmp_path / "8.bin"
    path.write_bytes(encode([1, x], [1, y], [0, 0], [5, 6]))
    with pytest.raises(DataError, match=re.escape(str(path)) + rf": 1 events have coordinates out of range "
                       rf"0\.\.33 \(first: event 1 after dropping overflow markers, x={x}, y={y}\)"):
        read_nmnist_file(path)


def test_missing_split_folder_and_no_files(tmp_path):
    root = tmp_path / "nmnist"
    (root / "Train" / "3").mkdir(parents=True)
    with pytest.raises(DataError, match=r"missing N-MNIST split folder .*nmnist/Test"):
        list_nmnist(tmp_path, "test")
    with pytest.raises(DataError, match=r"no N-MNIST files in .*nmnist/Train"):
        list_nmnist(tmp_path, "train")
    with pytest.raises(DataError, match=r"no nmnist data in .*: expected nmnist/Train"):
        list_nmnist(tmp_path / "nmnist" / "Train", "train")
    with pytest.raises(DataError, match="N-MNIST file not found"):
        read_nmnist_file(tmp_path / "none.bin")


def test_non_numeric_and_duplicate_ids(tmp_path):
    d = tmp_path / "Train"
    (d / "1").mkdir(parents=True)
    (d / "2").mkdir()
    (d / "1" / "00004.bin").write_bytes(b"")
    (d / "2" / "4.bin").write_bytes(b"")
    with pytest.raises(DataError, match="sample id 4 appears twice"):
        list_nmnist(tmp_path, "train")
    (d / "2" / "4.bin").unlink()
    (d / "2" / "abc.bin").write_bytes(b"")
    with pytest.raises(DataError, match=r"abc\.bin: file name is not a numeric sample id"):
        list_nmnist(tmp_path, "train")


def test_decode_empty_and_frame_argument_checks():
    assert len(decode_events(b"")) == 0
    with pytest.raises(SpecError, match="T=0"):
        events_to_frames(decode_events(b""), 0)
    bad = np.zeros(1, dtype=[("x", int), ("y", int), ("t", int), ("p", int)])
    bad["p"] = 2
    with pytest.raises(DataError, match="outside the 34x34x2 sensor"):
        events_to_frames(bad, 5)
