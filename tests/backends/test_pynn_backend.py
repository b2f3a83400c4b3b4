"""``hardware.backends.run(net, T, 'pynn', sim=...)``, the PyNN emitter behind the backends' one interface, against
the engine's own spikes; and NestPairSTDP (NEST's stdp_synapse) exported by ``snn export --target script``, run
on pyNN.nest and on snn.pynn, against the engine's spikes and learned weights.

Tolerances: on snn.pynn the emitted network is the engine's network again (same schedule, same arithmetic):
spike times to 1e-9 ms, weights to 1e-12 relative. NEST integrates IF_curr_exp with the same exact propagators
and steps stdp_synapse with the same formulas (snn/plasticity.py NestPairSTDP): the same spikes (times to
1e-9 ms) and weights to 1e-9 relative (float rounding of the exponentials in another order). NEST runs in
subprocesses (its OpenMP runtime and numba's threads do not share a process well).
"""
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from snn.connectors import AllToAll, OneToOne
from snn.engine import Simulator
from snn.hardware import backends
from snn.hardware.pynn import export_script
from snn.plasticity import NestPairSTDP
from snn.spec import Network, Population, Projection

import nets

HERE = Path(__file__).resolve().parent
# one tau_plus, one tau_minus and Gutig's mu = 0.5: what pyNN.nest can run (the last test)
RULES = {"additive": NestPairSTDP(tau_plus=10.0, tau_minus=20.0, A_plus=0.05, A_minus=0.06, w_max=1.0),
         "gutig": NestPairSTDP(tau_plus=10.0, tau_minus=20.0, A_plus=0.08, A_minus=0.05, w_max=1.0,
                               mu_plus=0.5, mu_minus=0.5)}


def stdp_network():
    """Six sources firing at lags -12 ... +13 ms around a driven post cell's spikes, onto two cells through two
    plastic projections (an additive and a Gutig rule), 'exact' schedule."""
    pre_times = [[30.0 + 60 * k + lag for k in range(4)] for lag in (-12.0, -6.0, -1.0, 2.0, 7.0, 13.0)]
    pops = [Population("pre", 6, "SpikeSourceArray", params=dict(spike_times=pre_times)),
            Population("drive", 2, "SpikeSourceArray", params=dict(spike_times=[30.0 + 60 * k for k in range(4)])),
            Population("post", 2, "IF_curr_exp", dict(tau_refrac=2.0))]
    projs = [Projection("drive", "post", OneToOne(), 20.0, 1.0)]
    projs += [Projection("pre", "post", AllToAll(), 0.4, 1.0, plasticity=rule, label=name)
              for name, rule in RULES.items()]
    return Network(pops, projs, dt=0.1, schedule="exact", seed=3)


def _same_spikes(got, res, labels):
    total = 0
    for label in labels:
        t, i = res.spikes(label)
        times, index = got[label]
        a, b = np.lexsort((times, index)), np.lexsort((t, i))
        np.testing.assert_array_equal(np.asarray(index)[a], i[b])
        np.testing.assert_allclose(np.asarray(times)[a], t[b], rtol=0, atol=1e-9)
        total += t.size
    return total


@pytest.mark.parametrize("name, duration", [("single_neurons", 60.0), ("stdp", 260.0)])
def test_backend_pynn_on_snn_gives_the_engines_spikes(name, duration):
    net = stdp_network() if name == "stdp" else getattr(nets, name)()
    res = Simulator(net).run(duration)
    out = backends.run(net, duration, "pynn", sim="snn")
    labels = [p.label for p in net.populations]
    assert _same_spikes(out.spikes, res, labels) > 8
    for label in labels:                # the counts the backend derives agree with its spikes
        assert out.counts[label].sum() == res.spikes(label)[0].size


def test_backend_pynn_on_nest_gives_the_engines_spikes(tmp_path):
    pytest.importorskip("pyNN.nest")
    net, duration = nets.single_neurons(), 60.0
    out = tmp_path / "spikes.npz"
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import nets; "
            "from snn.hardware import backends; from snn.hardware._pynn_runtime import save_spikes; "
            f"save_spikes(backends.run(nets.single_neurons(), {duration!r}, 'pynn', sim='nest').spikes, {str(out)!r})")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with np.load(out) as z:
        got = {label: (z[f"{label}__times"], z[f"{label}__index"]) for label in ("drive", "stim", "cells")}
    assert _same_spikes(got, Simulator(net).run(duration), got) > 8


def test_unknown_pynn_simulator_is_refused():
    with pytest.raises(Exception, match="brian"):
        backends.run(nets.single_neurons(), 10.0, "pynn", sim="brian")


@pytest.mark.parametrize("sim, rtol", [("snn", 1e-12), ("nest", 1e-9)])
def test_exported_nest_pair_stdp_gives_the_engines_spikes_and_weights(sim, rtol, tmp_path):
    if sim == "nest":
        pytest.importorskip("pyNN.nest")
    net, duration = stdp_network(), 260.0
    res = Simulator(net).run(duration)
    script = export_script(net, tmp_path / "export", "nest", name="stdp", duration=duration)
    spikes, weights = tmp_path / "spikes.npz", tmp_path / "weights.npz"
    proc = subprocess.run([sys.executable, str(script), "--sim", sim, "--out", str(spikes), "--weights",
                           str(weights)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with np.load(spikes) as z:
        got = {label: (z[f"{label}__times"], z[f"{label}__index"]) for label in ("pre", "drive", "post")}
    assert _same_spikes(got, res, got) > 30
    with np.load(weights) as z:
        assert sorted(z.files) == sorted(RULES)
        for name in RULES:
            pre, post, w = res.weights(name)
            order = np.lexsort((post, pre))
            rows = z[name]
            np.testing.assert_array_equal(rows[:, :2], np.column_stack([pre, post])[order])
            assert np.ptp(w) > 0.1           # the rule moved the weights apart: the comparison is not vacuous
            np.testing.assert_allclose(rows[:, 2], w[order], rtol=rtol, atol=0)


def test_nest_pair_stdp_is_not_exported_for_spinnaker(tmp_path):
    with pytest.raises(Exception, match="NestPairSTDP"):
        export_script(stdp_network(), tmp_path, "spinnaker")


@pytest.mark.parametrize("change, match", [(dict(tau_plus=15.0), "tau_plus"), (dict(tau_minus=15.0), "tau_minus"),
                                           (dict(mu_plus=0.4), "mu_plus")])
def test_what_pynn_nest_would_run_otherwise_is_refused(change, match, tmp_path):
    """pyNN.nest shares tau_plus / tau_minus among STDP projections and drops Gutig's mu (measured: the weights
    then differ from the engine's); the emitter refuses such a network for NEST, and writes it for snn.pynn."""
    net = stdp_network()
    gutig = replace(net.projections[2], plasticity=replace(RULES["gutig"], **change))
    net = replace(net, projections=tuple(net.projections[:2]) + (gutig,))
    with pytest.raises(Exception, match=match):
        export_script(net, tmp_path, "nest")
    from snn.hardware.pynn import describe
    assert describe(net, "snn")[0]["projections"][2]["stdp"]["weight_dependence"] == "GutigWeightDependence"
