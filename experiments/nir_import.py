"""``snn import-nir FILE --dt DT --target {engine,script,nest,spinnaker} --out DIR``: a NIR graph (from snnTorch,
Norse, Lava-DL, Rockpool, Sinabs, ... or ``snn export MODEL --target nir``) run in snn or taken on to PyNN.

NIR files hold no input data, so every NIR Input node is driven by Bernoulli spikes of probability
``--input-rate`` per step (seeded by ``--seed``), the same spikes for every target:

* ``engine``: run ``--duration`` in the engine; ``DIR/spikes.npz`` and ``DIR/summary.json`` (spike counts);
* ``script``: a self-contained PyNN script for ``--sim`` (``snn export``'s format);
* ``nest``: run in NEST through PyNN, ``DIR/spikes.npz`` and ``DIR/summary.json``;
* ``spinnaker``: check and map on a virtual SpiNN-5 board (or ``--machine HOST``), ``DIR/resources.json``.
The mapping of each NIR node (and its error) is in docs/interoperability.md.
"""
import sys
from pathlib import Path

import numpy as np

from snn.errors import SpecError
from snn.io import write_json


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE", help="the .nir file")
    parser.add_argument("--dt", type=float, required=True,
                        help="time step, in the unit of the graph's time constants (snn calls it ms)")
    parser.add_argument("--target", choices=("engine", "script", "nest", "spinnaker"), default="engine",
                        help="run in the engine (default), write a PyNN script, run in NEST, or map on SpiNNaker")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--duration", type=float, default=100.0, help="run length (default 100)")
    parser.add_argument("--input-rate", type=float, default=0.05,
                        help="spike probability per step of every input neuron (default 0.05)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the input spikes")
    parser.add_argument("--sim", choices=("spinnaker", "nest"), default="spinnaker",
                        help="backend the script is mapped for (--target script)")
    parser.add_argument("--machine", default=None, help="SpiNNaker board address (default: a virtual board)")


def input_events(net, n_steps, rate, seed):
    """{Input label: bool (neurons, steps)}: Bernoulli spikes of probability ``rate`` per step, none in step 0
    (its stamp, dt, is one PyNN/NEST cannot emit: the source is shifted back by min_delay, snn/hardware/pynn.py)."""
    rng = np.random.default_rng(seed)
    out = {p.label: rng.random((p.size, n_steps)) < rate for p in net.populations
           if p.cell_type == "SpikeSourceInput"}
    for x in out.values():
        x[:, 0] = False
    return out


def main(args):
    from snn.nir import from_nir
    if not 0.0 <= args.input_rate <= 1.0:
        raise SpecError(f"--input-rate={args.input_rate!r} must be a probability per step in [0, 1]")
    if not args.duration > 0:
        raise SpecError(f"--duration={args.duration!r} must be > 0")
    net = from_nir(Path(args.file), args.dt)
    n_steps = int(round(args.duration / net.dt))
    events = input_events(net, n_steps, args.input_rate, args.seed)
    out = Path(args.out)
    name = Path(args.file).stem.replace("-", "_")
    if args.target == "engine":
        from snn.engine import Simulator
        from snn.hardware._pynn_runtime import save_spikes
        res = Simulator(net).run(n_steps * net.dt, stimuli={k: v[None] for k, v in events.items()})
        spikes = {p.label: res.spikes(p.label) for p in net.populations}
        return _report(out, spikes, args, "engine")
    # PyNN: an input spike of step t is the SpikeSourceArray time (t + 1) dt (the engine's stamp, emitted in
    # the step that ends there: snn/hardware/pynn.py)
    inputs = {k: [list((np.flatnonzero(row) + 1) * net.dt) for row in v] for k, v in events.items()}
    from snn.hardware.capabilities import check
    backend = {"script": args.sim, "nest": "nest", "spinnaker": "spinnaker"}[args.target]
    problems = check(net, backend)
    if problems:
        print(f"snn import-nir: {args.file} cannot run on {backend}:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    if args.target == "script":
        from snn.hardware.pynn import export_script
        path = export_script(net, out, backend, name=name, duration=args.duration, inputs=inputs)
        print(f"wrote {path} and its network file; run it with `python {path.name}` where PyNN/{backend} is")
    elif args.target == "nest":
        import pyNN.nest as sim
        from snn.hardware.pynn import run
        return _report(out, run(net, sim, args.duration, inputs=inputs), args, "nest")
    else:
        from snn.hardware.spinnaker import map_network
        res = map_network(net, duration=min(args.duration, 10.0) if not args.machine else args.duration,
                          machine=args.machine, name=name, inputs=inputs)
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / "resources.json", dict(res, nir=str(args.file)))
        print(f"SpiNNaker ({res['board']} SpiNN-{res['version']}): {res['chips']} chips, {res['cores']} cores, "
              f"{res['sdram_bytes']} B SDRAM -> {out / 'resources.json'}")
    return 0


def _report(out, spikes, args, backend):
    from snn.hardware._pynn_runtime import save_spikes
    out.mkdir(parents=True, exist_ok=True)
    save_spikes(spikes, out / "spikes.npz")
    counts = {k: int(len(t)) for k, (t, _) in spikes.items()}
    write_json(out / "summary.json", dict(nir=str(args.file), backend=backend, dt=args.dt, duration=args.duration,
                                          input_rate=args.input_rate, seed=args.seed, spike_counts=counts))
    print(f"{backend}: {counts} spikes in {args.duration} -> {out / 'spikes.npz'}")
    return 0
