"""SpiNNaker through sPyNNaker: the ``spynnaker.cfg``, the mapping run and the resources it used.

    from snn.hardware import spinnaker
    res = spinnaker.map_network(net)          # check, export, run on a virtual SpiNN-5 board, read placements
    res["chips"], res["cores"], res["populations"]["exc"]["cores"]

sPyNNaker reads ``./spynnaker.cfg`` last (it overrides the others) but insists on a *user* file too
(``~/.spynnaker.cfg`` or the appdirs config dir; with none it writes a template into the home folder and stops).
The mapping therefore runs in a subprocess whose working folder *and* HOME are a temporary folder holding the
config: nothing lands in the repository or in the user's home, and sPyNNaker's global state and reports die with
the process. ``[Mode] mode = Production`` (the default) turns every report off, so a mapping takes about 2 s.

A virtual board maps, places and routes the network without hardware and produces no spikes; the resources
are read from the placements (``pacman.data.PacmanDataView.iterate_placemements`` after ``sim.run``).
"""
import json
import os
from pathlib import Path
import subprocess
import sys
import tempfile

from snn.errors import BackendError, SpecError

from .capabilities import check
from .pynn import export_script


def config_text(machine=None, version=5, extra=None):
    """The text of a ``spynnaker.cfg``: a real board by its address (``machine``), else a virtual board."""
    lines = ["[Machine]", f"version = {int(version)}"]
    if machine:
        lines += [f"machine_name = {machine}", "virtual_board = False"]
    else:
        lines += ["virtual_board = True"]
    lines += ["", "[Mode]", "mode = Production", ""]
    for section, options in (extra or {}).items():
        lines += [f"[{section}]"] + [f"{k} = {v}" for k, v in options.items()] + [""]
    return "\n".join(lines)


def write_config(directory, machine=None, version=5, extra=None):
    """Write ``spynnaker.cfg`` into ``directory`` (see ``config_text``); returns its path."""
    path = Path(directory) / "spynnaker.cfg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config_text(machine, version, extra))
    return path


# what sPyNNaker logs when it can not talk to the board (spinn_front_end_common's machine generation, retried)
MACHINE_FAILURE = "Error on machine_generation"


def _run_script(script, workdir, args, machine, version, timeout):
    work = Path(workdir)
    cfg = config_text(machine, version)
    (work / "spynnaker.cfg").write_text(cfg)
    (work / ".spynnaker.cfg").write_text(cfg)        # the user file sPyNNaker requires, in a private HOME
    env = dict(os.environ, HOME=str(work), XDG_CONFIG_HOME=str(work / "xdg"), MPLCONFIGDIR=str(work / "mpl"))
    proc = subprocess.run([sys.executable, str(script), "--sim", "spinnaker", *args], cwd=work, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        if machine and any(MACHINE_FAILURE in line for line in lines):   # it retried, then gave up on the board
            why = [line.strip() for line in lines if line.strip().startswith("IO Error")] or lines[-1:]
            raise BackendError(f"machine={machine!r}: sPyNNaker could not reach the SpiNNaker board "
                               f"({why[-1] if why else 'no answer'}); check the address and that the board is on")
        raise RuntimeError("sPyNNaker run failed:\n" + "\n".join(lines[-15:]))
    return proc


def check_machine(machine):
    """Refuse a board address that does not resolve, before anything is built (sPyNNaker itself would retry for
    about 15 s). Returns ``machine``."""
    import socket
    try:
        socket.getaddrinfo(str(machine), None)
    except (socket.gaierror, UnicodeError) as exc:
        raise BackendError(f"machine={machine!r}: no such host ({exc.strerror if hasattr(exc, 'strerror') else exc})"
                           ) from None
    return machine


def map_network(net, duration=10.0, machine=None, version=5, inputs=None, name="network", workdir=None,
                timeout=600):
    """Check ``net`` for SpiNNaker, export it, run it (virtual board unless ``machine`` is given) for
    ``duration`` ms and return the resources: {'chips', 'cores', 'sdram_bytes', 'populations': {label: {cores,
    chips, sdram_bytes, atoms_per_core}}, 'delay_extensions', 'system_cores', ...}. On a real board the spikes
    are in ``<workdir>/spikes.npz``. Raises SpecError listing every problem when ``check`` fails."""
    problems = check(net, "spinnaker")
    if problems:
        raise SpecError("the network cannot run on SpiNNaker:\n  - " + "\n  - ".join(problems))
    tmp = None
    if workdir is None:
        # sPyNNaker writes several sqlite databases per run; in memory (/dev/shm) a mapping takes half the time
        shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
        tmp = tempfile.TemporaryDirectory(prefix="snn-spinnaker-", dir=shm)
        workdir = tmp.name
    try:
        script = export_script(net, workdir, "spinnaker", name=name, duration=duration, inputs=inputs)
        _run_script(script, workdir, ["--resources", "resources.json", "--out", "spikes.npz"], machine, version,
                    timeout)
        res = json.loads((Path(workdir) / "resources.json").read_text())
    finally:
        if tmp is not None:
            tmp.cleanup()
    res.update(board="virtual" if not machine else "physical", version=int(version), duration_ms=float(duration))
    return res
