"""N-MNIST: native reader for the original 40-bit event files, sample listing, and 1 ms binning.

Event format (Orchard et al. 2015; ``specs/reference.md`` 5.1), 5 bytes per event:
byte 0 = x, byte 1 = y, bit 7 of byte 2 = polarity (1 = ON), bits 22-0 = timestamp in microseconds.
An event with y == 240 is a timestamp-overflow marker: 2**13 = 8192 us is added to every later timestamp and the
marker is dropped (as tonic's ``read_mnist_file`` does). NALSM's own reader does not add the 8192 us (it only drops
the marker, whose y is out of range); the files of the original dataset hold no markers in the 1,100 samples
checked, so the two agree there.

Layout: ``<root>/Train/<label>/<id>.bin`` and ``<root>/Test/<label>/<id>.bin``; the label is the folder name.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError, SpecError, check_choice
from .datasets import resolve_dataset_dir

SENSOR = 34                                  # sensor is 34 x 34 pixels
N_POLARITIES = 2
N_INPUTS = N_POLARITIES * SENSOR * SENSOR    # 2312; input index = p*1156 + y*34 + x
OVERFLOW_Y = 240
OVERFLOW_US = 1 << 13
EVENT_DTYPE = np.dtype([("x", np.int16), ("y", np.int16), ("t", np.int64), ("p", np.int8)])
SPLIT_FOLDERS = {"train": "Train", "test": "Test"}


def decode_events(raw, path="<bytes>") -> np.ndarray:
    """Decode N-MNIST bytes into a structured array with fields x, y, t (us), p (0 = OFF, 1 = ON)."""
    b = np.frombuffer(raw, dtype=np.uint8) if not isinstance(raw, np.ndarray) else raw.astype(np.uint8, copy=False)
    if b.size % 5:
        raise DataError(f"{path}: size {b.size} bytes is not a multiple of 5 (40-bit events); file is truncated "
                        "or not an N-MNIST event file")
    x = b[0::5]
    y = b[1::5]
    p = b[2::5] >> 7
    t = ((b[2::5].astype(np.int64) & 0x7F) << 16) | (b[3::5].astype(np.int64) << 8) | b[4::5]
    marker = y == OVERFLOW_Y
    if marker.any():
        t = t + OVERFLOW_US * np.cumsum(marker, dtype=np.int64)
        keep = ~marker
        x, y, p, t = x[keep], y[keep], p[keep], t[keep]
    bad = np.flatnonzero((x >= SENSOR) | (y >= SENSOR))
    if bad.size:
        i = bad[0]
        raise DataError(f"{path}: {bad.size} events have coordinates out of range 0..{SENSOR - 1} "
                        f"(first: event {i} after dropping overflow markers, x={x[i]}, y={y[i]})")
    ev = np.empty(x.size, dtype=EVENT_DTYPE)
    ev["x"], ev["y"], ev["t"], ev["p"] = x, y, t, p
    return ev


def read_nmnist_file(path) -> np.ndarray:
    """Read one N-MNIST ``.bin`` file; see :func:`decode_events` for the result."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: N-MNIST file not found") from None
    return decode_events(raw, path)


@dataclass(frozen=True)
class NmnistSample:
    """One sample file: its numeric id (file stem), label (folder name) and path."""
    id: int
    label: int
    path: Path

    def read(self) -> np.ndarray:
        return read_nmnist_file(self.path)


def list_nmnist(data_dir, split="train", n=None) -> list:
    """The samples of ``split`` (``"train"`` or ``"test"``), sorted by numeric id, optionally the first ``n``.

    ``data_dir`` is the folder holding ``nmnist/`` or the N-MNIST folder itself (holding ``Train/``, ``Test/``).
    """
    check_choice("split", split, tuple(SPLIT_FOLDERS))
    root = resolve_dataset_dir(data_dir, "nmnist")
    folder = root / SPLIT_FOLDERS[split]
    if not folder.is_dir():
        raise DataError(f"missing N-MNIST split folder {folder} (expected {SPLIT_FOLDERS[split]}/<label>/<id>.bin)")
    samples = []
    for label in range(10):
        d = folder / str(label)
        if not d.is_dir():
            continue
        for f in d.glob("*.bin"):
            try:
                sid = int(f.stem)
            except ValueError:
                raise DataError(f"{f}: file name is not a numeric sample id") from None
            samples.append(NmnistSample(sid, label, f))
    if not samples:
        raise DataError(f"no N-MNIST files in {folder} (expected <label 0-9>/<id>.bin)")
    samples.sort(key=lambda s: s.id)
    for a, b in zip(samples, samples[1:]):
        if a.id == b.id:
            raise DataError(f"sample id {a.id} appears twice in {folder}: {a.path} and {b.path}")
    if n is not None:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise SpecError(f"n={n!r} must be None (all) or an integer >= 0")
        samples = samples[:n]
    return samples


@dataclass(frozen=True)
class NmnistSplits:
    """Train / validation / test listings (tuples of :class:`NmnistSample`)."""
    train: tuple
    val: tuple
    test: tuple
    source: str = ""


def nmnist_splits(data_dir, *, val_start_id=50_001, n_train=None, n_val=None, n_test=None) -> NmnistSplits:
    """NALSM's N-MNIST split: train = Train ids < ``val_start_id``, val = Train ids >= it, test = Test.

    The default (50,001) gives 00001-50000 / 50001-60000 / Test 00001-10000 on the full dataset; on a subset
    with fewer files, pick a smaller ``val_start_id`` (validation is empty otherwise). ``n_*`` keep the first N.
    """
    train_all = list_nmnist(data_dir, "train")
    test = list_nmnist(data_dir, "test", n_test)
    tr = [s for s in train_all if s.id < val_start_id]
    va = [s for s in train_all if s.id >= val_start_id]
    cut = lambda s, n: tuple(s if n is None else s[:n])  # noqa: E731
    return NmnistSplits(cut(tr, n_train), cut(va, n_val), tuple(test), str(resolve_dataset_dir(data_dir, "nmnist")))


def time_bins(t_us, rounding="round") -> np.ndarray:
    """1 ms bin index of each timestamp (us).

    ``"round"`` (default, NALSM): ``np.round(t_us / 1000)``, which rounds exact halves to even (500 us -> 0,
    1500 us -> 2, 2500 us -> 2), exactly as NALSM's ``transform_compact_file_to_array`` does. ``"floor"``:
    ``t_us // 1000`` (tonic-style fixed windows).
    """
    check_choice("rounding", rounding, ("round", "floor"))
    t = np.asarray(t_us, dtype=np.int64)
    if rounding == "floor":
        return t // 1000
    return np.round(t / 1000.0).astype(np.int64)


def events_to_frames(events, T, *, t_start=0, rounding="round", dtype=bool) -> np.ndarray:
    """Bin events into a (2312, T) array: row ``p*1156 + y*34 + x``, column ``bin - t_start``.

    ``bin`` is given by :func:`time_bins`. Several events of one pixel and polarity in one bin count once
    (value 1); events whose column falls outside ``0..T-1`` are dropped. ``events`` is a structured array with
    fields x, y, t, p (ours or tonic's).
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T <= 0:
        raise SpecError(f"T={T!r} must be a positive integer number of 1 ms bins")
    if isinstance(t_start, bool) or not isinstance(t_start, (int, np.integer)):
        raise SpecError(f"t_start={t_start!r} must be an integer number of ms")
    x = np.asarray(events["x"], dtype=np.int64)
    y = np.asarray(events["y"], dtype=np.int64)
    p = np.asarray(events["p"], dtype=np.int64)
    bad = (x < 0) | (x >= SENSOR) | (y < 0) | (y >= SENSOR) | (p < 0) | (p > 1)
    if bad.any():
        i = np.flatnonzero(bad)[0]
        raise DataError(f"event {i} is outside the 34x34x2 sensor: x={x[i]}, y={y[i]}, p={p[i]}")
    col = time_bins(events["t"], rounding) - int(t_start)
    keep = (col >= 0) & (col < T)
    frames = np.zeros((N_INPUTS, int(T)), dtype=dtype)
    frames[(p * SENSOR * SENSOR + y * SENSOR + x)[keep], col[keep]] = 1
    return frames
