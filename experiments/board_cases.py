"""sPyNNaker's board-recorded integration tests (``../shared/spinnaker_board``) run in the 'spinnaker' schedule.

    snn fidelity spinnaker-board [--cases DIR] [--arithmetic float64]

The cases are PyNN scripts written for a SpiNNaker board. The synfire, set-and-reset and STDP cases are translated
here by hand into an snn spec, with the network parameters of its script (``synfire_runner.py``,
``test_set_and_reset.py``, ``test_STDP_pair_additive.py``). What is compared comes from the case's own files: the
board's CSV recordings, or the values its assertions name (read from the script text, not copied here). In the
board's fixed point the scripts of ``board_scripts.SCRIPTS`` also run unchanged, with their own assertions, through
``snn.pynn.spinnaker`` (experiments/board_scripts.py).
"""
import os
import re
from pathlib import Path

import numpy as np

from snn import spec
from snn import spinnaker_host as host
from snn.connectors import FromList, OneToOne
from snn.engine import Simulator
from snn.errors import SpecError
from snn.plasticity import SpikePairSTDP

SUBDIR = Path("sPyNNaker") / "spynnaker_integration_tests"
# synfire_runner.py CELL_PARAMS_LIF, weight_to_spike 2.0; the injection connection (0, 0, 2.0, delay 1)
SYNFIRE_CELL = dict(cm=0.25, i_offset=0.0, tau_m=20.0, tau_refrac=2.0, tau_syn_E=5.0, tau_syn_I=5.0,
                    v_reset=-70.0, v_rest=-65.0, v_thresh=-50.0)


def default_dir():
    env = os.environ.get("SNN_SHARED_DIR")
    return (Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared") / "spinnaker_board"


def synfire(n=20, delay=1.0, weight=2.0):
    """SynfireRunner.do_run: a ring i -> (i + 1) % n (FromListConnector), one SpikeSourceArray spike at 0 into
    neuron 0 (weight 2.0, delay 1)."""
    pops = [spec.Population("pop_1", n, "IF_curr_exp", params=SYNFIRE_CELL),
            spec.Population("inputSSA_1", 1, "SpikeSourceArray", params={"spike_times": [[0.0]]})]
    ring = FromList(tuple((i, (i + 1) % n, weight, float(delay)) for i in range(n)))
    projs = [spec.Projection("pop_1", "pop_1", ring, weight, float(delay)),
             spec.Projection("inputSSA_1", "pop_1", FromList(((0, 0, weight, 1.0),)), weight, 1.0)]
    return spec.Network(pops, projs, dt=1.0, schedule="spinnaker")


def _values(board, got):
    """'bit-exact k/k' or 'j/k exact, max |diff| x' for board values against the run's."""
    same = board == got
    if same.all():
        return f"bit-exact {same.size}/{same.size}", True
    return f"{int(same.sum())}/{same.size} exact, max |diff| {np.abs(board - got).max():.3g}", False


def _verdict(name, version, parts, exact):
    """exact[0]: the spikes (or the case's one check) agree; the rest: values bit-exact."""
    return dict(case=name, version=version, **parts,
                verdict="bit-exact" if all(exact) else "agrees" if exact[0] else "DIFFERS")


def synfire_case(cases, tag, delay, duration, arithmetic, version="2019"):
    """test_param_vertex/<tag>_{spikes,v,gsyn}.csv: spikes (neuron, t), V and gsyn_exc (neuron, t, value)."""
    d = cases / "test_param_vertex"
    res = Simulator(synfire(20, delay), arithmetic=arithmetic, spinnaker_version=version).run(
        float(duration), record_v={"pop_1": None})
    t, i = res.spikes("pop_1")
    board = sorted((int(a), float(b)) for a, b in np.loadtxt(d / f"{tag}_spikes.csv", delimiter=","))
    same = sorted(zip(i.tolist(), t.tolist())) == board
    out = {"spikes": f"identical ({len(board)})" if same else f"differ ({len(t)} vs board {len(board)})"}
    exact = [same]
    _, v = res.v("pop_1")
    recorded = {"v": v}
    if arithmetic == "fixed":
        recorded["gsyn"] = res.gsyn("pop_1", "excitatory")[1]
    for name, arr in recorded.items():
        rows = np.loadtxt(d / f"{tag}_{name}.csv", delimiter=",")
        out[name], ok = _values(rows[:, 2], arr[rows[:, 1].astype(int), rows[:, 0].astype(int)])
        exact.append(ok)
    return _verdict(f"synfire {tag}", version, out, exact)


def _asserted_voltages(text, check):
    """The voltages a ``check_from_*`` method of test_set_and_reset.py asserts, in order."""
    body = text.split(f"def {check}(")[1].split("def ")[0]
    return [float(x) for x in re.findall(r"assert\s+(-?[\d.]+)\s*==", body)]


def set_and_reset_case(cases, arithmetic, version="2021"):
    """test_set_and_reset.py: IF_curr_exp defaults with i_offset 1, tau_syn_E 1, 5 ms; V per tick as asserted by
    check_from_65 (from rest) and check_from_60 (initialize(v=-60)); multi_core: 6 neurons. Every variant checks
    a run that starts from the initial state (the first run, or the run after reset()), which is what is run here;
    continuing state across run() calls between set() and run() is left to snn.pynn (incremental runs)."""
    text = (cases / "test_change_neuron_parameters_between_runs" / "test_set_and_reset.py").read_text()
    results = []
    for v0, check, size in ((-65.0, "check_from_65", 1), (-60.0, "check_from_60", 1), (-65.0, "check_from_65", 6)):
        asserted = np.array(_asserted_voltages(text, check))
        pop = spec.Population("pop", size, "IF_curr_exp", params=dict(i_offset=1.0, tau_syn_E=1.0),
                              initial_values={"v": v0})
        net = spec.Network([pop], dt=1.0, schedule="spinnaker")
        _, v = Simulator(net, arithmetic=arithmetic, spinnaker_version=version).run(
            float(asserted.size), record_v={"pop": None}).v("pop")
        results.append((asserted[:, None] == v).all())
    n = len(results)
    out = {"spikes": "none (none asserted)", "v": f"asserted values {'bit-exact' if all(results) else 'differ'} "
                                                  f"in {sum(results)}/{n} variants"}
    return _verdict("set_and_reset", version, out, [all(results)])


def stdp_case(cases, arithmetic, version="2021"):
    """test_STDP_pair_additive.py potentiation_and_depression: pre [1010, 1050] and extra [1030] through static
    5.0 nA synapses (delay 1), a plastic pair-additive synapse (2.5 nA, delay 3, tau 20/20, A 0.01/0.01, w in
    [0, 5]); the post spikes must be the asserted target_spikes, the weight within rtol 1e-3 of sPyNNaker's own
    ``calculate_spike_pair_additive_stdp_weight`` (6.x: A times max_weight for '2019' / '2021')."""
    text = (cases / "test_stdp" / "test_STDP_pair_additive.py").read_text()
    target = [float(x) for x in re.search(r"target_spikes = \[([^\]]*)\]", text).group(1).split(",")]
    pre, extra = [1010.0, 1050.0], [1030.0]
    rule = SpikePairSTDP(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.01, w_min=0.0, w_max=5.0)
    net = spec.Network(
        [spec.Population("pre", 1, "SpikeSourceArray", params={"spike_times": [pre]}),
         spec.Population("extra", 1, "SpikeSourceArray", params={"spike_times": [extra]}),
         spec.Population("post", 1, "IF_curr_exp")],
        [spec.Projection("pre", "post", OneToOne(), 5.0, 1.0), spec.Projection("extra", "post", OneToOne(), 5.0, 1.0),
         spec.Projection("pre", "post", OneToOne(), 2.5, 3.0, plasticity=rule, label="plastic")],
        dt=1.0, schedule="spinnaker")
    res = Simulator(net, arithmetic=arithmetic, spinnaker_version=version).run(1100.0)
    post = res.spike_trains("post")[0]
    w = float(res.weights("plastic")[2][0])
    same = post.tolist() == target
    out = {"spikes": f"identical ({len(target)})" if same else f"differ ({post.tolist()} vs {target})"}
    try:
        from spynnaker.pyNN.models.neuron.synapse_dynamics.synapse_dynamics_utils import \
            calculate_spike_pair_additive_stdp_weight as reference
        # the script's 6.x reference multiplies A by max_weight, as the 6.x host does; the 7-era's does not
        a = 0.01 * (5.0 if arithmetic == "fixed" and host.era(version) == "6" else 1.0)
        exact = reference(pre_spikes=np.array(pre), post_spikes=post, initial_weight=2.5, plastic_delay=3,
                          a_plus=a, a_minus=a, tau_plus=20.0, tau_minus=20.0)
        ok = bool(np.isclose(w, exact, rtol=1e-3))
        out["weight"] = f"{w:.6g} vs reference {exact:.6g} (rtol 1e-3: {'ok' if ok else 'FAILS'})"
    except ImportError:
        ok, out["weight"] = True, f"{w:.6g} (sPyNNaker not installed: reference not computed)"
    return dict(_verdict("STDP_pair_additive", version, out, [same, ok]), verdict="agrees" if same and ok else
                "DIFFERS")


def board_report(cases_dir=None, arithmetic="fixed"):
    """One result per board case: spikes / V / gsyn agreement and a verdict. The synfire CSVs were recorded in
    2019 (``spinnaker_version='2019'``), the assertions of the other cases are from 2021 code ('2021', named
    explicitly: the default is '2022')."""
    root = Path(cases_dir) if cases_dir else default_dir()
    cases = root / SUBDIR if (root / SUBDIR).is_dir() else root
    if not (cases / "test_param_vertex").is_dir():
        raise SpecError(f"--cases {root}: no sPyNNaker integration tests there (expected "
                        f"{SUBDIR}/test_param_vertex/20_1_v.csv ...)")
    out = [synfire_case(cases, "20_1", 1, 100, arithmetic), synfire_case(cases, "20_7", 7, 200, arithmetic),
           set_and_reset_case(cases, arithmetic, "2021"), stdp_case(cases, arithmetic, "2021")]
    if arithmetic == "fixed":       # the scripts themselves, unchanged, through snn.pynn.spinnaker
        from .board_scripts import script_reports
        out += script_reports(cases)
    for r in out:
        r["version"] = f"spinnaker_version {r['version']}" if arithmetic == "fixed" else "float64 arithmetic"
    return out


def format_line(r):
    parts = "; ".join(f"{k} {v}" for k, v in r.items() if k not in ("case", "version", "verdict"))
    return f"{r['case']} ({r['version']}): {parts} -> {r['verdict']}"
