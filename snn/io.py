"""Result files: written atomically (temp file + rename) so an interrupted run never leaves a half file, and
read back with errors that name the file. Only JSON and numpy .npz (allow_pickle=False): nothing is unpickled."""
import json
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .errors import DataError, SpecError


def safe_join(root, *parts):
    """``root / parts...`` for file names that come from input data (a config, a schedule, a model name):
    refuses absolute parts, drive letters, '..', empty or NUL-holding names, and any result that resolves
    (symbolic links included) outside ``root``. Returns the joined Path."""
    root = Path(root)
    for part in parts:
        text = str(part)
        pp = Path(text)
        if not text or "\x00" in text or pp.is_absolute() or pp.drive or ".." in pp.parts or "\\" in text:
            raise SpecError(f"file name {text!r} must be a relative path inside the output folder {root}")
    path = root.joinpath(*map(str, parts))
    base = root.resolve()
    if base != path.resolve() and base not in path.resolve().parents:
        raise SpecError(f"file name {'/'.join(map(str, parts))!r} leads outside the output folder {root}")
    return path


def _umask():
    """The process's file-creation mask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic(path, write):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600; a result file gets the mode open() would give
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _jsonable(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, Path):
        return str(x)
    raise TypeError(f"{type(x).__name__} is not JSON serialisable")


def write_json(path, obj):
    """Write ``obj`` as indented JSON, atomically. numpy scalars and arrays become plain numbers and lists."""
    text = json.dumps(obj, indent=1, default=_jsonable, allow_nan=False) + "\n"
    return _atomic(path, lambda f: f.write(text.encode()))


def read_json(path, what="a JSON file"):
    """Parse a JSON file; a missing, unreadable or malformed file raises DataError naming it and ``what`` was
    expected there."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file (expected {what})") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read {what}: {exc.__class__.__name__}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                        f"expected {what}") from None
    except RecursionError:          # Python's parser recurses once per nested [ or {
        raise DataError(f"{path}: JSON nested too deeply to read; expected {what}") from None


def write_npz(path, **arrays):
    """Save arrays to .npz atomically."""
    return _atomic(path, lambda f: np.savez(f, **arrays))


def read_npz(path):
    """Load an .npz written by ``write_npz`` (no pickles); a damaged file raises DataError naming it."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise DataError(f"array file {str(path)!r} does not exist") from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, RuntimeError) as exc:
        raise DataError(f"array file {str(path)!r} is damaged or not an .npz file: "
                        f"{exc.__class__.__name__}: {exc}") from None
