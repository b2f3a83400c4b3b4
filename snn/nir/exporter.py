"""``snn.spec.Network`` -> NIR graph, the inverse of ``from_nir``: ``from_nir(to_nir(net), net.dt)`` is ``net``
again (the same spikes; parameters equal up to one rounding of the unit conversions).

    graph = to_nir(net)
    nir.write("model.nir", graph)

``SpikeSourceInput`` -> Input; IF_curr_exp -> CubaLIF (CubaLI when it never spikes); IF_curr_delta -> LIF, IF,
LI, I or Threshold (``snn/nir/neurons.py``). The synapses from one population to another with one delay become a
Linear node (an Affine one carrying the post population's i_offset), dense (post x pre) with signed weights in
NIR's units, followed by a Delay node of (delay - dt) when the delay is longer than the one step every snn path
takes. Each population that projects nowhere gets an Output node ``<label>:out``.
"""
from collections import defaultdict

import numpy as np

from .. import __version__
from ..cells import CATALOGUE
from ..errors import SpecError
from ..lowering import expand_projections
from ..resources import memory_limit
from ..spec import Network
from .neurons import cell_for, nir_node, require_nir


def to_nir(net):
    """The ``nir.NIRGraph`` of ``net`` (a ``snn.spec.Network``, 'exact' schedule, static synapses)."""
    nir = require_nir()
    if not isinstance(net, Network):
        raise SpecError(f"to_nir needs a snn.spec.Network, got {type(net).__name__} (for a trained continual "
                        f"model use snn.models.continual_deploy.model_to_nir)")
    net.validate()
    if net.schedule != "exact":
        raise SpecError(f"schedule={net.schedule!r}: NIR holds continuous-time models, which snn runs in the "
                        f"'exact' schedule; export the 'exact' network")
    if net.modulators:
        raise SpecError("NIR has no modulators (Astrocyte, CalciumGate); export a network without them")
    nodes, factor, bias = {}, {}, {}
    for pop in net.populations:
        ct = CATALOGUE[pop.cell_type]
        if ct.nir == "Input":
            nodes[pop.label] = nir.Input(input_type=np.array([pop.size]))
        elif ct.is_source:
            raise SpecError(f"population {pop.label!r}: {pop.cell_type} carries its spikes in the network; NIR "
                            f"graphs hold no data, so use a {cell_for('Input')} (a NIR Input) and feed it at run time")
        else:
            nodes[pop.label], factor[pop.label] = nir_node(pop, net.dt)
            bias[pop.label] = np.broadcast_to(np.asarray(pop.parameters()["i_offset"], float), (pop.size,))
    size = {p.label: p.size for p in net.populations}
    limit = memory_limit()
    groups = defaultdict(lambda: None)
    for proj, pre, post, w, d in expand_projections(net):
        if proj.plasticity is not None:
            raise SpecError(f"projection {proj.name!r} is plastic; NIR holds fixed weights: export the network "
                            f"with its learned weights as static projections")
        key_sets = {(proj.pre, proj.post, int(s)) for s in np.unique(d)}
        for key in key_sets:
            if groups[key] is None:
                if limit is not None and size[proj.pre] * size[proj.post] * 8 > limit:
                    raise SpecError(f"projection {proj.name!r}: NIR's dense {size[proj.post]} x {size[proj.pre]} "
                                    f"weight matrix exceeds the memory limit")
                groups[key] = np.zeros((size[proj.post], size[proj.pre]))
            keep = d == key[2]
            sign = -1.0 if proj.receptor_type == "inhibitory" else 1.0
            np.add.at(groups[key], (post[keep], pre[keep]), sign * w[keep])
    edges, with_bias = [], {k for k, b in bias.items() if np.any(b != 0)}
    pairs = defaultdict(list)
    for pre, post, steps in groups:
        pairs[(pre, post)].append(steps)
    for (pre, post, steps), W in groups.items():
        name = f"{pre}->{post}" + (f"@{steps}" if len(pairs[(pre, post)]) > 1 else "")
        W = W * factor[post][:, None]
        if post in with_bias:
            nodes[name] = nir.Affine(weight=W, bias=bias[post].copy())
            with_bias.discard(post)
        else:
            nodes[name] = nir.Linear(weight=W)
        edges.append((pre, name))
        if steps > 1:
            nodes[f"{name}:delay"] = nir.Delay(delay=np.full(size[post], (steps - 1) * net.dt))
            edges += [(name, f"{name}:delay"), (f"{name}:delay", post)]
        else:
            edges.append((name, post))
    if with_bias:
        raise SpecError(f"population(s) {sorted(with_bias)} have an i_offset but no incoming projection; NIR "
                        f"carries biases on Affine nodes, which need an input")
    senders = {p.pre for p in net.projections}
    for pop in net.populations:
        if pop.label not in senders and not CATALOGUE[pop.cell_type].is_source:
            nodes[f"{pop.label}:out"] = nir.Output(output_type=np.array([pop.size]))
            edges.append((pop.label, f"{pop.label}:out"))
    graph = nir.NIRGraph(nodes=nodes, edges=edges)
    graph.metadata = dict(generator=f"snn {__version__}", dt=float(net.dt), time_unit="ms")
    return graph
