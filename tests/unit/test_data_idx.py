"""IDX reader on synthetic files: round trip over types and shapes, and every malformed-file error."""
import gzip
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from snn.data import find_idx_file, load_mnist, read_idx, read_idx_pair
from snn.errors import DataError

TYPE_BYTES = {">u1": 0x08, ">i1": 0x09, ">i2": 0x0B, ">i4": 0x0C, ">f4": 0x0D, ">f8": 0x0E}


def idx_bytes(arr, type_byte=None):
    """Encode ``arr`` as IDX, independently of the reader (header by hand)."""
    dt = np.dtype(arr.dtype).newbyteorder(">")
    t = TYPE_BYTES[dt.str.replace("|", ">")] if type_byte is None else type_byte
    head = bytes([0, 0, t, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return head + arr.astype(dt).tobytes()


def write_pair(folder, images, labels, gz=True, prefix="train"):
    folder.mkdir(parents=True, exist_ok=True)
    for name, arr in ((f"{prefix}-images-idx3-ubyte", images), (f"{prefix}-labels-idx1-ubyte", labels)):
        raw = idx_bytes(arr)
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(raw))
        else:
            (folder / name).write_bytes(raw)


def esc(path):
    return re.escape(str(path))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(list(TYPE_BYTES)), st.lists(st.integers(0, 4), min_size=1, max_size=4),
       st.booleans(), st.integers(0, 2**31 - 1))
def test_round_trip_any_type_and_rank(tmp_path_factory, dtype, shape, gz, seed):
    rng = np.random.default_rng(seed)
    arr = (rng.random(shape) * 100 - (0 if dtype == ">u1" else 50)).astype(np.dtype(dtype))
    d = tmp_path_factory.mktemp("idx")
    path = d / ("a.gz" if gz else "a")
    raw = idx_bytes(arr)
    path.write_bytes(gzip.compress(raw) if gz else raw)
    out = read_idx(path)
    assert out.shape == tuple(shape)
    assert out.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(out, arr)


def test_pair_plain_and_gz_give_uint8(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 7, dtype=np.uint8)
    for gz in (True, False):
        folder = tmp_path / str(gz)
        write_pair(folder, images, labels, gz=gz)
        x, y = read_idx_pair(folder, "train")
        assert x.dtype == np.uint8 and y.dtype == np.uint8
        np.testing.assert_array_equal(x, images)
        np.testing.assert_array_equal(y, labels)


def test_missing_file_names_candidates_and_folder(tmp_path):
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz or train-images-idx3-ubyte in " + esc(tmp_path)):
        find_idx_file(tmp_path, "train-images-idx3-ubyte")


def test_missing_dataset_folder_says_what_was_expected(tmp_path):
    with pytest.raises(DataError, match=r"no mnist data in " + esc(tmp_path) + r": expected mnist/train-images"):
        load_mnist(tmp_path)
    with pytest.raises(DataError, match="does not exist"):
        load_mnist(tmp_path / "nope")


def test_mnist_folder_is_not_read_as_fashion(tmp_path):
    from snn.data import load_fashion_mnist
    write_pair(tmp_path / "mnist", np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.uint8))
    with pytest.raises(DataError, match="another dataset's folder"):
        load_fashion_mnist(tmp_path / "mnist")


def test_truncated_gzip(tmp_path):
    raw = gzip.compress(idx_bytes(np.zeros((50, 28, 28), np.uint8) + 7))
    path = tmp_path / "x.gz"
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataError, match=esc(path) + r": truncated gzip"):
        read_idx(path)


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(b"this is not gzip at all")
    with pytest.raises(DataError, match=esc(path) + r": corrupt gzip"):
        read_idx(path)


@pytest.mark.parametrize("cut", [1, 784])
def test_truncated_data(tmp_path, cut):
    raw = idx_bytes(np.ones((3, 28, 28), np.uint8))
    path = tmp_path / "x"
    path.write_bytes(raw[:-cut])
    with pytest.raises(DataError, match=esc(path) + r": truncated data: header says ubyte array of shape "
                       r"\(3, 28, 28\) \(2352 bytes\), but the file holds " + str(2352 - cut)):
        read_idx(path)


def test_trailing_bytes(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(idx_bytes(np.ones(5, np.uint8)) + b"\0")
    with pytest.raises(DataError, match=esc(path) + r": trailing bytes"):
        read_idx(path)


def test_truncated_header(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(DataError, match=esc(path) + r": truncated header"):
        read_idx(path)


@pytest.mark.parametrize("head", [b"\x1f\x8b\x08\x03", b"\x00\x01\x08\x01", b"\x00\x00\x07\x01", b"\x00\x00\x08\x00"])
def test_wrong_magic(tmp_path, head):
    path = tmp_path / "x"
    path.write_bytes(head + bytes(8))
    with pytest.raises(DataError, match=esc(path) + r": wrong magic number 0x" + head.hex().upper()):
        read_idx(path)


def test_wrong_magic_for_role(tmp_path):
    """A label file where the images should be: valid IDX, wrong magic for the role."""
    folder = tmp_path / "d"
    write_pair(folder, np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8))
    (folder / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.zeros(2, np.uint8))))
    with pytest.raises(DataError, match=r"train-images-idx3-ubyte\.gz: wrong magic number 0x00000801, "
                       r"expected 0x00000803"):
        read_idx_pair(folder, "train")


def test_count_mismatch(tmp_path):
    folder = tmp_path / "d"
    write_pair(folder, np.zeros((5, 28, 28), np.uint8), np.zeros(4, np.uint8))
    with pytest.raises(DataError, match=r"count mismatch: .*train-images-idx3-ubyte\.gz holds 5 images but "
                       r".*train-labels-idx1-ubyte\.gz holds 4 labels"):
        read_idx_pair(folder, "train")


def test_label_out_of_range(tmp_path):
    folder = tmp_path / "d"
    write_pair(folder, np.zeros((5, 28, 28), np.uint8), np.array([0, 1, 10, 3, 200], np.uint8))
    with pytest.raises(DataError, match=esc(folder / "train-labels-idx1-ubyte.gz") +
                       r": 2 labels out of range 0\.\.9 \(first at index 2: 10\)"):
        read_idx_pair(folder, "train")


def test_wrong_image_shape(tmp_path):
    folder = tmp_path / "d"
    write_pair(folder, np.zeros((2, 8, 8), np.uint8), np.zeros(2, np.uint8))
    with pytest.raises(DataError, match=r"images are \(8, 8\), expected \(28, 28\)"):
        read_idx_pair(folder, "train")


def test_plain_file_used_when_no_gz(tmp_path):
    write_pair(tmp_path, np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.uint8), gz=False)
    assert find_idx_file(tmp_path, "train-labels-idx1-ubyte").name == "train-labels-idx1-ubyte"
