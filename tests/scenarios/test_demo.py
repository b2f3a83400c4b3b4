"""The default main job (`make run`): a random liquid on digits classifies far above chance (10 %).

Bound: 50 ms per sample gives about 0.85-0.9 test accuracy on seeds 0-2; 0.7 leaves room for seed noise while a
broken liquid (silent or saturated: ~0.1-0.3) or a broken readout fails."""
import json

from snn.experiments import demo


def test_demo_classifies_digits_and_writes_its_files(tmp_path):
    results = demo.run({"duration_ms": 50.0, "seed": 1}, tmp_path, progress=False)
    assert results["test_accuracy"] > 0.7
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["seed"] == 1 and saved["config"]["duration_ms"] == 50.0 and "numba" in saved["versions"]
    assert (tmp_path / "raster.png").stat().st_size > 1000
