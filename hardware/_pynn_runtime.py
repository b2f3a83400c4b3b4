"""Build a network *description* in any PyNN module, run it, read spikes and (on SpiNNaker) the placements back.

This module imports only numpy, json and PyNN, never ``snn``: ``snn.hardware.pynn.export_script`` copies its
source verbatim into the exported ``run_<name>.py``, so the script that runs next to a board and the in-process
build (``snn.hardware.pynn.build``) are one code path.

A description is a JSON-able dict plus one (k, 4) float array per projection, rows (pre, post, weight, delay_ms),
with the weights already signed and the plasticity parameters already mapped for the target backend
(``snn.hardware.pynn.describe`` does that).
"""
import json

import numpy as np

FORMAT = "snn-pynn-description/1"


def save_description(desc, conns, path):
    """One ``.npz`` (no pickle): the description as a JSON string plus ``conn_<k>`` arrays."""
    arrays = {f"conn_{k}": np.asarray(c, np.float64).reshape(-1, 4) for k, c in enumerate(conns)}
    np.savez_compressed(path, description=np.array(json.dumps(desc)), **arrays)


def load_description(path):
    with np.load(path, allow_pickle=False) as z:
        desc = json.loads(str(z["description"]))
        if desc.get("format") != FORMAT:
            raise ValueError(f"{path}: not an snn PyNN description (format {desc.get('format')!r}, want {FORMAT!r})")
        conns = [z[f"conn_{k}"] for k in range(len(desc["projections"]))]
    return desc, conns


def backend_of(sim):
    """'spinnaker', 'nest', 'mock' ... from a PyNN module (``pyNN.spiNNaker`` -> 'spinnaker')."""
    return sim.__name__.rsplit(".", 1)[-1].lower()


def setup(desc, sim):
    """``sim.setup`` with the description's time step (and max delay where the backend takes one)."""
    dt = float(desc["dt"])
    if backend_of(sim) == "spinnaker":
        return sim.setup(timestep=dt)           # sPyNNaker ignores max_delay (with a warning)
    extra = {"spike_precision": "on_grid", "verbosity": "error"} if backend_of(sim) == "nest" else {}
    return sim.setup(timestep=dt, min_delay=dt, max_delay=max(dt, float(desc["max_delay"])), **extra)


def _value(v):
    return np.asarray(v, float) if isinstance(v, list) else v


def _spike_times(sim, times):
    if backend_of(sim) == "spinnaker":
        if not any(len(t) for t in times):
            return []    # sPyNNaker 7.4.1's spike-density check fails on a list of empty lists
        return [list(map(float, t)) for t in times]
    from pyNN.parameters import Sequence
    return [Sequence(np.asarray(t, float)) for t in times]


def _nest_initial_v(sim, celltype, pop, init):
    """pyNN.nest 0.13's IF_curr_delta has no ``variable_map`` (v -> V_m), so PyNN drops its initial v with a
    warning and NEST starts V_m at its own default (-70 mV): set V_m on the NEST nodes directly."""
    if "v" in init and sim.__name__ == "pyNN.nest" and not hasattr(celltype, "variable_map"):
        v = np.broadcast_to(np.asarray(init["v"], float), (pop.size,))
        pop.node_collection.set(V_m=[float(x) for x in v])


def build_description(desc, conns, sim, record=None):
    """Create every population and projection of ``desc`` in the PyNN module ``sim`` (``setup`` must have run).
    ``record``: labels whose spikes are recorded (None: all). Returns ({label: Population}, {name: Projection})."""
    pops, projs = {}, {}
    for p in desc["populations"]:
        cls = getattr(sim, p["cell"])
        if "spike_times" in p:
            celltype = cls(spike_times=_spike_times(sim, p["spike_times"]))
        else:
            celltype = cls(**{k: _value(v) for k, v in p["params"].items()})
        init = {k: _value(v) for k, v in p.get("initial_values", {}).items()}
        pop = sim.Population(p["size"], celltype, initial_values=init, label=p["label"])
        _nest_initial_v(sim, celltype, pop, init)
        if record is None or p["label"] in record:
            pop.record("spikes")
        pops[p["label"]] = pop
    for q, conn in zip(desc["projections"], conns):
        if q.get("stdp"):
            s = q["stdp"]
            dependence = getattr(sim, s.get("weight_dependence", "AdditiveWeightDependence"))
            synapse = sim.STDPMechanism(
                timing_dependence=sim.SpikePairRule(tau_plus=s["tau_plus"], tau_minus=s["tau_minus"],
                                                    A_plus=s["A_plus"], A_minus=s["A_minus"]),
                weight_dependence=dependence(**{k: s[k] for k in ("w_min", "w_max", "mu_plus", "mu_minus")
                                                if k in s}),
                weight=float(conn[0, 2]) if len(conn) else 0.0, delay=float(desc["dt"]))
        else:
            synapse = sim.StaticSynapse()
        rows = [(int(a), int(b), float(w), float(d)) for a, b, w, d in np.asarray(conn).reshape(-1, 4)]
        connector = sim.FromListConnector(rows, column_names=["weight", "delay"])
        projs[q["name"]] = sim.Projection(pops[q["pre"]], pops[q["post"]], connector, synapse_type=synapse,
                                          receptor_type=q["receptor"], label=q["name"])
    return pops, projs


def read_spikes(pops, record=None):
    """{label: (times in ms, neuron index)} in time order (ties by index), the engine's ``Result.spikes``, for
    the populations in ``record`` (None: all)."""
    out = {}
    for label, pop in pops.items():
        if record is not None and label not in record:
            continue
        seg = pop.get_data("spikes", clear=False).segments[0]
        times, index = [], []
        for k, st in enumerate(seg.spiketrains):
            i = int(st.annotations.get("source_index", k))
            t = np.asarray(st.magnitude, float)
            times.append(t)
            index.append(np.full(t.size, i, np.int64))
        t = np.concatenate(times) if times else np.zeros(0)
        i = np.concatenate(index) if index else np.zeros(0, np.int64)
        order = np.lexsort((i, t))
        out[label] = (t[order], i[order])
    return out


def spinnaker_resources(labels, n_steps):
    """Cores, chips and SDRAM of the last sPyNNaker run (the placements of the mapping), per population.
    ``labels``: the network's population labels; cores of other vertices are delay extensions or system cores."""
    from pacman.data import PacmanDataView
    pops = {lab: {"cores": 0, "chips": set(), "sdram_bytes": 0, "atoms_per_core": []} for lab in labels}
    delay = {"cores": 0, "chips": set(), "sdram_bytes": 0}
    system = {"cores": 0, "chips": set()}
    for pl in PacmanDataView.iterate_placemements():
        v = pl.vertex
        app = getattr(v, "app_vertex", None)
        label = getattr(app, "label", None)
        sdram = int(v.sdram_required.get_total_sdram(n_steps))
        if label in pops:
            d = pops[label]
            d["atoms_per_core"].append(int(v.vertex_slice.n_atoms))
        elif app is not None and "Delay" in type(app).__name__:
            d = delay
        else:
            system["cores"] += 1
            system["chips"].add((pl.x, pl.y))
            continue
        d["cores"] += 1
        d["chips"].add((pl.x, pl.y))
        d["sdram_bytes"] += sdram
    chips = set().union(*(d["chips"] for d in pops.values()), delay["chips"])
    for d in list(pops.values()) + [delay]:
        d["chips"] = sorted([int(x), int(y)] for x, y in d["chips"])
    return {"chips": len(chips), "cores": sum(d["cores"] for d in pops.values()) + delay["cores"],
            "sdram_bytes": sum(d["sdram_bytes"] for d in pops.values()) + delay["sdram_bytes"],
            "populations": pops, "delay_extensions": delay,
            "system_cores": system["cores"], "chips_with_system_cores": len(system["chips"])}


def read_weights(projs, desc):
    """{projection name: (k, 3) array of (pre, post, weight)} of the plastic projections, sorted by (pre, post)."""
    out = {}
    for q in desc["projections"]:
        if q.get("stdp"):
            rows = np.asarray(projs[q["name"]].get("weight", format="list", with_address=True), float).reshape(-1, 3)
            out[q["name"]] = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    return out


def run(desc, conns, sim, duration, record=None, resources=False, weights=False):
    """setup, build, run ``duration`` ms, read spikes (and where asked the plastic weights, and the resources on
    SpiNNaker), end. Returns (spikes, resources or None, weights or None). A virtual board has no weights to
    read, so they are read only when asked."""
    setup(desc, sim)
    pops, projs = build_description(desc, conns, sim, record)
    sim.run(float(duration))
    spikes = read_spikes(pops, record)
    weights = read_weights(projs, desc) if weights else None
    res = None
    if resources and backend_of(sim) == "spinnaker":
        res = spinnaker_resources([p["label"] for p in desc["populations"]],
                                  int(round(duration / float(desc["dt"]))))
    sim.end()
    return spikes, res, weights


def save_spikes(spikes, path):
    """``<label>__times`` and ``<label>__index`` arrays in one ``.npz``."""
    arrays = {}
    for label, (t, i) in spikes.items():
        arrays[f"{label}__times"], arrays[f"{label}__index"] = t, i
    np.savez(path, **arrays)
