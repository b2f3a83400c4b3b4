"""Hardware fidelity: how far a PyNN backend (NEST) takes a model from the engine and from the recordings.

    snn fidelity cam [--golden DIR]             # CA3 CAM in NEST vs the SpiNNaker recordings (and the engine)
    snn fidelity cuba --duration 200            # CUBA rates: engine ('exact') vs NEST through PyNN
    snn fidelity liquid --duration 250          # frozen NALSM liquid rates: engine vs NEST through PyNN
    snn fidelity liquid-accuracy --out DIR      # digits accuracy of the frozen liquid next to NALSM's
    snn fidelity continual --run DIR --data-dir DATA   # a trained continual-learning MLP deployed (engine)
    snn fidelity spinnaker-board [--cases DIR]  # sPyNNaker's board-recorded cases, bit for bit (board_cases.py)

Each prints a short summary ending in a verdict (experiments/fidelity_summary.py), or with ``--json`` one JSON
object. NEST runs in a child process (``python -m snn.experiments.fidelity nest-...``):
NEST's OpenMP runtime and numba's 'omp' threading layer must not share a process (docs/deployment.md).

CAM alignment: NEST cannot emit an array spike at t <= dt + min_delay, so every input time is shifted by
``CAM_SHIFT`` ms in NEST and the shift is subtracted from every NEST spike before comparison. Mismatches are
counted as in ``snn cam replay``: per neuron, the symmetric difference of recorded and simulated spike times.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from snn.errors import SpecError

CAM_SHIFT = 2
GOLDEN = ("1_learn_recall_by_cue_and_cont_forget.json", "2_tb2_piramidal_sequence_cont.json")
READ_LATENCY_MS = 6


def add_arguments(parser):
    parser.add_argument("what", choices=("cam", "cuba", "liquid", "liquid-accuracy", "continual", "spinnaker-board"),
                        help="cam: CA3 CAM in NEST vs the SpiNNaker recordings; cuba, liquid: rates, engine vs NEST; "
                             "liquid-accuracy: the frozen NALSM liquid's digits accuracy; continual: a trained MLP "
                             "deployed; spinnaker-board: sPyNNaker's board-recorded cases, bit for bit")
    parser.add_argument("--cases", default=None,
                        help="spinnaker-board: folder of the board-recorded cases (default: ../shared/spinnaker_board)")
    parser.add_argument("--arithmetic", choices=("fixed", "float64"), default="fixed",
                        help="spinnaker-board: the schedule's arithmetic (default: the board's fixed point)")
    parser.add_argument("--golden", default=None, help="folder of the CA3 CAM recordings (default: ../shared/...)")
    parser.add_argument("--duration", type=float, default=200.0, help="ms (cuba, liquid, continual)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the network and its inputs (cuba, liquid, liquid-accuracy, continual)")
    parser.add_argument("--json", action="store_true", help="print the raw JSON object instead of the summary")
    parser.add_argument("--out", default="runs/fidelity", help="liquid-accuracy: cache of the NALSM run")
    parser.add_argument("--run", default=None, help="continual: the --out folder of a `snn continual` run")
    parser.add_argument("--data-dir", default=None, help="continual: folder holding mnist/ and fashion-mnist/")
    parser.add_argument("--test-per-task", type=int, default=1000, help="continual: test images per task")
    parser.add_argument("--max-rate", type=float, default=None,
                        help="continual: input spikes per ms of a white pixel (default 0.5)")
    parser.add_argument("--via-nir", action="store_true",
                        help="continual: also the deployed network after a round trip through a NIR file")


def main(args):
    if args.what == "spinnaker-board":      # one line per case, not JSON: the verdicts are read by people
        from .board_cases import board_report, format_line
        reports = list(board_report(args.cases, args.arithmetic))
        for r in reports:
            print(json.dumps(r, default=str) if args.json else format_line(r))
        return 0
    if args.what == "cam":
        out = cam_report(args.golden)
    elif args.what == "cuba":
        out = cuba_rates(args.duration, args.seed)
    elif args.what == "liquid":
        out = liquid_rates(args.duration, args.seed)
    elif args.what == "liquid-accuracy":
        out = liquid_accuracy(args.out, args.seed)
    else:
        from .continual_deploy import DEFAULT_MAX_RATE, deployed_accuracy
        if args.run is None or args.data_dir is None:
            raise SpecError("snn fidelity continual needs --run (a `snn continual` output folder) and --data-dir")
        out = deployed_accuracy(args.run, args.data_dir, test_per_task=args.test_per_task, duration=args.duration,
                                max_rate=args.max_rate or DEFAULT_MAX_RATE, seed=args.seed,
                                via_nir=args.via_nir)
    if getattr(args, "json", False):
        print(json.dumps(out))
    else:
        from .fidelity_summary import summary
        print(summary(args.what, out))
    return 0


# -- running NEST in a child process ---------------------------------------------------------------------------
def _child(*argv, timeout=600):
    env = dict(os.environ, PYNEST_QUIET="1")
    proc = subprocess.run([sys.executable, "-m", "snn.experiments.fidelity", *argv], capture_output=True, text=True,
                          timeout=timeout, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"NEST child process failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _nest_spikes(net, duration, inputs=None):
    import pyNN.nest as sim
    from snn.hardware import pynn
    return pynn.run(net, sim, duration, inputs=inputs)


# -- CA3 CAM ---------------------------------------------------------------------------------------------------
def golden_dir(path=None):
    p = Path(path) if path else Path(__file__).resolve().parents[1].parent / "shared" / "ca3_cam_golden"
    if not p.is_dir():
        raise SpecError(f"CA3 CAM recordings not found at {p}; pass --golden DIR")
    return p


def operations_from_inputs(input_spikes, n):
    """The CAM operations of a recorded input schedule: a learn holds cue + content for 3 ms, a recall by cue is
    one cue spike, a recall by content one spike of the content bits. Returns [(op, t0, cue, bits)]."""
    at = {}
    for k, times in enumerate(input_spikes["cue"]):
        for t in times:
            at.setdefault(int(t), [set(), set()])[0].add(k)
    for k, times in enumerate(input_spikes["cont"]):
        for t in times:
            at.setdefault(int(t), [set(), set()])[1].add(k)
    ops, skip = [], set()
    for t in sorted(at):
        if t in skip:
            continue
        cues, bits = at[t]
        if cues and at.get(t + 1) == [cues, bits] and at.get(t + 2) == [cues, bits]:
            ops.append(("learn", t, min(cues), sorted(bits)))
            skip |= {t + 1, t + 2}
        elif cues:
            ops.append(("recall_cue", t, min(cues), []))
        else:
            ops.append(("recall_content", t, None, sorted(bits)))
    return ops


def decode(olayer_trains, ops, n, latency=READ_LATENCY_MS):
    """What the OLayer says for each operation, read at t0 + latency: content bits (recall by cue), cues
    (recall by content) or the echo bits (learn)."""
    fired = {}
    for k, times in enumerate(olayer_trains):
        for t in times:
            fired.setdefault(int(round(t)), set()).add(k)
    out = []
    for op, t0, _, _ in ops:
        f = sorted(fired.get(t0 + latency, ()))
        out.append([i for i in f if i < n] if op == "recall_content" else [i - n for i in f if i >= n])
    return out


def _cam_spikes(d, backend):
    """{population: per-neuron spike lists (ms, the recording's clock)} of the CAM on ``backend``."""
    from snn.models.ca3_cam import MEMORY_POPULATIONS, OUTPUT, build_cam
    labels = (*MEMORY_POPULATIONS, OUTPUT)
    n, m = d["cueSize"], d["contSize"]
    inputs = {k: d["input_spikes"][k] for k in ("cue", "cont")}
    if backend == "engine":
        from snn.engine import Simulator
        res = Simulator(build_cam(n, m, inputs)).run(float(d["simTime_ms"]))
        return {lab: [list(map(float, tr)) for tr in res.spike_trains(lab)] for lab in labels}
    shifted = {k: [[t + CAM_SHIFT for t in tr] for tr in v] for k, v in inputs.items()}
    net = build_cam(n, m, shifted)
    sp = _nest_spikes(net, float(d["simTime_ms"] + CAM_SHIFT))
    out = {}
    for lab in labels:
        t, i = sp[lab]
        out[lab] = [list(t[i == k] - CAM_SHIFT) for k in range(net.population(lab).size)]
    return out


def _mismatch(recorded, simulated, lag=0):
    return sum(len({int(t) for t in r} ^ {int(round(t - lag)) for t in s}) for r, s in zip(recorded, simulated))


def cam_compare(d, spikes):
    """Per population: recorded spikes, simulated spikes, mismatches at the recording's clock, and the
    latency (0-5 ms) that minimises them with the mismatches left then; decoded operations against the
    recording's own decode (SpiNNaker's answers), read at t0 + 6 and at t0 + 6 + the OLayer latency."""
    from snn.models.ca3_cam import OUTPUT
    n = d["cueSize"]
    pops = {}
    for lab, rec in d["spikes"].items():
        sim = spikes[lab]
        by_lag = [_mismatch(rec, sim, lag) for lag in range(6)]
        pops[lab] = dict(recorded=sum(map(len, rec)), simulated=sum(map(len, sim)), mismatches=by_lag[0],
                         best_latency_ms=int(np.argmin(by_lag)), mismatches_at_best_latency=int(min(by_lag)))
    ops = operations_from_inputs(d["input_spikes"], n)
    want = decode(d["spikes"][OUTPUT], ops, n)
    lat = pops[OUTPUT]["best_latency_ms"]
    got = decode(spikes[OUTPUT], ops, n)
    got_lat = decode(spikes[OUTPUT], ops, n, READ_LATENCY_MS + lat)
    return dict(recorded=sum(p["recorded"] for p in pops.values()),
                mismatches=sum(p["mismatches"] for p in pops.values()),
                mismatches_at_best_latency=sum(p["mismatches_at_best_latency"] for p in pops.values()),
                populations=pops, operations=len(ops),
                ops_right=sum(a == b for a, b in zip(got, want)),
                ops_right_read_at_output_latency=sum(a == b for a, b in zip(got_lat, want)),
                output_latency_ms=lat)


def cam_report(golden=None, backends=("engine", "nest")):
    """The CA3 CAM of every recording on the engine ('spinnaker' schedule) and on NEST (child process)."""
    folder = golden_dir(golden)
    out = {}
    for name in GOLDEN:
        d = json.loads((folder / name).read_text())
        out[name] = {}
        for backend in backends:
            spikes = _child("nest-cam", str(folder / name)) if backend == "nest" else _cam_spikes(d, "engine")
            out[name][backend] = cam_compare(d, spikes)
    return out


# -- CUBA and the frozen liquid: rates ------------------------------------------------------------------------
def _rates(spikes_or_counts, net, duration):
    return {p.label: float(spikes_or_counts[p.label]) / p.size / (duration / 1000.0)
            for p in net.populations if p.label in spikes_or_counts}


def cuba_rates(duration=200.0, seed=0):
    """Mean rates (Hz) of CUBA's exc and inh populations: engine ('exact') and NEST through PyNN."""
    from snn.engine import Simulator
    from snn.models.benchmarks import cuba
    net = cuba(seed=seed)
    res = Simulator(net, record=()).run(duration)
    engine = _rates({lab: res.counts(lab).sum() for lab in ("exc", "inh")}, net, duration)
    nest = _child("nest-cuba", str(duration), str(seed))
    return dict(duration_ms=duration, seed=seed, engine=engine, nest=nest)


def liquid_inputs(n_steps, seed=0, image=0):
    """Events of one digit (NALSM's rate code, per-step Bernoulli) as a bool raster (1, 64, n_steps), silent in
    step 0 (NEST emits array spikes from t = 2 dt), and as spike-time lists (ms, the 'exact' stamps)."""
    from snn.data import load_digits, rate_probabilities
    img = load_digits(seed=0).test.images[image:image + 1]
    p, _ = rate_probabilities(img, on_zero="zero")
    rng = np.random.default_rng([seed, 7])
    ev = rng.random((1, p.shape[1], n_steps)) < p[:, :, None]
    ev[:, :, 0] = False
    times = [list((np.flatnonzero(ev[0, k]) + 1) * 1.0) for k in range(p.shape[1])]
    return ev, times, p[0]


def liquid_rates(duration=250.0, seed=0, w_file=None):
    """Mean rates (Hz) of the frozen liquid (``models/nalsm_deploy.py``; the initial weights, or the phase-1
    weights in ``w_file``) driven by one digit: engine ('exact') and NEST through PyNN."""
    from snn.engine import Simulator
    from snn.models.nalsm_deploy import frozen_liquid
    w = _load_w(w_file)
    n_steps = int(round(duration))
    ev, _, _ = liquid_inputs(n_steps, seed)
    net = frozen_liquid(64, w, seed=seed)
    res = Simulator(net, record=()).run(duration, stimuli={"events": ev})
    engine = _rates({lab: res.counts(lab).sum() for lab in ("input", "exc", "inh")}, net, duration)
    nest = _child("nest-liquid", str(duration), str(seed), w_file or "")
    return dict(duration_ms=duration, seed=seed, weights=w_file or "initial", engine=engine, nest=nest)


def _load_w(w_file):
    if not w_file:
        return None
    from snn.io import read_npz
    z = read_npz(w_file)
    return z["value"] if "value" in z else z["w"]     # experiments/nalsm.py's cache, or a plain {"w": ...}


def liquid_accuracy(out="runs/fidelity", seed=0):
    """Digits accuracy (logistic readout) of NALSM (``snn nalsm``) and of its frozen deployable variant in the
    engine ('exact' schedule, the phase-1 weights of the same run), each on its 250 ms spike counts."""
    from snn.engine import Simulator
    from snn.experiments import nalsm as nalsm_exp
    from snn.models.nalsm_deploy import frozen_liquid
    from snn.readout import train_logistic_readout
    out = Path(out)
    ref = nalsm_exp.run(dict(dataset="digits", readout="logreg", seed=seed), out / "nalsm", progress=False)
    w = _load_w(out / "nalsm" / "w_init.npz")
    data = nalsm_exp.load({**nalsm_exp.DEFAULTS, "dataset": "digits", "seed": seed})
    sim = Simulator(frozen_liquid(data.n_inputs, w, seed=seed), record=())
    feats, sizes = {}, {k: len(v) for k, v in data.labels.items()}
    offsets = {"train": 0, "val": sizes["train"], "test": sizes["train"] + sizes["val"]}
    for split in ("train", "val", "test"):
        idx = np.arange(sizes[split])
        r = sim.run(250.0, batch=idx.size, stimuli={"events": data.stimuli(split, idx, 250)}, seed=seed,
                    sample_offset=offsets[split])
        feats[split] = np.concatenate([r.counts("exc"), r.counts("inh")], axis=1)
    ro = train_logistic_readout(*[(feats[s], data.labels[s]) for s in ("train", "val", "test")])
    rate = float(np.concatenate(list(feats.values())).mean() * 1000.0 / 250.0)
    return dict(nalsm_test_accuracy=ref["test_accuracy"], nalsm_liquid_rate_hz=ref["liquid_rate_hz"],
                frozen_test_accuracy=ro.test_accuracy, frozen_val_accuracy=ro.val_accuracy,
                frozen_liquid_rate_hz=rate, sizes=sizes)


# -- the child process side ------------------------------------------------------------------------------------
def _child_main(argv):
    what = argv[0]
    if what == "nest-cam":
        d = json.loads(Path(argv[1]).read_text())
        out = _cam_spikes(d, "nest")
    elif what == "nest-cuba":
        from snn.models.benchmarks import cuba
        duration, seed = float(argv[1]), int(argv[2])
        net = cuba(seed=seed)
        sp = _nest_spikes(net, duration)
        out = _rates({lab: sp[lab][0].size for lab in ("exc", "inh")}, net, duration)
    elif what == "nest-liquid":
        from snn.models.nalsm_deploy import frozen_liquid
        duration, seed = float(argv[1]), int(argv[2])
        net = frozen_liquid(64, _load_w(argv[3] if len(argv) > 3 else ""), seed=seed)
        _, times, _ = liquid_inputs(int(round(duration)), seed)
        sp = _nest_spikes(net, duration, inputs={"events": times})
        out = _rates({lab: sp[lab][0].size for lab in ("input", "exc", "inh")}, net, duration)
    else:
        raise SystemExit(f"unknown child command {what!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("nest-"):
        _child_main(sys.argv[1:])
    else:
        import argparse
        ap = argparse.ArgumentParser(prog="python -m snn.experiments.fidelity")
        add_arguments(ap)
        sys.exit(main(ap.parse_args()))
