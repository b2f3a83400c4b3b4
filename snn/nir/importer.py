"""NIR graph -> ``snn.spec.Network`` ('exact' schedule).

    net = from_nir(graph, dt=1.0)                   # or from_nir("model.nir", dt=1.0)
    res = Simulator(net).run(100.0, stimuli={"input": spikes})
    res.counts("lif2")                              # every neuron node keeps its NIR name as its label

Nested NIRGraph nodes are inlined first (``flatten``). Input nodes become ``SpikeSourceInput`` populations, neuron
nodes populations (``snn/nir/neurons.py`` says how), and every path of stateless nodes (Affine, Linear, Scale,
Flatten, Conv2d, SumPool2d, AvgPool2d, Delay) from a spiking node to a neuron node becomes one explicit weight
matrix (``snn/nir/ops.py``): a projection per sign (excitatory, inhibitory) and delay. Biases reaching a neuron
become its ``i_offset``. Neuron indices are C-order flat indices of the node's shape.

Time: ``dt`` and every NIR time constant and delay share one unit (snn calls it ms). NIR transmits instantly; in
snn every path takes one step (the engine's minimum delay, as NEST's and SpiNNaker's), plus its Delay nodes, which
must be whole numbers of steps. Spikes sit on the grid: a crossing between grid points shows at the next one.
"""
from collections import namedtuple
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..connectors import FromList
from ..errors import SpecError
from ..lowering import SYNAPSE_BYTES
from ..resources import memory_limit
from ..spec import Network, Population, Projection
from .neurons import cell_for, population, require_nir, size_of
from .ops import linear_op, synapse_count

# A signal: sum over terms of M @ spikes(source) delayed by `steps`, plus a constant bias; `shape` as NIR sees it.
Signal = namedtuple("Signal", "terms bias shape")


def _types():
    import nir
    neurons = (nir.LIF, nir.CubaLIF, nir.CubaLI, nir.IF, nir.LI, nir.I, nir.Threshold)
    stateless = (nir.Affine, nir.Linear, nir.Scale, nir.Flatten, nir.Conv2d, nir.SumPool2d, nir.AvgPool2d,
                 nir.Delay)
    return neurons, stateless, (nir.LI, nir.I, nir.CubaLI)


def _check_finite(name, node):
    for key, value in vars(node).items():
        if key in ("input_type", "output_type", "metadata") or isinstance(value, str):
            continue
        try:
            arr = np.asarray(value, float)
        except (TypeError, ValueError):
            continue
        if not np.all(np.isfinite(arr)):
            raise SpecError(f"NIR node {name!r} ({type(node).__name__}): {key} holds NaN or infinite values")


def _read(graph):
    import nir
    if isinstance(graph, (str, Path)):
        path = Path(graph)
        if not path.is_file():
            raise SpecError(f"no NIR file {path}")
        try:
            graph = nir.read(path)
        except Exception as exc:     # h5py / nir raise many kinds; the user needs the file named
            raise SpecError(f"{path} is not a readable NIR file ({type(exc).__name__}: {exc})") from None
    if not isinstance(graph, nir.NIRGraph):
        raise SpecError(f"from_nir needs a nir.NIRGraph or a .nir file, got {type(graph).__name__}")
    return graph


def from_nir(graph, dt, *, seed=0):
    """The ``Network`` of NIR graph ``graph`` (a ``nir.NIRGraph`` or a path to a .nir file) at time step ``dt``
    (in the unit of the graph's time constants). Refuses, with one message naming the node, what it cannot map."""
    nir = require_nir()
    if isinstance(dt, bool) or not isinstance(dt, (int, float, np.integer, np.floating)) or \
            not np.isfinite(dt) or dt <= 0:
        raise SpecError(f"dt={dt!r} must be a finite time step > 0 (in the unit of the graph's time constants)")
    dt = float(dt)
    graph = _read(graph)
    neurons, stateless, silent = _types()
    nodes, edges = flatten(graph.nodes, graph.edges)
    preds = {name: [] for name in nodes}
    for edge in edges:
        a, b = edge
        for end in (a, b):
            if end not in nodes:
                raise SpecError(f"NIR edge ({a!r}, {b!r}) names no node {end!r}; nodes: {sorted(nodes)}")
        preds[b].append(a)
    for name, node in nodes.items():
        if not isinstance(node, (nir.Input, nir.Output) + neurons + stateless):
            raise SpecError(f"NIR node {name!r} has type {type(node).__name__}, which snn does not support "
                            f"(supported: Input, Output, {', '.join(t.__name__ for t in neurons + stateless)})")
        _check_finite(name, node)
    shapes = {}
    for name, node in nodes.items():
        if isinstance(node, nir.Input):
            shp = node.input_type["input"]
            if shp is None or np.size(shp) == 0:
                raise SpecError(f"NIR Input {name!r} has no shape")
            shapes[name] = tuple(int(x) for x in np.ravel(shp))
        elif isinstance(node, neurons):
            shapes[name] = tuple(np.shape(getattr(node, "threshold" if isinstance(node, nir.Threshold) else
                                                  "r" if hasattr(node, "r") else "tau"))) or (1,)
    signals, limit = {}, memory_limit()

    def output_of(name, stack):
        node = nodes[name]
        if name in shapes:         # a spike source: Input or neuron
            n = int(np.prod(shapes[name]))
            return Signal({(name, 0): sp.identity(n, format="csr")}, np.zeros(n), shapes[name])
        if name in signals:
            return signals[name]
        if name in stack:
            loop = stack[stack.index(name):] + [name]
            raise SpecError(f"NIR graph has a cycle through stateless nodes only ({' -> '.join(loop)}); snn needs "
                            f"a neuron in every loop")
        if isinstance(node, nir.Output):
            raise SpecError(f"NIR Output {name!r} feeds another node; outputs must be sinks")
        inp = input_of(name, stack + [name])
        where = f"NIR node {name!r} ({type(node).__name__})"
        if isinstance(node, nir.Delay):
            out = _delay(node, where, inp, dt)
        else:
            need = synapse_count(node, inp.shape) * SYNAPSE_BYTES
            if limit is not None and need > limit:
                raise SpecError(f"{where}: its explicit connectivity would take about {need / 2 ** 30:.1f} GiB, "
                                f"more than the memory limit of {limit / 2 ** 30:.1f} GiB (SNN_MEMORY_LIMIT)")
            m, bias, shape = linear_op(node, where, inp.shape)
            out = Signal({k: (m @ v).tocsr() for k, v in inp.terms.items()}, m @ inp.bias + bias, shape)
        signals[name] = out
        return out

    def input_of(name, stack):
        if not preds[name]:
            raise SpecError(f"NIR node {name!r} ({type(nodes[name]).__name__}) receives no input")
        parts = [(p, output_of(p, stack)) for p in preds[name]]
        sizes = {p: int(np.prod(s.shape)) for p, s in parts}
        if len(set(sizes.values())) > 1:
            raise SpecError(f"NIR node {name!r} receives signals of different sizes: {sizes}")
        terms, bias = {}, np.zeros(next(iter(sizes.values())))
        for _, s in parts:
            bias = bias + s.bias
            for k, m in s.terms.items():
                terms[k] = terms[k] + m if k in terms else m
        return Signal(terms, bias, parts[0][1].shape)

    pops, projs = [], []
    for name, node in nodes.items():
        if isinstance(node, nir.Input):
            pops.append(Population(name, int(np.prod(shapes[name])), cell_for("Input")))
    for name, node in nodes.items():
        if not isinstance(node, neurons):
            continue
        n = size_of(node)
        inp = input_of(name, [name])
        got = int(np.prod(inp.shape))
        if got != n:
            raise SpecError(f"NIR node {name!r} ({type(node).__name__}) has {n} neurons but receives a signal of "
                            f"{got} values from {preds[name]}")
        pop, scale = population(name, node, n, inp.bias, dt)
        pops.append(pop)
        for (src, steps), m in inp.terms.items():
            if isinstance(nodes[src], silent):
                raise SpecError(f"NIR node {src!r} ({type(nodes[src]).__name__}) does not spike; in snn its output "
                                f"(v) can only go to an Output node, not to {name!r}")
            projs += _projections(src, name, sp.diags(scale) @ m, dt * (1 + steps))
    for name, node in nodes.items():
        if isinstance(node, nir.Output):
            if len(preds[name]) != 1 or preds[name][0] not in shapes:
                raise SpecError(f"NIR Output {name!r} is fed by {preds[name]}; snn records Input and neuron nodes, "
                                f"so an Output needs exactly one of those before it")
    return Network(pops, projs, dt=dt, schedule="exact", seed=seed).validate()


def flatten(nodes, edges, prefix=""):
    """Nested NIRGraph nodes (snnTorch's recurrent layers, e.g. RLeaky) inlined: subgraph ``s`` with one Input and
    one Output node contributes its other nodes as ``s.<name>``; an edge into ``s`` goes to what its Input feeds,
    an edge out of ``s`` leaves from what feeds its Output."""
    import nir
    flat, out_edges, ports = {}, [], {}
    for name, node in nodes.items():
        if not isinstance(node, nir.NIRGraph):
            flat[prefix + name] = node
            continue
        inner, inner_edges = flatten(node.nodes, node.edges, f"{prefix}{name}.")
        ins = [k for k, v in inner.items() if isinstance(v, nir.Input)]
        outs = [k for k, v in inner.items() if isinstance(v, nir.Output)]
        if len(ins) != 1 or len(outs) != 1:
            raise SpecError(f"NIR subgraph {prefix + name!r} has {len(ins)} Input and {len(outs)} Output nodes; snn "
                            f"inlines subgraphs with one of each")
        ports[prefix + name] = ([b for a, b in inner_edges if a == ins[0]], [a for a, b in inner_edges if b == outs[0]])
        flat.update({k: v for k, v in inner.items() if k not in (ins[0], outs[0])})
        out_edges += [(a, b) for a, b in inner_edges if a != ins[0] and b != outs[0]]
    for a, b in edges:
        a, b = prefix + a, prefix + b
        for src in ports[a][1] if a in ports else [a]:
            out_edges += [(src, dst) for dst in (ports[b][0] if b in ports else [b])]
    return flat, out_edges


def _delay(node, where, inp, dt):
    n = int(np.prod(inp.shape))
    d = np.asarray(node.delay, float).ravel()
    if d.size not in (1, n):
        raise SpecError(f"{where}: delay has {d.size} values for a signal of {n}")
    steps = np.broadcast_to(d / dt, (n,))
    whole = np.rint(steps)
    if np.any(steps < 0) or np.any(np.abs(steps - whole) > 1e-6 * np.maximum(1.0, whole)):
        raise SpecError(f"{where}: delay={node.delay!r} must be >= 0 and a whole number of steps of dt={dt}")
    terms = {}
    for s in np.unique(whole):
        keep = sp.diags((whole == s).astype(float))
        for (src, k), m in inp.terms.items():
            terms[(src, k + int(s))] = (keep @ m).tocsr()
    return Signal(terms, inp.bias, inp.shape)


def _projections(pre, post, w, delay):
    """Signed sparse weights (post x pre) as an excitatory and an inhibitory FromList projection."""
    w = sp.coo_matrix(w)
    out = []
    for sign, receptor in ((1.0, "excitatory"), (-1.0, "inhibitory")):
        keep = sign * w.data > 0
        if keep.any():
            rows = np.c_[w.col[keep], w.row[keep], sign * w.data[keep]]
            label = f"{pre}->{post}" + (f"@{delay:g}" if delay else "") + f":{receptor[:3]}"
            out.append(Projection(pre, post, FromList(rows), delay=delay, receptor_type=receptor, label=label))
    return out
