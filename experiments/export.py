"""``snn export MODEL --target {script,nest,spinnaker} --out DIR``: take a model elsewhere.

* ``script``: ``DIR/run_<model>.py`` + ``DIR/<model>_network.npz``, a self-contained PyNN script (``--sim`` picks
  the backend the parameters are mapped for, SpiNNaker by default);
* ``nest``: build and run the network in NEST through PyNN, write ``DIR/spikes.npz`` and ``DIR/summary.json``;
* ``spinnaker``: check, map on a virtual SpiNN-5 board (or ``--machine HOST``), write ``DIR/resources.json``;
  exits 1 with the list of problems when the network cannot run there.

Models resolve through ``MODELS`` ({name: builder(**options) -> Network}, the options named in ``OPTIONS``; the
builders live in ``models/exports.py``): demo, ca3_cam, ca3_cam_16x6, cuba, nalsm (NALSM's deployable variant: phase-1 weights frozen onto IF_curr_exp,
``models/nalsm_deploy.py``) and continual (the trained MLP of a ``snn continual`` run, ``--run DIR``, on
IF_curr_exp with Poisson pixels of one test image: ``models/continual_deploy.py``).
"""
import json
from pathlib import Path
import sys

from snn.errors import SpecError
from snn.io import write_json
from snn.models.exports import build_ca3_cam, build_cuba, build_demo, build_nalsm_frozen  # noqa: F401 (MODELS)

def build_continual(run=None, data_dir=None, task=0, image=0, duration=100.0, max_rate=None):
    """The trained network of the ``snn continual`` run in folder ``run``, deployable (IF_curr_exp layers, a
    non-spiking integrator head whose V is the logit), driven by Poisson pixels of test ``image`` of ``task``."""
    from .continual_deploy import DEFAULT_MAX_RATE, deployed_network
    if run is None or data_dir is None:
        raise SpecError("snn export continual needs --run (the --out folder of a `snn continual` run) and "
                        "--data-dir (its datasets)")
    return deployed_network(run, data_dir, task=task, image=image, duration=duration,
                            max_rate=max_rate or DEFAULT_MAX_RATE)


# name -> builder(**options) returning a spec.Network; OPTIONS: the export flags a builder takes
MODELS = {"demo": build_demo, "ca3_cam": build_ca3_cam, "ca3_cam_16x6": lambda: build_ca3_cam(16, 6),
          "cuba": build_cuba, "nalsm": build_nalsm_frozen, "continual": build_continual}
OPTIONS = {"continual": ("run", "data_dir", "task", "image", "duration", "max_rate")}


def resolve(name, args=None):
    if name not in MODELS:
        raise SpecError(f"unknown model {name!r}; choose one of {sorted(MODELS)}")
    return MODELS[name](**{k: getattr(args, k) for k in OPTIONS.get(name, ()) if args is not None})


def add_arguments(parser):
    parser.add_argument("model", metavar="MODEL", help=f"model to export: one of {sorted(MODELS)}")
    parser.add_argument("--target", choices=("script", "nest", "spinnaker"), required=True,
                        help="a PyNN script, a run in NEST, or a SpiNNaker mapping")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--duration", type=float, default=100.0, help="ms to run (default 100)")
    parser.add_argument("--sim", choices=("spinnaker", "nest"), default="spinnaker",
                        help="backend the exported script is mapped for (--target script)")
    parser.add_argument("--machine", default=None, help="SpiNNaker board address (default: a virtual board)")
    group = parser.add_argument_group("continual", "the trained network of a `snn continual` run")
    group.add_argument("--run", default=None, help="the --out folder of the run (its checkpoint.npz)")
    group.add_argument("--data-dir", default=None, help="folder holding mnist/ and fashion-mnist/")
    group.add_argument("--task", type=int, default=0, help="task whose test image drives the inputs (default 0)")
    group.add_argument("--image", type=int, default=0, help="index of that test image (default 0)")
    group.add_argument("--max-rate", type=float, default=None,
                       help="input spikes per ms of a white pixel (default 0.5)")


def main(args):
    from snn.hardware.capabilities import check
    net = resolve(args.model, args)
    out = Path(args.out)
    backend = {"script": args.sim, "nest": "nest", "spinnaker": "spinnaker"}[args.target]
    problems = check(net, backend)
    if problems:
        print(f"snn export: {args.model} cannot run on {backend}:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    if args.target == "script":
        from snn.hardware.pynn import export_script
        path = export_script(net, out, backend, name=args.model.replace("-", "_"), duration=args.duration)
        print(f"wrote {path} and its network file; run it with `python {path.name}` where PyNN/{backend} is")
    elif args.target == "nest":
        import pyNN.nest as sim
        from snn.hardware.pynn import run
        from snn.hardware._pynn_runtime import save_spikes
        spikes = run(net, sim, args.duration)
        out.mkdir(parents=True, exist_ok=True)
        save_spikes(spikes, out / "spikes.npz")
        counts = {k: int(len(t)) for k, (t, _) in spikes.items()}
        write_json(out / "summary.json", {"model": args.model, "backend": "nest", "duration_ms": args.duration,
                                          "spike_counts": counts})
        print(f"NEST: {counts} spikes in {args.duration} ms -> {out / 'spikes.npz'}")
    else:
        from snn.hardware.spinnaker import map_network
        res = map_network(net, duration=min(args.duration, 10.0) if not args.machine else args.duration,
                          machine=args.machine, name=args.model.replace("-", "_"))
        out.mkdir(parents=True, exist_ok=True)
        write_json(out / "resources.json", dict(res, model=args.model))
        print(f"SpiNNaker ({res['board']} SpiNN-{res['version']}): {res['chips']} chips, {res['cores']} cores, "
              f"{res['sdram_bytes']} B SDRAM -> {out / 'resources.json'}")
    return 0
