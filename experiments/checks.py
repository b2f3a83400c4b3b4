"""Argument checks of the experiments, run before any work starts so that a bad flag costs one line on stderr
(exit 2), never a traceback from deep inside a run.

``cli.main`` calls ``CHECKS[command](args)`` before dispatching; an experiment's ``run(config)`` may call the
same function on its config dict.
"""

from snn.errors import SpecError
from snn.validate import MAX_MAGNITUDE, check_int, check_real

from .nalsm_config import config_from_args
from .nalsm_sweep import parse_values

MAX_NALSM_NEURONS = 64 ** 3      # the liquid is wired pair by pair (O(n^2) draws): beyond this it would not finish


def _int(cfg, name, lo, *, none_ok=False, hi=None):
    if not (none_ok and cfg.get(name) is None):
        check_int(name, cfg.get(name), lo, hi)


def _real(cfg, name, *, lo=None, hi=None, none_ok=False, lo_open=False):
    if not (none_ok and cfg.get(name) is None):
        check_real(name, cfg.get(name), lo, hi, lo_open)


def nalsm_config(cfg):
    """Check the settings of ``snn nalsm`` (a dict with the keys of experiments.nalsm.DEFAULTS)."""
    _int(cfg, "neurons", 1, hi=MAX_NALSM_NEURONS)
    d = round(cfg["neurons"] ** (1 / 3))
    if d ** 3 != cfg["neurons"]:
        raise SpecError(f"neurons={cfg['neurons']} must be a cube (d*d*d: 1000 = 10^3, 8000 = 20^3) for the 3-D grid")
    _int(cfg, "seed", 0, hi=2 ** 32 - 2)
    for name in ("train", "val", "test"):
        _int(cfg, name, 0, none_ok=True)
    _int(cfg, "init_samples", 0, none_ok=True, hi=10 ** 7)   # phase 1 runs its samples one after another
    readout_config(cfg)
    _int(cfg, "val_start_id", 0)
    _real(cfg, "w_A", none_ok=True, lo=-MAX_MAGNITUDE, hi=MAX_MAGNITUDE)
    _real(cfg, "w_init", none_ok=True, lo=-MAX_MAGNITUDE, hi=MAX_MAGNITUDE)
    _real(cfg, "astro_density", lo=0.0, hi=1.0, lo_open=True)
    _real(cfg, "theta_C", none_ok=True, lo=-MAX_MAGNITUDE, hi=MAX_MAGNITUDE)
    _real(cfg, "dC", none_ok=True, lo=0.0, lo_open=True, hi=MAX_MAGNITUDE)
    if cfg.get("variant", "nalsm") != "lsm-apstdp" and (cfg.get("theta_C"), cfg.get("dC")) != (None, None):
        raise SpecError(f"--theta-C / --delta-C set the calcium gate of --variant lsm-apstdp, not "
                        f"{cfg.get('variant', 'nalsm')!r}")
    _int(cfg, "chunk", 1, hi=10 ** 6)
    _int(cfg, "workers", 1, none_ok=True, hi=1024)
    _int(cfg, "kq_per_class", 1, none_ok=True, hi=10 ** 6)
    _int(cfg, "kq_resamples", 1, none_ok=True, hi=10 ** 6)


def readout_config(cfg):
    """The paper readout's settings (``snn nalsm``, ``snn nalsm-readout``)."""
    _int(cfg, "epochs", 1)
    _int(cfg, "patience", 0, none_ok=True)
    _int(cfg, "readout_batch", 1, none_ok=True)


def nalsm_args(args):
    nalsm_config(config_from_args(args))
    if args.w_sweep is not None:
        parse_values(args.w_sweep)
        if args.w_init is not None:
            raise SpecError("give either --w-init or --w-sweep, not both")


def continual_args(args):
    cfg = vars(args)
    _int(cfg, "tasks", 1)
    _int(cfg, "epochs", 1)
    _int(cfg, "seed", 0, hi=2 ** 63 - 1)
    _int(cfg, "batch_size", 1)
    _int(cfg, "train_per_task", 1, none_ok=True)
    _int(cfg, "test_per_task", 1, none_ok=True)
    _int(cfg, "time_steps", 1, none_ok=True, hi=10_000)
    _int(cfg, "eval_every", 0)
    _int(cfg, "eval_subset", 1)
    _int(cfg, "threads", 1, none_ok=True)
    _real(cfg, "lr", lo=0.0, hi=1e6, lo_open=True)
    _real(cfg, "ewc_lambda", lo=0.0, hi=1e12)
    _int(cfg, "hlop_spiking_steps", 0, hi=10 ** 9)
    _real(cfg, "hlop_spiking_scale", lo=0.0, lo_open=True, hi=MAX_MAGNITUDE)


def cam_args(args):
    cfg = vars(args)
    _int(cfg, "history", 2, none_ok=True, hi=1 << 20)
    if getattr(args, "cam_command", None) == "run":
        _int(cfg, "cue_size", 1, hi=1 << 16)
        _int(cfg, "content_size", 1, hi=1 << 16)


def demo_args(args):
    _int(vars(args), "seed", 0, hi=2 ** 32 - 1)     # the duration is checked by demo.run (and the memory check)


def bench_args(args):
    _real(vars(args), "duration", lo=0.0, lo_open=True, hi=1e6)
    _int(vars(args), "repeats", 1, hi=1000)
    _int(vars(args), "seed", 0, hi=2 ** 63 - 1)


def export_args(args):
    cfg = vars(args)
    _real(cfg, "duration", lo=0.0, lo_open=True, hi=MAX_MAGNITUDE)
    _int(cfg, "task", 0)
    _int(cfg, "image", 0)
    _real(cfg, "max_rate", lo=0.0, lo_open=True, hi=1.0, none_ok=True)


def fidelity_args(args):
    cfg = vars(args)
    _real(cfg, "duration", lo=0.0, lo_open=True, hi=1e6)
    _int(cfg, "test_per_task", 1)
    _real(cfg, "max_rate", lo=0.0, lo_open=True, hi=1.0, none_ok=True)


def nalsm_readout_args(args):
    readout_config(vars(args))


CHECKS = {"nalsm": nalsm_args, "nalsm-readout": nalsm_readout_args, "continual": continual_args, "cam": cam_args,
          "demo": demo_args, "bench": bench_args, "export": export_args, "fidelity": fidelity_args}
