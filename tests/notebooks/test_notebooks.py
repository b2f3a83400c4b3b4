"""Every notebook in notebooks/ runs top to bottom (each ends with cells that assert what it shows: the
simulators agree, accuracy above chance, correct recall, HLOP forgets less, the refused network is refused),
and no committed notebook carries outputs.

The kernel is this interpreter: a kernelspec written to a temporary folder on JUPYTER_PATH, so the test
does not depend on which kernels the machine has registered.
"""
import json
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
NEEDS_DATA = {"04_continual.ipynb"}
CELL_TIMEOUT_S = 600


def test_there_are_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert names == ["01_core_tour.ipynb", "02_nalsm.ipynb", "03_ca3_cam.ipynb", "04_continual.ipynb",
                     "05_deploy_spinnaker.ipynb", "06_pynn_three_simulators.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs(path):
    book = nbformat.read(path, as_version=4)
    for k, cell in enumerate(book.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} cell {k} has outputs"
    assert "widgets" not in book.metadata


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A 'python3' kernelspec for this interpreter, found first through JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "snn-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "snn test kernel", "language": "python"}))
    return str(root)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, kernel_env, monkeypatch, request):
    if path.name in NEEDS_DATA:       # the data_dir fixture skips when the shared datasets are absent
        monkeypatch.setenv("SNN_DATA_DIR", str(request.getfixturevalue("data_dir")))
    monkeypatch.setenv("JUPYTER_PATH", kernel_env + os.pathsep + os.environ.get("JUPYTER_PATH", ""))
    monkeypatch.setenv("NUMBA_THREADING_LAYER", "workqueue")
    monkeypatch.setenv("PYTHONPATH", str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(book, timeout=CELL_TIMEOUT_S, kernel_name="snn-test",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()       # raises CellExecutionError (with the cell and its traceback) on any failure
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
