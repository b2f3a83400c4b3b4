"""CA3 spike-based content-addressable memory (Casanueva-Morato et al., Neural Networks 2024) as a
``spec.Network``: 8 hand-wired ``IF_curr_exp`` populations, static synapses and two deferred pair-STDP
projections, plus the test harness' input (``ILayer``) and output (``OLayer``) layers.

Every number lives in ``PARAMS`` below with the section of ``specs/ca3_cam.md`` it comes from. The network runs in
the engine's 'spinnaker' schedule (dt = 1 ms) with sPyNNaker-7-era STDP semantics (absolute A, per-update clamp),
the only semantics that reproduce the authors' SpiNNaker recordings (spec 3.2).

Index layout (spec 1.1): ``ILayer``/``OLayer`` neurons 0..N-1 are the cues, N..N+M-1 the content bits.
"""
from snn import spec
from snn.connectors import AllToAll, FromList, OneToOne
from snn.errors import SpecError
from snn.plasticity import SpikePairSTDP

# Population code names (spec 1.1; the golden recordings use these keys, without the "Layer" suffix).
CUE_CUE = "CA3cueCueRecall"      # cue input; pre side of STDP #1
CONT_CUE = "CA3contCueRecall"    # content input / content recalled through STDP #1
CONT_COND = "CA3contCond"        # gate towards the content -> cue path
CONT_COND_INT = "CA3contCondInt"  # 1 interneuron
CUE_CONT = "CA3cueContRecall"    # cue recalled through STDP #2
CONT_CONT = "CA3contContRecall"  # content relay; pre side of STDP #2
MERGE_CUE = "CA3mergeCue"
MERGE_CONT = "CA3mergeCont"
INPUT, OUTPUT = "ILayer", "OLayer"
MEMORY_POPULATIONS = (CUE_CUE, CONT_CUE, CONT_COND, CONT_COND_INT, CUE_CONT, CONT_CONT, MERGE_CUE, MERGE_CONT)
STDP1, STDP2 = "stdp_cue_to_content", "stdp_content_to_cue"   # projection labels of the two plastic projections

_RELAY = dict(cm=0.27, tau_m=3.0, tau_refrac=1.0, tau_syn_E=0.3, tau_syn_I=0.3, v_rest=-60.0, v_reset=-60.0,
              v_thresh=-57.0, i_offset=0.0)
_FAST = dict(_RELAY, cm=0.14, tau_m=0.5)

PARAMS = {
    # spec 2.4: sim.setup(1.0); spec 3: the sPyNNaker timer tick
    "dt": 1.0,
    "schedule": "spinnaker",
    # spec 1.1 "Initial state": Population.set(v=-60) on every population
    "v_init": -60.0,
    # spec 1.2 table: two IF_curr_exp parameter sets, and the harness' OLayer with v_thresh -57.5
    "cells": {CUE_CUE: _RELAY, CONT_CUE: _RELAY, CONT_CONT: _RELAY, MERGE_CUE: _RELAY, MERGE_CONT: _RELAY,
              CUE_CONT: _FAST, CONT_COND: _FAST, CONT_COND_INT: _FAST,
              OUTPUT: dict(_RELAY, v_thresh=-57.5)},
    # spec 1.4: SpikePairRule(3, 3, 6, 6), AdditiveWeightDependence(0, 6), initial weight 0, delay 1;
    # A is absolute (7-era sPyNNaker, spec 3.2); 16-entry post history (post_events.h, spec 3.2)
    "stdp": dict(tau_plus=3.0, tau_minus=3.0, A_plus=6.0, A_minus=6.0, w_min=0.0, w_max=6.0, history=16),
    "stdp_init_weight": 0.0,
    "stdp_delay": 1.0,
    # spec 1.3 table: (#, pre, post, connector, weight nA, delay ms, receptor). "M" scales by contSize.
    # Connector "all-noself" = AllToAll without the i == j diagonal (sPyNNaker drops it across populations too).
    "static": (
        (3, CUE_CUE, CUE_CONT, "one", 6.0, 2, "excitatory"),
        (4, CUE_CUE, CUE_CONT, "all-noself", (6.0, "M"), 3, "inhibitory"),
        (5, CUE_CUE, CONT_COND, "all", 6.0, 2, "inhibitory"),
        (6, CONT_CUE, CONT_COND, "one", 9.0, 1, "excitatory"),
        (7, CONT_COND, CONT_CONT, "one", 6.0, 1, "excitatory"),
        (8, CONT_CUE, CONT_COND_INT, "all", 6.0, 1, "excitatory"),
        (9, CONT_COND_INT, CONT_COND, "all", 2.0, 1, "excitatory"),
        (12, CUE_CONT, CUE_CONT, "all-noself", (6.0, "M"), 2, "inhibitory"),
        (13, CUE_CUE, MERGE_CUE, "one", 6.0, 3, "excitatory"),
        (14, CUE_CONT, MERGE_CUE, "one", 6.0, 1, "excitatory"),
        (15, CONT_CUE, MERGE_CONT, "one", 6.0, 3, "excitatory"),
        (16, CONT_CONT, MERGE_CONT, "one", 6.0, 1, "excitatory"),
    ),
    # spec 1.3 rows 1, 2, 17, 18: the harness' I/O, OneToOne through PopulationViews (weight, delay)
    "io": (6.0, 1),
}


def _connector(kind):
    return {"one": OneToOne(), "all": AllToAll(), "all-noself": AllToAll(allow_self_connections=False)}[kind]


def _view_one_to_one(pre_offset, post_offset, n, weight, delay):
    """OneToOne between a slice of the pre population and a slice of the post one (a PopulationView in PyNN)."""
    return FromList(tuple((pre_offset + i, post_offset + i, weight, delay) for i in range(n)))


def check_sizes(cue_size, cont_size):
    for name, value in (("cue_size", cue_size), ("cont_size", cont_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SpecError(f"{name}={value!r} must be a positive integer")


def build_cam(cue_size, cont_size, input_spikes=None, *, history=None, params=None):
    """The CA3 CAM network with N = ``cue_size`` cues and M = ``cont_size`` content bits.

    input_spikes: spike times (ms) per ``ILayer`` neuron, a list of N + M lists (cue neurons first), or a dict
    ``{"cue": [N lists], "cont": [M lists]}`` as in the golden recordings; None: a silent input.
    history: post-spike history length of both STDP projections (default 16, sPyNNaker's; spec 3.3).
    params: a replacement for ``PARAMS`` (same keys), for sensitivity studies.
    """
    check_sizes(cue_size, cont_size)
    P = PARAMS if params is None else params
    n, m = cue_size, cont_size
    spikes = _input_lists(input_spikes, n, m)
    v0 = {"v": P["v_init"]}
    sizes = {CUE_CUE: n, CONT_CUE: m, CONT_COND: m, CONT_COND_INT: 1, CUE_CONT: n, CONT_CONT: m,
             MERGE_CUE: n, MERGE_CONT: m}
    pops = [spec.Population(INPUT, n + m, "SpikeSourceArray", params={"spike_times": spikes})]
    pops += [spec.Population(label, sizes[label], "IF_curr_exp", params=dict(P["cells"][label]),
                             initial_values=dict(v0)) for label in MEMORY_POPULATIONS]
    pops.append(spec.Population(OUTPUT, n + m, "IF_curr_exp", params=dict(P["cells"][OUTPUT]),
                                initial_values=dict(v0)))

    w_io, d_io = P["io"]
    projs = [
        spec.Projection(INPUT, CUE_CUE, _view_one_to_one(0, 0, n, w_io, d_io), w_io, d_io, label="1:IL->cueCue"),
        spec.Projection(INPUT, CONT_CUE, _view_one_to_one(n, 0, m, w_io, d_io), w_io, d_io, label="2:IL->contCue"),
    ]
    for num, pre, post, kind, weight, delay, receptor in P["static"]:
        if isinstance(weight, tuple):      # (w, "M"): scaled by contSize in the authors' code (spec 1.3)
            weight = weight[0] * m
        projs.append(spec.Projection(pre, post, _connector(kind), weight, delay, receptor,
                                     label=f"{num}:{pre}->{post}"))
    rule = dict(P["stdp"])
    if history is not None:
        rule["history"] = history
    stdp = SpikePairSTDP(**rule)
    w0, d0 = P["stdp_init_weight"], P["stdp_delay"]
    projs += [
        spec.Projection(CUE_CUE, CONT_CUE, AllToAll(), w0, d0, plasticity=stdp, label=STDP1),     # spec 1.3 #10
        spec.Projection(CONT_CONT, CUE_CONT, AllToAll(), w0, d0, plasticity=stdp, label=STDP2),   # spec 1.3 #11
        spec.Projection(MERGE_CUE, OUTPUT, _view_one_to_one(0, 0, n, w_io, d_io), w_io, d_io,
                        label="17:mergeCue->OL"),
        spec.Projection(MERGE_CONT, OUTPUT, _view_one_to_one(0, n, m, w_io, d_io), w_io, d_io,
                        label="18:mergeCont->OL"),
    ]
    return spec.Network(pops, projs, dt=P["dt"], schedule=P["schedule"]).validate()


def _input_lists(input_spikes, n, m):
    if input_spikes is None:
        return [[] for _ in range(n + m)]
    if isinstance(input_spikes, dict):
        cue, cont = input_spikes.get("cue"), input_spikes.get("cont")
        if not isinstance(cue, list) or not isinstance(cont, list) or len(cue) != n or len(cont) != m:
            raise SpecError(f"input_spikes needs 'cue' ({n} lists) and 'cont' ({m} lists)")
        lists = list(cue) + list(cont)
    else:
        lists = list(input_spikes)
    if len(lists) != n + m:
        raise SpecError(f"input_spikes has {len(lists)} spike lists; ILayer has cue_size + cont_size = {n + m}")
    out = []
    for i, times in enumerate(lists):
        if not isinstance(times, (list, tuple)) or not all(
                isinstance(t, (int, float)) and not isinstance(t, bool) and t >= 0 for t in times):
            raise SpecError(f"input_spikes of ILayer neuron {i} must be a list of times >= 0 (ms), got {times!r}")
        out.append(sorted(float(t) for t in times))
    return out
