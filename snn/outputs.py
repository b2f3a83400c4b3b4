"""Output locations, checked before any work starts: a run that can not write its results should fail in its
first second with one line naming the path, not after an hour with a traceback (and half its files written).

``check_dir`` (a folder a command writes into), ``check_file`` (one result file) and ``check_figure`` (a
matplotlib figure: the format comes from the extension) raise ``OutputError`` (an ``SnnError``) naming the
option, the path and what is wrong. Nothing is created here: the writers make missing folders when they write.
"""
import os
from pathlib import Path

from .errors import SnnError

# virtual file systems of the kernel: writing a result there is never meant (and fails, or worse, succeeds)
FORBIDDEN_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))
# matplotlib's savefig picks the format from the extension and appends '.png' (rcParams['savefig.format'])
# to a name without one
DEFAULT_FIGURE_FORMAT = "png"


class OutputError(SnnError, ValueError):
    """An output location (folder or file) that can not be written."""


def _nearest_existing(path):
    p = path
    while not p.exists() and not p.is_symlink():
        if p.parent == p:
            break
        p = p.parent
    return p


def _check_location(path, what):
    """Common checks of a path that will be created or replaced; returns it as a Path."""
    text = str(path)
    if not text or "\x00" in text:
        raise OutputError(f"{what} {text!r} is not a usable path")
    path = Path(text).expanduser()
    full = Path(os.path.abspath(path))
    real = full.resolve()
    for root in FORBIDDEN_ROOTS:
        if root in (full, *full.parents) or root in (real, *real.parents):
            raise OutputError(f"{what} {text}: {root} is a virtual file system of the kernel, not a place for "
                              f"results; choose a folder on disk")
    # every existing ancestor must be a folder, and the nearest one writable (the rest will be created in it)
    base = _nearest_existing(full.parent)
    for p in (base, *base.parents):
        if p.exists() and not p.is_dir():
            raise OutputError(f"{what} {text}: {p} is a file, not a folder")
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputError(f"{what} {text}: no permission to write in {base}")
    return path


def check_dir(path, option="--out"):
    """``path`` is a folder that exists and is writable, or one that can be created. Returns it as a Path."""
    what = option
    p = _check_location(path, what)
    if p.exists() or p.is_symlink():
        if not p.is_dir():
            raise OutputError(f"{what} {path}: exists and is not a folder (a folder is needed here; choose "
                              f"another name or remove the file)")
        if not os.access(p, os.W_OK | os.X_OK):
            raise OutputError(f"{what} {path}: no permission to write in this folder")
    return p


def check_file(path, option="--out"):
    """``path`` is a file that can be written (created or replaced); not a folder. Returns it as a Path."""
    p = _check_location(path, option)
    if p.is_dir():
        raise OutputError(f"{option} {path}: is a folder; give a file name")
    return p              # replaced by a rename: the folder's permission is what counts (checked above)


def figure_formats():
    """File extensions matplotlib can write (png, pdf, svg, ...), without the dot."""
    from matplotlib.backend_bases import FigureCanvasBase
    return tuple(sorted(FigureCanvasBase.get_supported_filetypes()))


def check_figure(path, option="--plot"):
    """``path`` is a figure file matplotlib can write. A name without an extension gets '.png' (what matplotlib
    would write); returns the path that will really be written, so the caller can report it."""
    p = Path(str(path))
    if p.is_dir():
        raise OutputError(f"{option} {path}: is a folder; give a file name such as {p / 'figure.png'}")
    if not p.suffix:
        p = p.with_name(f"{p.name}.{DEFAULT_FIGURE_FORMAT}")
    fmt = p.suffix[1:].lower()
    formats = figure_formats()
    if fmt not in formats:
        raise OutputError(f"{option} {path}: matplotlib can not write '.{fmt}' figures; use one of "
                          f"{', '.join('.' + f for f in formats)}")
    return check_file(p, option)
