"""The one place where numba flags are set for every kernel.

numba's on-disk cache (``cache=True``) checks only the source file of the function it caches, not the files of
the functions that function calls (nor constants imported from ``snn/cells.py``): after an edit to
``neurons.py`` a cached ``schedules._sample`` would keep running the old neuron code. ``_drop_stale_cache``
therefore clears the kernels' cache whenever any kernel source, ``cells.py`` or ``registry.py`` changed since it
was written.
"""
import hashlib
import os
from pathlib import Path

import numba

NUMBA_FLAGS = dict(cache=True, nogil=True, fastmath=False)


def _drop_stale_cache():
    here = Path(__file__).resolve().parent
    sources = sorted(here.glob("*.py")) + [here.parent / "cells.py", here.parent / "registry.py"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    cache = here / "__pycache__"
    stamp = cache / "snn_kernel_sources.sha256"
    try:
        if stamp.is_file() and stamp.read_text().strip() == digest:
            return
        cache.mkdir(exist_ok=True)
        for f in list(cache.glob("*.nbi")) + list(cache.glob("*.nbc")):
            f.unlink(missing_ok=True)
        tmp = cache / f"{stamp.name}.{os.getpid()}"
        tmp.write_text(digest)
        tmp.replace(stamp)
    except OSError:     # a read-only install: numba then caches elsewhere or not at all
        pass


_drop_stale_cache()


def njit(*args, **overrides):
    """``numba.njit`` with the project's flags; ``@njit`` or ``@njit(parallel=True)``."""
    flags = {**NUMBA_FLAGS, **overrides}
    if args and callable(args[0]):
        return numba.njit(**flags)(args[0])
    return numba.njit(*args, **flags)
