"""The import graph of snn's four packages (snn, snn.models, snn.hardware, snn.experiments): imports run downward
only (experiments -> hardware -> models -> snn) and no module imports itself through others. Function-level
(deferred) imports count: a cycle hidden in a function is still a cycle."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"snn": ROOT / "snn", "snn.models": ROOT / "models", "snn.hardware": ROOT / "hardware",
            "snn.experiments": ROOT / "experiments"}
LAYER = {"snn": 0, "snn.models": 1, "snn.hardware": 2, "snn.experiments": 3}


def _modules():
    out = {}
    for pkg, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            name = ".".join([pkg, *parts])
            out[name] = (path, path.name == "__init__.py")
    return out


def _package(name):
    """The one of the four packages a module belongs to (the longest prefix)."""
    return max((p for p in PACKAGES if name == p or name.startswith(p + ".")), key=len)


def _edges(modules):
    graph = {}
    for name, (path, is_pkg) in modules.items():
        base = name.split(".") if is_pkg else name.split(".")[:-1]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                if node.level:
                    mod = ".".join(base[:len(base) - node.level + 1] + ([mod] if mod else []))
                targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
            else:
                continue
            deps |= {t for t in targets if t in modules and t != name}
        graph[name] = deps
    return graph


# ``python -m snn`` forwards to the command line at the top (DESIGN.md): the one upward edge, by design.
ENTRY_POINTS = {("snn.__main__", "snn.experiments.cli")}


def test_imports_run_downward():
    graph = _edges(_modules())
    upward = [(a, b) for a, deps in graph.items() for b in deps
              if LAYER[_package(b)] > LAYER[_package(a)] and (a, b) not in ENTRY_POINTS]
    assert not upward, upward


def test_no_import_cycles():
    graph = _edges(_modules())
    # a package importing its own submodules counts too: none of them may import the package back
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_the_graph_sees_the_packages():
    """The test reads real imports (it can fail): the engine imports the lowering, a backend imports the core."""
    graph = _edges(_modules())
    assert "snn.lowering" in graph["snn.engine"]
    assert "snn.cells" in graph["snn.hardware.capabilities"]
    assert "snn.experiments.nalsm" in graph["snn.experiments.cli"] or any(
        d.startswith("snn.experiments") for d in graph["snn.experiments.cli"])
