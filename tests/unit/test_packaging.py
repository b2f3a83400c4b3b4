"""One distribution, four folders, one import tree: a regular (wheel) install must carry snn.models,
snn.hardware and snn.experiments under snn/, and the editable install in use must import all four."""
import importlib
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("snn", "snn.models", "snn.hardware", "snn.experiments")


def test_the_installed_tree_imports_all_four_packages():
    for name in PACKAGES:
        mod = importlib.import_module(name)
        folder = {"snn": "snn", "snn.models": "models", "snn.hardware": "hardware",
                  "snn.experiments": "experiments"}[name]
        assert Path(mod.__file__).resolve().parent == REPO / folder


def test_wheel_maps_the_top_level_folders_into_snn(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path), str(REPO)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    wheel = next(tmp_path.glob("snn-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("snn/__init__.py", "snn/models/__init__.py", "snn/hardware/__init__.py",
                     "snn/experiments/__init__.py", "snn/experiments/cli.py", "snn/kernels/schedules.py"):
        assert expected in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "snn = snn.experiments.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
