"""IDX files (MNIST, Fashion-MNIST): a general header parser plus the image/label pair checks.

IDX layout (yann.lecun.com/exdb/mnist): bytes 0-1 are zero, byte 2 is the element type, byte 3 the number of
dimensions; then one big-endian uint32 per dimension; then the data in C order. A file may be gzip-compressed
(``name.gz``) or plain (``name``); :func:`find_idx_file` picks whichever exists.
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from ..errors import DataError

# IDX type byte -> big-endian numpy dtype
IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_TYPE_NAMES = {0x08: "ubyte", 0x09: "byte", 0x0B: "short", 0x0C: "int", 0x0D: "float", 0x0E: "double"}

IMAGE_MAGIC = 0x00000803  # ubyte, 3 dimensions
LABEL_MAGIC = 0x00000801  # ubyte, 1 dimension


def find_idx_file(directory, base: str) -> Path:
    """Return ``directory/base.gz`` if it exists, else ``directory/base``; DataError naming both if neither does."""
    directory = Path(directory)
    candidates = [directory / (base + ".gz"), directory / base]
    for c in candidates:
        if c.is_file():
            return c
    names = " or ".join(c.name for c in candidates)
    raise DataError(f"missing IDX file: looked for {names} in {directory}")


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except EOFError as e:  # gzip stream cut short
        raise DataError(f"{path}: truncated gzip file ({e})") from None
    except (gzip.BadGzipFile, zlib.error) as e:
        raise DataError(f"{path}: corrupt gzip file ({e})") from None


def parse_idx(raw: bytes, path="<bytes>") -> np.ndarray:
    """Decode the bytes of one IDX file into a native-endian array of the shape its header gives."""
    if len(raw) < 4:
        raise DataError(f"{path}: too short for an IDX header ({len(raw)} bytes, need at least 4)")
    z0, z1, typ, ndim = raw[0], raw[1], raw[2], raw[3]
    magic = int.from_bytes(raw[:4], "big")
    if z0 != 0 or z1 != 0 or typ not in IDX_TYPES or ndim == 0:
        raise DataError(
            f"{path}: wrong magic number 0x{magic:08X}; an IDX file starts with 0x00, 0x00, a type byte "
            f"({', '.join(f'0x{t:02X}' for t in IDX_TYPES)}) and a dimension count >= 1"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path}: truncated header: {ndim} dimensions need {header} bytes, file has {len(raw)}")
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = IDX_TYPES[typ]
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    got = len(raw) - header
    if got != expected:
        what = "truncated data" if got < expected else "trailing bytes after the data"
        raise DataError(
            f"{path}: {what}: header says {_TYPE_NAMES[typ]} array of shape {dims} ({expected} bytes), "
            f"but the file holds {got} bytes after the {header}-byte header"
        )
    arr = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def read_idx(path, *, expected_magic: int | None = None) -> np.ndarray:
    """Read one IDX file (``.gz`` or plain) into a numpy array.

    ``expected_magic`` (e.g. :data:`IMAGE_MAGIC`) makes a file of another type or rank a DataError.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if expected_magic is not None and len(raw) >= 4:
        magic = int.from_bytes(raw[:4], "big")
        if magic != expected_magic:
            raise DataError(
                f"{path}: wrong magic number 0x{magic:08X}, expected 0x{expected_magic:08X} "
                f"({_TYPE_NAMES.get((expected_magic >> 8) & 0xFF, '?')}, {expected_magic & 0xFF} dimensions)"
            )
    return parse_idx(raw, path)


def read_idx_pair(directory, prefix: str, *, n_classes: int = 10, image_shape=(28, 28)):
    """Read ``<prefix>-images-idx3-ubyte[.gz]`` and ``<prefix>-labels-idx1-ubyte[.gz]`` from ``directory``.

    Returns ``(images, labels)``: uint8 ``(n, 28, 28)`` and uint8 ``(n,)``. Checks the magic numbers, the image
    shape, that both files hold the same number of items and that every label is in ``0..n_classes-1``.
    """
    ipath = find_idx_file(directory, f"{prefix}-images-idx3-ubyte")
    lpath = find_idx_file(directory, f"{prefix}-labels-idx1-ubyte")
    images = read_idx(ipath, expected_magic=IMAGE_MAGIC)
    labels = read_idx(lpath, expected_magic=LABEL_MAGIC)
    if tuple(images.shape[1:]) != tuple(image_shape):
        raise DataError(f"{ipath}: images are {images.shape[1:]}, expected {tuple(image_shape)}")
    if len(images) != len(labels):
        raise DataError(
            f"count mismatch: {ipath} holds {len(images)} images but {lpath} holds {len(labels)} labels"
        )
    bad = np.flatnonzero(labels >= n_classes)
    if bad.size:
        raise DataError(
            f"{lpath}: {bad.size} labels out of range 0..{n_classes - 1} "
            f"(first at index {bad[0]}: {labels[bad[0]]})"
        )
    return images, labels
