"""Lowering: a validated ``spec.Network`` becomes flat arrays (a namedtuple the kernels take), once.

Global neuron index = population offset + index in population, populations in the order given. Synapses are
stored as CSR by presynaptic neuron: static ones in one table, plastic ones (per-sample weights) in another.
"""
from collections import namedtuple

import numpy as np

from .cells import CATALOGUE, N_COEF, coefficient_column
from .registry import n_synapse_state
from .errors import SpecError
from .resources import ResourceError, format_bytes, memory_limit
from .kernels.stdp import RULE_COLUMNS

Lowered = namedtuple("Lowered", "pop_start pop_model pop_uniform coefs n_syn v0 syn0 record n_slots hist "
                                "s_ptr s_post s_w s_delay s_rec "
                                "p_ptr p_post p_delay p_rec p_rule rules post_tau_minus "
                                "s_row_uniform s_row_w s_row_delay s_row_rec "
                                "pois_idx pois_p pois_t0 pois_t1 pois_dead pois_phases")
# Where each projection's synapses sit, for reading weights back: (table, indices into that table).
SynapseMap = namedtuple("SynapseMap", "table index pre post")
# Spike time = (step + STAMP_OFFSET[schedule]) * dt: 'exact' stamps at the end of the step (as NEST), the
# others at the tick (as sPyNNaker records).
STAMP_OFFSET = {"exact": 1, "spinnaker": 0, "nalsm": 0}


def _poisson_sources(net, offset):
    """The sources the kernel draws (``CellType.is_drawn``) as (global ids, per-step probability, first step, end
    step, dead steps, phases): a neuron may spike in steps t0 <= t < t1, those whose stamp (t + offset) * dt lies
    in [start, start + duration). Its gaps follow its entry's ``lower``: after a spike ``dead`` steps, then
    ``phases`` runs of Bernoulli(p) trials, each ending at its first success (kernels/schedules.py)."""
    cols = {k: [] for k in ("idx", "p", "t0", "t1", "dead", "phases")}
    off = STAMP_OFFSET.get(net.schedule, 0)
    for p in net.populations:
        ct = CATALOGUE[p.cell_type]
        if not ct.is_drawn:
            continue
        par = {k: np.broadcast_to(np.asarray(v, float), (p.size,)) for k, v in p.parameters().items()}
        law = ct.lower(par, net.dt, net.schedule)
        start, dur = par["start"], par["duration"]
        cols["idx"].append(offset[p.label] + np.arange(p.size))
        cols["t0"].append(np.ceil(start / net.dt - 1e-9) - off)
        cols["t1"].append(np.ceil(np.minimum(start + dur, 1e15) / net.dt - 1e-9) - off)
        for k in ("p", "dead", "phases"):
            cols[k].append(np.broadcast_to(law[k], (p.size,)))
    types = dict(idx=np.int32, p=np.float64, t0=np.int64, t1=np.int64, dead=np.int64, phases=np.int64)
    return tuple(np.concatenate(cols[k] or [np.zeros(0)]).astype(t) for k, t in types.items())


def _coefficients(pop, dt, schedule):
    """(N_COEF, size) coefficients of one population (float64) and whether every neuron has the same ones."""
    ct = CATALOGUE[pop.cell_type]
    if ct.is_source:
        return np.zeros((N_COEF, pop.size)), True
    params = pop.parameters()
    arrays = {k: np.broadcast_to(np.asarray(v, float), (pop.size,)) for k, v in params.items()}
    if all(a.strides == (0,) or a.size == 1 for a in arrays.values()):
        row = coefficient_column(ct.name, {k: float(a[0]) for k, a in arrays.items()}, dt, schedule)
        return np.repeat(row[:, None], pop.size, axis=1), True
    rows = [coefficient_column(ct.name, {k: float(a[i]) for k, a in arrays.items()}, dt, schedule)
            for i in range(pop.size)]
    cols = np.asarray(rows).T
    return cols, bool(np.all(cols == cols[:, :1]))


def expand_projections(net):
    """Every projection's connections, drawn in projection order from ``default_rng(net.seed)``, exactly as the
    engine lowers them: a list of (projection, pre, post, weight, delay_steps), indices within the populations.
    Other backends (``snn.hardware``) build the same synapses from this. ``net`` is validated
    (``snn.validate``: weights, delays and a FromList's rows are checked there, not again here)."""
    rng = np.random.default_rng(net.seed)
    out = []
    limit = memory_limit()
    for proj in net.projections:
        pre_pop, post_pop = net.population(proj.pre), net.population(proj.post)
        expected = expected_synapses(proj.connector, pre_pop.size, post_pop.size)
        if limit is not None and expected * SYNAPSE_BYTES > limit:
            raise ResourceError(f"projection {proj.name!r}: {type(proj.connector).__name__} would make about "
                                f"{expected:.3g} synapses ({format_bytes(expected * SYNAPSE_BYTES)} while "
                                f"lowering), more than the memory limit of {format_bytes(limit)} "
                                f"(SNN_MEMORY_LIMIT overrides it)")
        conn = proj.connector.connect(pre_pop.size, post_pop.size, rng, pre_pop.positions, post_pop.positions)
        k = conn.pre.size
        try:
            w = conn.weights if conn.weights is not None else np.broadcast_to(np.asarray(proj.weight, float), (k,))
        except ValueError:
            raise SpecError(f"projection {proj.name!r}: weight has shape {np.shape(proj.weight)}, but the "
                            f"connector made {k} connections; give one weight (or use FromList)") from None
        try:
            d_ms = conn.delays if conn.delays is not None else \
                np.broadcast_to(np.asarray(net.dt if proj.delay is None else proj.delay, float), (k,))
        except ValueError:
            raise SpecError(f"projection {proj.name!r}: delay has shape {np.shape(proj.delay)}, but the connector "
                            f"made {k} connections; give one delay (or use FromList)") from None
        d = np.rint(np.asarray(d_ms, float) / net.dt).astype(np.int64)   # validated: whole steps >= 1
        out.append((proj, np.asarray(conn.pre, np.int64), np.asarray(conn.post, np.int64), np.asarray(w, float), d))
    return out


SYNAPSE_BYTES = 64      # bytes per synapse while lowering (index, weight, delay, receptor, sort, CSR copies)


def expected_synapses(conn, n_pre, n_post):
    """Synapses a connector is expected to make (an upper estimate for the distance rule)."""
    from .connectors import AllToAll, DistanceDependent, FixedProbability, FixedTotalNumber, FromList
    if isinstance(conn, AllToAll):
        return n_pre * n_post
    if isinstance(conn, FixedProbability):
        return conn.p * n_pre * n_post
    if isinstance(conn, DistanceDependent):
        return min(1.0, conn.C) * n_pre * n_post
    if isinstance(conn, FixedTotalNumber):
        return conn.n if conn.with_replacement else min(conn.n, n_pre * n_post)
    if isinstance(conn, FromList):
        return len(conn.conn_list) if hasattr(conn.conn_list, "__len__") else 0
    return min(n_pre, n_post)


def _uniform_rows(ptr, w, delay, rec):
    """Per presynaptic row: whether its static synapses share one weight, delay and receptor, and those values.
    Delivery of such a row streams only the post indices (as brian2 does for a constant weight and delay)."""
    n = ptr.size - 1
    uniform = np.zeros(n, np.bool_)
    row_w, row_d, row_r = np.zeros(n), np.zeros(n, np.int64), np.zeros(n, np.int64)
    rows = np.flatnonzero(np.diff(ptr) > 0)
    if rows.size:
        starts = ptr[rows]
        same = np.ones(rows.size, np.bool_)
        for col in (w, delay, rec):
            col = np.asarray(col, np.float64)
            first = col[starts]
            same &= (np.maximum.reduceat(col, starts) == first) & (np.minimum.reduceat(col, starts) == first)
        uniform[rows] = same
        row_w[rows], row_d[rows], row_r[rows] = w[starts], delay[starts], rec[starts]
    return uniform, row_w, row_d, row_r


def _csr(pre, n, *columns):
    order = np.argsort(pre, kind="stable")
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(pre, minlength=n), out=ptr[1:])
    return (ptr, order) + tuple(c[order] for c in columns)


def _rule_table(rows):
    """Rule rows (one per plastic projection) as one float table, padded to the widest rule."""
    width = max([len(RULE_COLUMNS)] + [len(r) for r in rows])
    out = np.zeros((len(rows), width), np.float64)
    for k, r in enumerate(rows):
        out[k, :len(r)] = r
    return out


def by_post(p_ptr, p_post, n):
    """Index of the plastic synapses by postsynaptic neuron: (ptr (n+1), synapse ids, pre of every synapse).
    Synapses of post i are ``ids[ptr[i]:ptr[i+1]]`` (into the CSR-by-pre arrays), in pre order."""
    pre = np.repeat(np.arange(n, dtype=np.int32), np.diff(p_ptr))
    order = np.argsort(p_post, kind="stable")
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(p_post, minlength=n), out=ptr[1:])
    return ptr, order.astype(np.int64), pre


def lower(net, ftype=np.float64, record=None):
    """Lower ``net`` (validated here). ``record``: labels of populations whose spike times are kept (None: all).
    Returns (Lowered, synapse maps per projection name, offsets per population label)."""
    net.validate()
    sizes = [p.size for p in net.populations]
    limit = memory_limit()
    need = sum(sizes) * (N_COEF + 8) * 8 * 2
    if limit is not None and need > limit:
        raise ResourceError(f"the network has {sum(sizes)} neurons; its arrays alone would take about "
                            f"{format_bytes(need)}, more than the memory limit of {format_bytes(limit)} "
                            f"(SNN_MEMORY_LIMIT overrides it)")
    pop_start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    offset = {p.label: int(pop_start[k]) for k, p in enumerate(net.populations)}
    n = int(pop_start[-1])
    lowered_pops = []
    for p in net.populations:
        try:
            lowered_pops.append(_coefficients(p, net.dt, net.schedule))
        except (OverflowError, ZeroDivisionError, ValueError) as exc:
            raise SpecError(f"population {p.label!r}: its parameters cannot be lowered at dt={net.dt} ms "
                            f"({exc})") from None
    coefs = np.ascontiguousarray(np.concatenate([c for c, _ in lowered_pops], axis=1), ftype)
    with np.errstate(over="ignore", invalid="ignore"):
        bad = ~np.isfinite(coefs) | (np.abs(coefs) > 1e30)
        for k, p in enumerate(net.populations):   # refractory steps are int32 in the kernels
            layout = CATALOGUE[p.cell_type].coefficients.get(net.schedule, ())
            if "ref_steps" in layout:
                r = layout.index("ref_steps")
                bad[r, pop_start[k]:pop_start[k + 1]] |= coefs[r, pop_start[k]:pop_start[k + 1]] > 2 ** 30
    if bad.any():
        k = int(np.searchsorted(np.concatenate([[0], np.cumsum(sizes)]), np.flatnonzero(bad.any(axis=0))[0],
                                side="right") - 1)
        raise SpecError(f"population {net.populations[k].label!r}: its parameters ({net.populations[k].params}) "
                        f"give non-finite or huge update coefficients at dt={net.dt} ms (e.g. tau_m much larger "
                        f"than cm allows); use values of realistic magnitude")
    pop_uniform = np.array([u for _, u in lowered_pops], np.bool_)
    v0 = np.zeros(n, ftype)
    n_syn = n_synapse_state({p.cell_type for p in net.populations})
    syn0 = np.zeros((n_syn, n), ftype)      # a state variable other than v: its row of the synaptic state
    for p in net.populations:
        ct = CATALOGUE[p.cell_type]
        for var in ct.state:   # scalars or per-neuron sequences (validated in spec)
            value = p.initial_values.get(var, ct.default_state(var, p.parameters()))
            target = v0 if var == "v" else syn0[ct.synapse_state.index(var)]
            target[offset[p.label]:offset[p.label] + p.size] = np.broadcast_to(np.asarray(value, float), (p.size,))
    rec = np.ones(n, np.bool_)
    if record is not None:
        rec[:] = False
        for label in record:
            net.population(label)
            rec[offset[label]:offset[label] + net.population(label).size] = True

    static, plastic, rules, maps = [], [], [], {}
    post_tau_minus = np.ones(n)
    for proj, pre, post, w, d in expand_projections(net):
        k = pre.size
        if CATALOGUE[net.population(proj.post).cell_type].signed_weights and proj.receptor_type == "inhibitory":
            w = -w   # one signed current: an inhibitory receptor negates the given weight
        cols = dict(pre=pre + offset[proj.pre], post=post + offset[proj.post], w=w,
                    delay=d, rec=np.full(k, 0 if proj.receptor_type == "excitatory" else 1, np.int8))
        if proj.plasticity is None:
            static.append((proj.name, cols))
        else:
            r = proj.plasticity
            rules.append(r.row(net.dt))
            cols["rule"] = np.full(k, len(rules) - 1, np.int32)
            cols["w"] = np.clip(cols["w"], r.w_min, r.w_max)
            if hasattr(r, "tau_minus"):
                post_tau_minus[cols["post"]] = r.tau_minus / net.dt
            plastic.append((proj.name, cols))

    def table(parts, extra=()):
        names = ["post", "w", "delay", "rec", *extra]
        if not parts:
            return (np.zeros(n + 1, np.int64), np.zeros(0, np.int64)) + tuple(np.zeros(0) for _ in names), []
        cat = {c: np.concatenate([p[1][c] for p in parts]) for c in ["pre", *names]}
        return _csr(cat["pre"], n, *(cat[c] for c in names)), cat

    (s_ptr, s_order, s_post, s_w, s_delay, s_rec), s_cat = table(static)
    (p_ptr, p_order, p_post, p_w, p_delay, p_rec, p_rule), p_cat = table(plastic, ("rule",))
    for which, parts, order in (("static", static, s_order), ("plastic", plastic, p_order)):
        where = np.empty(order.size, np.int64)
        where[order] = np.arange(order.size)
        start = 0
        for name, cols in parts:
            k = cols["pre"].size
            maps[name] = SynapseMap(which, where[start:start + k], cols["pre"], cols["post"])
            start += k
    row_uniform, row_w, row_delay, row_rec = _uniform_rows(s_ptr, s_w, s_delay, s_rec)
    max_delay = max([int(c["delay"].max()) for _, c in static + plastic if c["delay"].size] + [1])
    hist = max([int(getattr(p.plasticity, "history", 1)) for p in net.projections if p.plasticity is not None] + [1])
    low = Lowered(pop_start, np.array([CATALOGUE[p.cell_type].model_id for p in net.populations], np.int64),
                  pop_uniform, coefs, n_syn, v0, syn0, rec,
                  max_delay + 1, hist,
                  s_ptr, s_post.astype(np.int32), s_w.astype(ftype), s_delay.astype(np.int32), s_rec.astype(np.int8),
                  p_ptr, p_post.astype(np.int32), p_delay.astype(np.int32), p_rec.astype(np.int8),
                  p_rule.astype(np.int32), _rule_table(rules),
                  post_tau_minus, row_uniform, row_w.astype(ftype), row_delay.astype(np.int32), row_rec.astype(np.int8),
                  *_poisson_sources(net, offset))
    return low, p_w.astype(ftype), maps, offset
