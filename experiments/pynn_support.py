"""Which of PyNN's standard classes each PyNN module provides: snn.pynn, snn.pynn.spinnaker, pyNN.nest and
sPyNNaker's pyNN.spiNNaker, read from the modules themselves (the table in docs/pynn.md is this output).

    python -m snn.experiments.pynn_support

The rows are every class PyNN 0.13 defines (pyNN.standardmodels: cell types, synapse types, STDP components,
current sources; pyNN.connectors: connectors, abstract bases left out), then the classes sPyNNaker adds. A "yes"
says a script that names the class gets it from that module; whether a network with it runs is another
question (docs/pynn.md, "What runs").
"""
import importlib
import inspect

MODULES = {"snn.pynn": "snn.pynn", "snn.pynn.spinnaker": "snn.pynn.spinnaker", "pyNN.nest": "pyNN.nest",
           "sPyNNaker": "pyNN.spiNNaker"}
SPYNNAKER_KINDS = ("Connector", "Synapse", "Mechanism", "Source", "Rule", "Dependence", "STDP", "Static")
ABSTRACT_CONNECTORS = ("Connector", "MapConnector", "FixedNumberConnector")   # bases in pyNN/connectors.py


def _defined(module, base):
    return [n for n, o in vars(module).items()
            if inspect.isclass(o) and issubclass(o, base) and o.__module__ == module.__name__]


def pynn_classes():
    """{kind: [class names]} as PyNN 0.13 defines them."""
    from pyNN import connectors, standardmodels as sm
    from pyNN.standardmodels import cells, electrodes, synapses
    return {
        "cell type": _defined(cells, sm.StandardCellType),
        "synapse type": _defined(synapses, sm.StandardSynapseType),
        "STDP component": _defined(synapses, sm.STDPWeightDependence) + _defined(synapses, sm.STDPTimingDependence),
        "current source": _defined(electrodes, sm.StandardCurrentSource),
        "connector": [n for n in _defined(connectors, connectors.Connector) if n not in ABSTRACT_CONNECTORS],
    }


def modules():
    """{column: imported module, or None where it cannot be imported here}."""
    out = {}
    for column, name in MODULES.items():
        try:
            out[column] = importlib.import_module(name)
        except ImportError:
            out[column] = None
    return out


def rows():
    """[(kind, class name, {column: 'yes' | 'no' | 'not installed'})]: PyNN's classes, then sPyNNaker's own."""
    mods = modules()
    classes = pynn_classes()
    known = {n for names in classes.values() for n in names}
    if mods["sPyNNaker"] is not None:
        own = sorted(n for n, o in vars(mods["sPyNNaker"]).items()
                     if inspect.isclass(o) and n[0].isupper() and n not in known and not hasattr(mods["pyNN.nest"], n)
                     and n.endswith(SPYNNAKER_KINDS))
        classes["sPyNNaker's own"] = own
    out = []
    for kind, names in classes.items():
        for name in names:
            out.append((kind, name, {c: "not installed" if m is None else "yes" if hasattr(m, name) else "no"
                                     for c, m in mods.items()}))
    return out


def table():
    lines = ["| kind | class | " + " | ".join(MODULES) + " |", "|---|---|" + "---|" * len(MODULES)]
    for kind, name, has in rows():
        lines.append(f"| {kind} | {name} | " + " | ".join(has[c] for c in MODULES) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
