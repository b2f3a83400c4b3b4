"""One PyNN emitter for any PyNN module (``pyNN.spiNNaker``, ``pyNN.nest``, ``pyNN.mock``).

    from snn.hardware import pynn
    import pyNN.nest as sim
    built = pynn.build(net, sim)            # setup + populations + projections (explicit FromList synapses)
    sim.run(100.0)
    spikes = pynn.read_spikes(built)        # {label: (times ms, index)}, the engine's Result.spikes format
    sim.end()

How a ``spec.Network`` maps to PyNN:

* populations: the catalogue's ``pynn_name`` and the PyNN parameter names as they are (the spec uses PyNN's
  names and units). ``SpikeSourceInput`` (per-sample input of the engine) becomes a ``SpikeSourceArray`` whose
  times are given by ``inputs={label: [times of neuron 0, ...]}`` (silent if not given).
* projections: every connector is expanded here, with ``snn.lowering.expand_projections`` (the same function,
  generator as the engine), to a ``FromListConnector`` of (pre, post, weight, delay) rows: same seed, same
  synapses. Rows are sorted by source (stable): sPyNNaker 7.4.1 estimates its row lengths by grouping
  consecutive rows of one source, and unsorted rows overflow its 256-synapse rows. Weights are magnitudes in
  the spec; an inhibitory projection onto a current-based cell gets negative weights, as PyNN requires
  (sPyNNaker takes their absolute value).
* ``SpikePairSTDP`` -> ``STDPMechanism(SpikePairRule(tau_plus, tau_minus, A_plus, A_minus),
  AdditiveWeightDependence(w_min, w_max))``. In the spec, A is an *absolute* weight step (sPyNNaker 7-era).
  sPyNNaker 1!7.4.1 writes ``A_plus * global_weight_scale`` to the board (``weight_dependence_additive.py``:
  the comment still says "pre-multiply A+ and A- by Wmax", the code does not), so A is passed unchanged.
  NEST's ``stdp_synapse`` (PyNN maps A_plus -> lambda) steps by lambda * Wmax, so for NEST A / w_max is passed.
  ``pyNN.mock`` follows PyNN's own definition (A is the amplitude): unchanged. See ``STDP_A_SCALE``.

Spike times: the engine's 'exact' schedule stamps spikes at the end of the step, (t + 1) * dt, as NEST does, and
a SpikeSourceArray time T is emitted in the step that ends at T; PyNN's NEST backend sends array spikes through a
parrot neuron and shifts the generator times by -min_delay so that the parrot fires at T. The two therefore agree
spike for spike (tests/backends/test_nest.py), provided T >= dt + min_delay (NEST cannot emit at T <= min_delay).
"""
from collections import namedtuple
import importlib.util
import inspect

import numpy as np

from snn.cells import CATALOGUE
from snn.errors import SpecError
from snn.lowering import expand_projections
from snn.plasticity import SpikePairSTDP

from . import _pynn_runtime as runtime
from ._pynn_runtime import FORMAT, load_description, save_description, save_spikes

Built = namedtuple("Built", "populations projections description record")

# Multiply the spec's absolute A by this (and by 1/w_max where the value is "w_max") for each backend.
STDP_A_SCALE = {"spinnaker": "absolute", "mock": "absolute", "nest": "per_w_max"}
SIM_MODULES = {"spinnaker": "pyNN.spiNNaker", "nest": "pyNN.nest", "mock": "pyNN.mock"}


def backend_name(sim):
    """'spinnaker' | 'nest' | 'mock' for a PyNN module or a name."""
    name = sim if isinstance(sim, str) else runtime.backend_of(sim)
    if name not in SIM_MODULES:
        raise SpecError(f"backend {name!r} is not known; choose one of {sorted(SIM_MODULES)}")
    return name


def _scalar_or_list(v, size):
    a = np.asarray(v, float)
    if a.ndim == 0:
        return float(a)
    if a.shape != (size,):
        raise SpecError(f"a per-neuron value has shape {a.shape}, expected ({size},)")
    return a.tolist()


def _spike_lists(times, size):
    if len(times) == 0 or np.ndim(times[0]) == 0:
        return [list(map(float, times))] * size
    if len(times) != size:
        raise SpecError(f"spike_times has {len(times)} lists for {size} neurons")
    return [list(map(float, t)) for t in times]


def stdp_parameters(rule, backend):
    """The PyNN ``SpikePairRule`` + ``AdditiveWeightDependence`` arguments that make ``backend`` step the
    weights by the spec's absolute A (see the module docstring)."""
    if not isinstance(rule, SpikePairSTDP) or not rule.float_kernel:
        raise SpecError(f"plasticity {rule!r} has no PyNN standard equivalent here; only SpikePairSTDP with "
                        f"timing='pair', weight_dependence='additive' maps to STDPMechanism(SpikePairRule, "
                        f"AdditiveWeightDependence)")
    scale = 1.0
    if STDP_A_SCALE[backend] == "per_w_max":
        scale = 1.0 / rule.w_max if rule.w_max > 0 else 0.0
    return dict(tau_plus=float(rule.tau_plus), tau_minus=float(rule.tau_minus), A_plus=float(rule.A_plus) * scale,
                A_minus=float(rule.A_minus) * scale, w_min=float(rule.w_min), w_max=float(rule.w_max))


def spec_stdp_parameters(pynn_params, backend):
    """Inverse of ``stdp_parameters``: the spec's absolute A from what ``backend`` was given."""
    p = dict(pynn_params)
    if STDP_A_SCALE[backend] == "per_w_max":
        p["A_plus"] *= p["w_max"]
        p["A_minus"] *= p["w_max"]
    return p


def describe(net, backend, inputs=None):
    """``net`` as a PyNN description for ``backend``: (dict, list of (k, 4) arrays (pre, post, weight, delay_ms)).
    ``inputs``: spike times (ms) for ``SpikeSourceInput`` populations, {label: list per neuron}."""
    backend = backend_name(backend)
    net.validate()
    inputs = dict(inputs or {})
    unknown = set(inputs) - {p.label for p in net.populations if CATALOGUE[p.cell_type].source == "input"}
    if unknown:
        raise SpecError(f"inputs given for {sorted(unknown)}, which are not SpikeSourceInput populations")
    pops = []
    for p in net.populations:
        ct = CATALOGUE[p.cell_type]
        d = dict(label=p.label, size=int(p.size), cell=ct.pynn_name, cell_type=p.cell_type)
        if ct.source == "fixed":
            d["spike_times"] = _spike_lists(p.parameters()["spike_times"], p.size)
        elif ct.source == "input":
            d["spike_times"] = _spike_lists(inputs.get(p.label, []), p.size)
        else:
            d["params"] = {k: _scalar_or_list(v, p.size) for k, v in p.parameters().items()}
            # every state variable explicitly: the engine starts v at v_rest, PyNN at its own default (-65 mV)
            init = {var: ct.default_state(var, p.parameters()) for var in ct.state}
            init.update(p.initial_values)
            d["initial_values"] = {k: _scalar_or_list(v, p.size) for k, v in init.items()}
        pops.append(d)
    projs, conns = [], []
    for proj, pre, post, w, d in expand_projections(net):
        post_ct = CATALOGUE[net.population(proj.post).cell_type]
        sign = -1.0 if (proj.receptor_type == "inhibitory" and post_ct.current_based
                        and proj.plasticity is None) else 1.0
        if proj.plasticity is not None:
            w = np.clip(w, proj.plasticity.w_min, proj.plasticity.w_max)
        order = np.argsort(pre, kind="stable")     # sPyNNaker sizes FromList rows assuming rows grouped by source
        conns.append(np.column_stack([pre, post, sign * w, d * net.dt])[order].astype(np.float64).reshape(-1, 4))
        q = dict(name=proj.name, pre=proj.pre, post=proj.post, receptor=proj.receptor_type, n=int(pre.size))
        if proj.plasticity is not None:
            q["stdp"] = stdp_parameters(proj.plasticity, backend)
            q["rule"] = type(proj.plasticity).__name__
        projs.append(q)
    seen = {}
    for q in projs:   # unlabelled projections between the same populations: 'a->b', 'a->b#2', ...
        seen[q["name"]] = seen.get(q["name"], 0) + 1
        if seen[q["name"]] > 1:
            q["name"] = f"{q['name']}#{seen[q['name']]}"
    max_delay = max([net.dt] + [float(c[:, 3].max()) for c in conns if len(c)])
    desc = dict(format=FORMAT, backend=backend, dt=float(net.dt), seed=int(net.seed), schedule=net.schedule,
                max_delay=max_delay, populations=pops, projections=projs)
    return desc, conns


def build(net, sim, record=None, inputs=None, setup=True):
    """Build ``net`` in the PyNN module ``sim``: ``sim.setup`` (unless ``setup=False``), every population and
    projection; spikes recorded for ``record`` (labels; None: all). Returns Built(populations, projections,
    description) with PyNN objects keyed by population label / projection name."""
    desc, conns = describe(net, backend_name(sim), inputs)
    if setup:
        runtime.setup(desc, sim)
    pops, projs = runtime.build_description(desc, conns, sim, record)
    return Built(pops, projs, (desc, conns), None if record is None else tuple(record))


def read_spikes(built):
    """{label: (times ms, neuron index)} of every recorded population, in time order (ties by index)."""
    return runtime.read_spikes(built.populations, built.record)


def run(net, sim, duration, record=None, inputs=None):
    """setup, build, run, read spikes, end: {label: (times, index)}."""
    desc, conns = describe(net, backend_name(sim), inputs)
    spikes, _ = runtime.run(desc, conns, sim, duration, record)
    return spikes


_SCRIPT = '''#!/usr/bin/env python
"""{title}

Generated by snn {version} (``snn export``); needs only numpy and PyNN with the chosen backend. The network
(populations, parameters, every synapse) is in {data!r} next to this file. Usage:

    python {script} [--sim {{spinnaker,nest}}] [--duration MS] [--out spikes.npz] [--resources resources.json]

On SpiNNaker the board is the one of your spynnaker.cfg (``[Machine] machine_name`` or spalloc); a virtual board
(``virtual_board = True``) maps the network and reports the resources but produces no spikes. STDP amplitudes
were mapped for {backend!r}: rerun ``snn export`` for another backend rather than switching ``--sim``.
"""
import argparse
import importlib
import json
import os
import sys

# ---- runtime: the code snn itself uses to build PyNN networks (snn/hardware/_pynn_runtime.py) ----
{runtime}
# ---- end of runtime ----

SIM_MODULES = {{"spinnaker": "pyNN.spiNNaker", "nest": "pyNN.nest", "snn": "snn.pynn"}}


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="run the exported snn network with PyNN")
    ap.add_argument("--sim", choices=sorted(SIM_MODULES), default={backend!r})
    ap.add_argument("--duration", type=float, default={duration!r}, help="ms")
    ap.add_argument("--out", default="spikes.npz", help="spike times per population (.npz)")
    ap.add_argument("--resources", default=None, help="SpiNNaker only: write cores/chips/SDRAM here (.json)")
    args = ap.parse_args(argv)
    if args.sim != {backend!r}:
        print("warning: this network was mapped for {backend!r} (STDP amplitudes and the other backend-specific "
              "parameters); with --sim " + args.sim + " it is not the same model: rerun snn export with --sim "
              + args.sim, file=sys.stderr)
    desc, conns = load_description(os.path.join(here, {data!r}))
    sim = importlib.import_module(SIM_MODULES[args.sim])
    spikes, res = run(desc, conns, sim, args.duration, resources=args.resources is not None)
    save_spikes(spikes, args.out)
    print("spikes:", {{k: int(len(v[0])) for k, v in spikes.items()}}, "->", args.out)
    if args.resources is not None and res is not None:
        with open(args.resources, "w") as f:
            json.dump(res, f, indent=1)
        print("resources: chips", res["chips"], "cores", res["cores"], "->", args.resources)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''


def export_script(net, out_dir, target="spinnaker", name="network", duration=100.0, inputs=None):
    """Write ``run_<name>.py`` (self-contained: numpy + PyNN) and ``<name>_network.npz`` (description + one
    connection array per projection, no pickle) into ``out_dir`` for ``target`` ('spinnaker' or 'nest').
    Returns the script's path."""
    from pathlib import Path
    from snn import __version__
    if target not in ("spinnaker", "nest"):
        raise SpecError(f"target={target!r}; export a script for 'spinnaker' or 'nest'")
    if not name.replace("_", "").replace("-", "").isalnum():
        raise SpecError(f"name={name!r} must be letters, digits, '-' or '_' (it names files)")
    from snn.io import safe_join
    out = Path(out_dir)
    data = f"{name}_network.npz"
    data_path, script = safe_join(out, data), safe_join(out, f"run_{name}.py")   # names never leave out_dir
    out.mkdir(parents=True, exist_ok=True)
    desc, conns = describe(net, target, inputs)
    save_description(desc, conns, data_path)
    source = inspect.getsource(runtime)
    script.write_text(_SCRIPT.format(title=f"Run the snn network {name!r} with PyNN ({target}).", version=__version__,
                                     data=data, script=script.name, backend=target, duration=float(duration),
                                     runtime=source))
    return script


def available(backend):
    """Whether the PyNN module of ``backend`` can be imported here."""
    return importlib.util.find_spec(SIM_MODULES[backend_name(backend)]) is not None
