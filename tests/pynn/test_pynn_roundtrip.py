"""The round trip: a script written by ``snn export`` (hardware/pynn.py, target 'nest') run with ``--sim snn``
(snn.pynn) gives the engine's own spikes for the same network, exactly (same schedule, same arithmetic)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from snn.engine import Simulator
from snn.hardware.pynn import export_script

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backends"))
import nets  # noqa: E402


@pytest.mark.parametrize("name, duration", [("single_neurons", 60.0), ("random_network", 500.0)])
def test_exported_script_on_snn_pynn_gives_the_engines_spikes(name, duration, tmp_path):
    net = getattr(nets, name)()
    res = Simulator(net).run(duration)
    script = export_script(net, tmp_path / "export", "nest", name=name, duration=duration)
    out = tmp_path / "spikes.npz"
    proc = subprocess.run([sys.executable, str(script), "--sim", "snn", "--out", str(out)], capture_output=True,
                          text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with np.load(out) as z:
        got = {k.rsplit("__", 1)[0]: None for k in z.files}
        total = 0
        for label in got:
            times, index = z[f"{label}__times"], z[f"{label}__index"]
            t, i = res.spikes(label)
            order = np.lexsort((times, index))
            ref = np.lexsort((t, i))
            np.testing.assert_array_equal(index[order], i[ref])
            np.testing.assert_allclose(times[order], t[ref], rtol=0, atol=1e-9)
            total += t.size
    assert total > 10
