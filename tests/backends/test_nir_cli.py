"""NIR through the command line and the trained continual network through NIR.

* the deployable continual MLP (models/continual_deploy.py) written to a .nir file and read back classifies the
  digits with the same logits (same seed: same input spikes, same synapses, same arithmetic up to an ulp);
* ``snn import-nir FILE --target engine`` gives the spike counts of the engine run on the same input spikes;
* ``--target spinnaker`` maps the imported network on a virtual SpiNN-5 board;
* user errors cost one line on stderr and exit status 2.
"""
import json

import numpy as np
import pytest

nir = pytest.importorskip("nir")

from snn.engine import Simulator  # noqa: E402
from snn.experiments.cli import main  # noqa: E402
from snn.experiments.nir_import import input_events  # noqa: E402
from snn.models.continual_deploy import deployable_mlp, engine_logits, model_to_nir  # noqa: E402
from snn.nir import from_nir, to_nir  # noqa: E402

from test_continual_deploy import _train_on_digits  # noqa: E402


def test_continual_network_through_a_nir_file_gives_the_same_logits(tmp_path):
    model, p, y, mean, std = _train_on_digits("dsr", epochs=4)
    net = deployable_mlp(model, duration=50.0, mean=mean, std=std)
    nir.write(tmp_path / "c.nir", to_nir(net))
    back = from_nir(tmp_path / "c.nir", net.dt)
    assert [q.label for q in back.populations] == ["pixels", "hidden1", "hidden2", "out"]
    g = model_to_nir(model, duration=50.0, mean=mean, std=std)
    assert [type(g.nodes[k]).__name__ for k in ("pixels", "hidden1", "hidden2", "out")] == \
        ["Input", "CubaLIF", "CubaLIF", "CubaLIF"]
    z0 = engine_logits(net, p[:120], 50.0, seed=3)
    z1 = engine_logits(back, p[:120], 50.0, seed=3)
    np.testing.assert_allclose(z1, z0, rtol=1e-9, atol=1e-12)
    assert np.mean(z0.argmax(1) == y[:120]) > 0.7


def _small(tmp_path):
    rng = np.random.default_rng(0)
    sign = lambda shape: rng.choice([-1, 1], shape) * rng.uniform(0.2, 1.5, shape)  # noqa: E731
    g = nir.NIRGraph.from_list(
        nir.Affine(weight=sign((20, 10)), bias=np.full(20, 0.01)),
        nir.LIF(tau=np.full(20, 10.0), r=np.full(20, 2.0), v_leak=np.zeros(20), v_threshold=np.ones(20)),
        nir.Linear(weight=2 * np.abs(sign((5, 20)))),
        nir.CubaLIF(tau_syn=np.full(5, 5.0), tau_mem=np.full(5, 10.0), r=np.ones(5), v_leak=np.zeros(5),
                    v_threshold=np.ones(5)))
    nir.write(tmp_path / "small.nir", g)
    return tmp_path / "small.nir"


def test_import_nir_engine_counts_match_a_direct_run(tmp_path):
    path = _small(tmp_path)
    assert main(["import-nir", str(path), "--dt", "1", "--out", str(tmp_path / "o"), "--duration", "80",
                 "--input-rate", "0.2", "--seed", "4"]) == 0
    counts = json.loads((tmp_path / "o" / "summary.json").read_text())["spike_counts"]
    net = from_nir(path, 1.0)
    ev = input_events(net, 80, 0.2, 4)
    res = Simulator(net).run(80.0, stimuli={k: v[None] for k, v in ev.items()})
    assert counts == {p.label: int(res.counts(p.label).sum()) for p in net.populations}
    assert counts["lif"] > 0 and counts["cubalif"] > 0


def test_import_nir_maps_on_a_virtual_spinnaker_board(tmp_path):
    pytest.importorskip("spynnaker")
    path = _small(tmp_path)
    assert main(["import-nir", str(path), "--dt", "1", "--target", "spinnaker", "--out", str(tmp_path / "s")]) == 0
    res = json.loads((tmp_path / "s" / "resources.json").read_text())
    assert res["board"] == "virtual" and set(res["populations"]) == {"input", "lif", "cubalif"}


@pytest.mark.parametrize("argv, message", [
    (["import-nir", "missing.nir", "--dt", "1", "--out", "o"], "no NIR file missing.nir"),
    (["import-nir", "SMALL", "--dt", "0", "--out", "o"], "dt=0.0 must be a finite time step > 0"),
    (["import-nir", "SMALL", "--dt", "1", "--out", "o", "--input-rate", "2"], "--input-rate=2.0 must be"),
    (["export", "stdp_relay", "--target", "nir", "--out", "o"], "NIR holds continuous-time models"),
])
def test_cli_errors_are_one_line(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = [str(_small(tmp_path)) if a == "SMALL" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_import_nir_nest_gives_the_engines_spikes(tmp_path):
    """NIR -> snn -> PyNN -> NEST (iaf_psc_delta for LIF, iaf_psc_exp for CubaLIF, both exact on the grid):
    the same spike times as the engine on the same input spikes. NEST runs in a subprocess (its OpenMP and
    numba's do not share a process)."""
    pytest.importorskip("pyNN.nest")
    import subprocess
    import sys
    path = _small(tmp_path)
    spikes = {}
    for target in ("engine", "nest"):
        proc = subprocess.run([sys.executable, "-m", "snn", "import-nir", str(path), "--dt", "1", "--target", target,
                               "--out", str(tmp_path / target), "--duration", "100", "--input-rate", "0.2"],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        with np.load(tmp_path / target / "spikes.npz") as z:
            spikes[target] = {k: z[k] for k in z.files}
    assert spikes["engine"]["lif__times"].size > 20 and spikes["engine"]["cubalif__times"].size > 5
    assert spikes["nest"].keys() == spikes["engine"].keys()
    for k, v in spikes["engine"].items():
        np.testing.assert_array_equal(spikes["nest"][k], v)
