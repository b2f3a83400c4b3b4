"""The `snn` command: a thin dispatcher. Each subcommand lives in its experiment module, which provides
``add_arguments(parser)`` and ``main(args) -> int``; this file only parses argv and turns user errors into
one clear line on stderr with exit status 2.

User errors: every ``SnnError`` (raised where the input is checked, naming the parameter, file or path), and an
``OSError`` that names a file (a disk that filled up, a folder that vanished mid-run, a file that can not be
read): both are about the user's files and settings, not the code. Anything else is a bug and keeps its
traceback (exit 1)."""
import argparse
import importlib
import sys

from snn import __version__
from snn.errors import SnnError

# subcommand -> (module, one-line help). Modules are imported only to build their own parser.
COMMANDS = {
    "nalsm": ("snn.experiments.nalsm", "NALSM / LSM baselines: two-phase protocol, spike-count features, readout"),
    "nalsm-readout": ("snn.experiments.nalsm_readout",
                      "the readouts again on a finished snn nalsm run's saved features (no simulation)"),
    "cam": ("snn.experiments.cam", "CA3 content-addressable memory: replay a recording or run an operation schedule"),
    "export": ("snn.experiments.export",
               "export a model to PyNN (a script, a NEST run, a SpiNNaker mapping) or to a NIR file"),
    "import-nir": ("snn.experiments.nir_import",
                   "a NIR graph (snnTorch, Norse, Lava-DL, ...) in the engine, or on to a PyNN script, NEST, SpiNNaker"),
    "bench": ("snn.experiments.bench", "time CUBA / COBA / the microcircuit against brian2 (C++ standalone) and NEST"),
    "continual": ("snn.experiments.continual", "HLOP and baselines: continual learning of a spiking MLP"),
    "fidelity": ("snn.experiments.fidelity", "deployed variants vs reference: CAM, CUBA, NALSM liquid, continual MLP"),
    "demo": ("snn.experiments.demo", "a random static liquid on digits: the smallest end-to-end example"),
}


MAX_LINE = 1000       # characters of a user error's line on stderr


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors: one line, exit 2, no usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser():
    parser = _Parser(prog="snn", description="snn: a numba spiking-network simulator (NALSM, CA3 CAM, HLOP).")
    parser.add_argument("--version", action="version", version=f"snn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(module).add_arguments(sp)
        sp.set_defaults(_module=module)
    return parser


def _one_line(exc):
    """The message of a user error on one line (a network's list of problems is joined with '; ')."""
    parts = [p.strip() for p in str(exc).splitlines() if p.strip()] or [exc.__class__.__name__]
    rest = [p.lstrip("- ") for p in parts[1:]]
    line = parts[0] if not rest else f"{parts[0]} {'; '.join(rest)}"
    if len(line) > MAX_LINE:      # a huge value echoed back (a 900-deep list): keep both ends, readable
        line = f"{line[:MAX_LINE - 200]} ... {line[-150:]}"
    return line


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        from .checks import CHECKS
        if args.command in CHECKS:
            CHECKS[args.command](args)     # every flag checked before any work starts
        return int(importlib.import_module(args._module).main(args) or 0)
    except SnnError as exc:
        print(f"snn {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.filename is None:     # not about a path the user named: a bug or the system, keep the traceback
            raise
        where = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
        print(f"snn {args.command}: error: {where}: {exc.strerror or exc.__class__.__name__}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"snn {args.command}: interrupted; rerun the same command to resume where supported", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
