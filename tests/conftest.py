"""Shared fixtures. The datasets live outside the repository: ``$SNN_DATA_DIR`` or ``<repo>/../shared/data``."""
import os
from pathlib import Path

import pytest

# NEST's bundled OpenMP runtime and numba's 'omp' threading layer crash when both live in one process (the
# reference tests import NEST next to the engine). numba's own 'workqueue' layer avoids the clash; it must be
# chosen before numba starts its first parallel region.
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir():
    """The folder holding mnist/, fashion-mnist/, nmnist/ (``$SNN_DATA_DIR`` wins), or None if absent."""
    env = os.environ.get("SNN_DATA_DIR")
    path = Path(env) if env else REPO_ROOT.parent / "shared" / "data"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def data_dir():
    path = shared_data_dir()
    if path is None:
        where = "$SNN_DATA_DIR" if os.environ.get("SNN_DATA_DIR") else "<repo>/../shared/data"
        pytest.skip(f"shared datasets not found ({where} is not a directory); set SNN_DATA_DIR to run these tests")
    return path
