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
from snn.plasticity import NestPairSTDP, SpikePairSTDP

from . import _pynn_runtime as runtime
from ._pynn_runtime import FORMAT, load_description, save_description, save_spikes

Built = namedtuple("Built", "populations projections description record")

# Multiply the spec's absolute A by this (and by 1/w_max where the value is "w_max") for each backend.
# snn.pynn runs STDPMechanism as NEST's stdp_synapse (snn/pynn/standardmodels.py), so it takes NEST's scale.
STDP_A_SCALE = {"spinnaker": "absolute", "mock": "absolute", "nest": "per_w_max", "snn": "per_w_max"}
SIM_MODULES = {"spinnaker": "pyNN.spiNNaker", "nest": "pyNN.nest", "mock": "pyNN.mock", "snn": "snn.pynn"}
# NestPairSTDP's (mu_plus, mu_minus) -> PyNN's weight dependence with those exponents in NEST's stdp_synapse
# (pyNN/nest/standardmodels.py); any other pair is GutigWeightDependence(mu_plus, mu_minus)
WEIGHT_DEPENDENCES = {(0.0, 0.0): "AdditiveWeightDependence", (1.0, 1.0): "MultiplicativeWeightDependence",
                      (0.0, 1.0): "AdditivePotentiationMultiplicativeDepression"}


def backend_name(sim):
    """'spinnaker' | 'nest' | 'mock' | 'snn' for a PyNN module or a name."""
    name = sim if isinstance(sim, str) else "snn" if sim.__name__ == "snn.pynn" else runtime.backend_of(sim)
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
    """The PyNN ``SpikePairRule`` + weight-dependence arguments (and the weight dependence's name) that make
    ``backend`` run ``rule``: SpikePairSTDP steps the weights by the spec's absolute A (see the module
    docstring); NestPairSTDP is NEST's stdp_synapse, whose PyNN parameters it holds as they are."""
    if isinstance(rule, NestPairSTDP):
        if backend not in rule.pynn_backends:
            raise SpecError(f"NestPairSTDP (NEST's stdp_synapse) is exported for {list(rule.pynn_backends)}, not "
                            f"{backend!r}; on SpiNNaker use SpikePairSTDP (sPyNNaker's rule)")
        out = {k: float(getattr(rule, k)) for k in ("tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max")}
        mu = (float(rule.mu_plus), float(rule.mu_minus))
        out["weight_dependence"] = WEIGHT_DEPENDENCES.get(mu, "GutigWeightDependence")
        if out["weight_dependence"] == "GutigWeightDependence":
            out.update(mu_plus=mu[0], mu_minus=mu[1])
        return out
    if not isinstance(rule, SpikePairSTDP) or not rule.float_kernel:
        raise SpecError(f"plasticity {rule!r} has no PyNN standard equivalent here; only NestPairSTDP and "
                        f"SpikePairSTDP with timing='pair', weight_dependence='additive' map to "
                        f"STDPMechanism(SpikePairRule, a weight dependence)")
    scale = 1.0
    if STDP_A_SCALE[backend] == "per_w_max":
        scale = 1.0 / rule.w_max if rule.w_max > 0 else 0.0
    return dict(tau_plus=float(rule.tau_plus), tau_minus=float(rule.tau_minus), A_plus=float(rule.A_plus) * scale,
                A_minus=float(rule.A_minus) * scale, w_min=float(rule.w_min), w_max=float(rule.w_max),
                weight_dependence="AdditiveWeightDependence")


def spec_stdp_parameters(pynn_params, backend):
    """Inverse of ``stdp_parameters``: the spec's absolute A from what ``backend`` was given."""
    p = dict(pynn_params)
    if STDP_A_SCALE[backend] == "per_w_max":
        p["A_plus"] *= p["w_max"]
        p["A_minus"] *= p["w_max"]
    return p


def _check_nest_stdp(projs, backend):
    """What pyNN.nest 0.13 would silently run otherwise (measured against the engine while writing
    tests/backends/test_pynn_backend.py): with two tau_plus or two tau_minus among the STDP projections, one
    projection's weights follow the other's value (NEST keeps tau_minus on the post neuron); and its
    GutigWeightDependence drops mu_plus / mu_minus (its __init__ keeps PyNN's defaults, 0.5)."""
    if backend != "nest":
        return
    stdp = [q["stdp"] for q in projs if q.get("stdp")]
    for name in ("tau_plus", "tau_minus"):
        values = sorted({s[name] for s in stdp})
        if len(values) > 1:
            raise SpecError(f"plastic projections with {name} values {values}: pyNN.nest runs one {name} for all "
                            f"of them; give them one value")
    for s in stdp:
        if s["weight_dependence"] == "GutigWeightDependence" and (s["mu_plus"], s["mu_minus"]) != (0.5, 0.5):
            raise SpecError(f"NestPairSTDP mu_plus={s['mu_plus']}, mu_minus={s['mu_minus']}: pyNN.nest 0.13's "
                            f"GutigWeightDependence runs mu_plus = mu_minus = 0.5 whatever it is given")


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
    _check_nest_stdp(projs, backend)
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
    spikes, _, _ = runtime.run(desc, conns, sim, duration, record)
    return spikes


_SCRIPT = '''#!/usr/bin/env python
"""{title}

Generated by snn {version} (``snn export``); needs only numpy and PyNN with the chosen backend. The network
(populations, parameters, every synapse) is in {data!r} next to this file. Usage:

    python {script} [--sim {{spinnaker,nest,snn}}] [--duration MS] [--out spikes.npz] [--weights weights.npz]
        [--resources resources.json]

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
    ap.add_argument("--weights", default=None, help="the learned weights of the plastic projections, one (k, 3) "
                    "array of (pre, post, weight) per projection (.npz)")
    ap.add_argument("--resources", default=None, help="SpiNNaker only: write cores/chips/SDRAM here (.json)")
    args = ap.parse_args(argv)
    if args.sim != {backend!r} and {{args.sim, {backend!r}}} != {{"nest", "snn"}}:   # snn.pynn runs NEST's mapping
        print("warning: this network was mapped for {backend!r} (STDP amplitudes and the other backend-specific "
              "parameters); with --sim " + args.sim + " it is not the same model: rerun snn export with --sim "
              + args.sim, file=sys.stderr)
    desc, conns = load_description(os.path.join(here, {data!r}))
    sim = importlib.import_module(SIM_MODULES[args.sim])
    spikes, res, weights = run(desc, conns, sim, args.duration, resources=args.resources is not None,
                               weights=args.weights is not None)
    save_spikes(spikes, args.out)
    print("spikes:", {{k: int(len(v[0])) for k, v in spikes.items()}}, "->", args.out)
    if args.weights is not None:
        import numpy as np
        np.savez(args.weights, **weights)
        print("plastic weights of", sorted(weights), "->", args.weights)
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
