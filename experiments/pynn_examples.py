"""PyNN 0.13's own examples (``examples/`` of its sdist) run unmodified on snn.pynn and on pyNN.nest; their
spike counts side by side.

    python -m snn.experiments.pynn_examples                       # all, both simulators, a table
    python -m snn.experiments.pynn_examples --examples small_network simple_STDP --json

Each example runs as ``python EXAMPLE.py SIMULATOR [ARGS]`` in its own temporary folder (they write
``Results/``), in a subprocess that only makes ``pyNN.snn`` resolve to ``snn.pynn`` (as PyNN's system tests do
here). Spike counts are read back from the neo files the example writes itself (``write_data``), grouped by
the population that recorded them; simple_STDP's learned weights from its own ``final_weights``.

One repair is applied to both simulators alike, never to a script: PyNN 0.13's OneToOneConnector fails under
numpy 2 between one-cell populations (simple_STDP's driver); pyNN.nest gets the connector snn.pynn uses
(snn/pynn/connectors.py), which makes the same single connection.

brunel.py records 50 cells per population picked with an unseeded NumpyRNG (``Population.sample``), so its
counts change from run to run; the other examples are seeded and repeat exactly.

The examples are read from the PyNN 0.13.0 sdist that the test set-up caches (tests/pynn_system/pynn_sdist.py:
``$SNN_CACHE_DIR/pynn-0.13.0``, default ``~/.cache/snn``); nothing is downloaded here.
"""
import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

VERSION = "0.13.0"
# name: (file in examples/, arguments after the simulator name)
EXAMPLES = {
    "small_network": ("small_network.py", ()),
    "simple_STDP": ("simple_STDP.py", ()),
    "VAbenchmarks-CUBA": ("VAbenchmarks.py", ("CUBA",)),
    "VAbenchmarks-COBA": ("VAbenchmarks.py", ("COBA",)),
    "brunel": ("brunel.py", ()),
}
SIMULATORS = ("snn", "nest")
OBSERVED = ("final_weights",)       # module globals of an example kept besides its spikes

_CHILD = ("import sys; from snn.experiments.pynn_examples import run_script; "
          "run_script(sys.argv[1], sys.argv[2], sys.argv[4:], out=sys.argv[3])")


def run_script(script, sim_name, args=(), out=None):
    """Run one example script in this process and folder as ``python script sim_name *args`` would, with
    ``pyNN.snn`` resolving to ``snn.pynn`` and the OneToOneConnector repair on any other simulator (undone
    afterwards). Returns the example's ``OBSERVED`` globals (lists of floats), also written to ``out`` (JSON)."""
    import importlib
    import runpy
    import pyNN
    import snn.pynn
    from snn.pynn.connectors import OneToOneConnector
    sys.modules["pyNN.snn"] = pyNN.snn = snn.pynn
    module = importlib.import_module("pyNN." + sim_name)
    original, argv = module.OneToOneConnector, sys.argv
    module.OneToOneConnector, sys.argv = OneToOneConnector, [str(script), sim_name, *args]
    try:
        ns = runpy.run_path(str(script), run_name="__main__")
    finally:
        module.OneToOneConnector, sys.argv = original, argv
    kept = {k: [float(x) for x in ns[k]] for k in OBSERVED if k in ns}
    if out is not None:
        Path(out).write_text(json.dumps(kept))
    return kept


def cache_dir():
    return Path(os.environ.get("SNN_CACHE_DIR", Path.home() / ".cache" / "snn")) / f"pynn-{VERSION}"


def examples_dir():
    """``examples/`` of the cached PyNN sdist, extracted once next to it; a clear error if it is not cached."""
    root = cache_dir()
    target = root / "examples"
    if (target / "small_network.py").is_file():
        return target
    sdists = sorted(root.glob("[Pp]y[Nn][Nn]-*.tar.gz"))
    if not sdists:
        raise FileNotFoundError(f"PyNN {VERSION}'s sdist is not in {root}; fetch it with `pip download "
                                f"--no-binary :all: --no-deps PyNN=={VERSION} -d {root}` (or run tests/pynn_system)")
    tmp = Path(tempfile.mkdtemp(dir=root))
    with tarfile.open(sdists[-1]) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if len(parts) == 3 and parts[1] == "examples" and member.isfile() and parts[2].endswith(".py"):
                (tmp / parts[2]).write_bytes(tar.extractfile(member).read())
    if not (tmp / "small_network.py").is_file():
        raise FileNotFoundError(f"{sdists[-1]} holds no examples/small_network.py")
    try:
        tmp.rename(target)          # atomic: a half-extracted folder never looks complete
    except OSError:                 # another process extracted it first
        pass
    return target


def _spike_counts(folder):
    """{population label: spike count per recorded cell} from every neo file the example wrote."""
    import neo
    counts = {}
    for path in sorted(folder.rglob("*.pkl")):
        for seg in neo.io.PickleIO(str(path)).read_block().segments:
            for st in seg.spiketrains:
                label = st.annotations.get("source_population", path.stem)
                counts.setdefault(label, []).append(len(st))
    return counts


def run_example(name, sim, in_process=False, timeout=3600):
    """Run one example on ``sim`` ('snn' or 'nest') in a temporary folder, in a subprocess (or in this process:
    faster for tests, which share the imports): {counts, observed, seconds}."""
    if name not in EXAMPLES:
        raise ValueError(f"example {name!r} is not known; choose from {sorted(EXAMPLES)}")
    if sim not in SIMULATORS:
        raise ValueError(f"simulator {sim!r} is not known; choose from {list(SIMULATORS)}")
    script, args = EXAMPLES[name]
    path = examples_dir() / script
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="pynn_example_") as tmp:
        tmp = Path(tmp)
        (tmp / "Results").mkdir()         # brunel.py writes there without creating it
        t0 = time.perf_counter()
        if in_process:
            try:
                os.chdir(tmp)
                observed = run_script(path, sim, args)
            finally:
                os.chdir(here)
        else:
            out = tmp / "observed.json"
            proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), sim, str(out), *args], cwd=tmp,
                                  capture_output=True, text=True, timeout=timeout)
            if proc.returncode:
                raise RuntimeError(f"{script} {sim} {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
            observed = json.loads(out.read_text())
        return dict(counts=_spike_counts(tmp / "Results"), observed=observed, seconds=time.perf_counter() - t0)


def run(examples=tuple(EXAMPLES), sims=SIMULATORS):
    """{example: {sim: run_example(...)}}."""
    return {name: {sim: run_example(name, sim) for sim in sims} for name in examples}


def _seconds(by_sim, sim):
    return f"{by_sim[sim]['seconds']:.0f}" if sim in by_sim else "-"


def table(results):
    """A markdown table: per example and population, recorded cells, spikes per simulator, snn / NEST, and the
    wall time of each run (seconds, start-up and imports included)."""
    lines = ["| example | population | recorded cells | snn spikes | NEST spikes | snn / NEST | snn s | NEST s |",
             "|---|---|---|---|---|---|---|---|"]
    for name, by_sim in results.items():
        labels = dict.fromkeys(label for r in by_sim.values() for label in r["counts"])
        for label in labels:
            totals = {sim: sum(r["counts"].get(label, [])) for sim, r in by_sim.items()}
            cells = max(len(r["counts"].get(label, [])) for r in by_sim.values())
            ratio = f"{totals['snn'] / totals['nest']:.3f}" if totals.get("nest") and "snn" in totals else "-"
            lines.append(f"| {name} | {label} | {cells} | {totals.get('snn', '-')} | {totals.get('nest', '-')} | "
                         f"{ratio} | {_seconds(by_sim, 'snn')} | {_seconds(by_sim, 'nest')} |")
        weights = [np.array(r["observed"]["final_weights"]) for r in by_sim.values()
                   if "final_weights" in r["observed"]]
        if len(weights) == 2:
            lines.append(f"| {name} | final weights | {weights[0].size} synapses | | | largest difference "
                         f"{np.max(np.abs(weights[0] - weights[1])):.2g} (largest weight "
                         f"{np.max(np.abs(weights[1])):.2g}) | | |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", nargs="+", default=list(EXAMPLES), choices=list(EXAMPLES), metavar="NAME",
                    help=f"from {list(EXAMPLES)}")
    ap.add_argument("--sims", nargs="+", default=list(SIMULATORS), choices=list(SIMULATORS))
    ap.add_argument("--json", action="store_true", help="print the raw results as JSON")
    a = ap.parse_args(argv)
    results = run(a.examples, a.sims)
    print(json.dumps(results, indent=1) if a.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
