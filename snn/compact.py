"""Large networks with compact synapse storage: IF_curr_exp populations ('exact' schedule) joined by blocks of
fixed-total-number synapses whose weights and delays are drawn from normal distributions.

    net = CompactNetwork(populations, blocks, dt=0.1, seed=1)      # connectivity built in numba
    res = net.run(1000.0)                                            # counts per neuron, spikes of `record`
    net.synapse_bytes / net.n_synapses                               # about 8 bytes per synapse

The general engine (``snn.engine``) lowers every synapse to 8-byte indices, a float64 weight, an int32 delay and a
receptor byte (and needs ~64 bytes per synapse while lowering): a network of 0.3 billion synapses does not fit
24 GiB that way. Here a synapse is an int32 post index and a float32 weight (8 bytes),
CSR by presynaptic neuron, each row grouped by delay (the delay is stored once per group, not per synapse) and
sorted by post inside a group, with the receptor stored once per row (a neuron whose blocks send on both
receptors is refused). The neuron update and the step order are the engine's (``kernels/compact_run.py``).
"""
from dataclasses import dataclass
import time

import numpy as np

from .cells import coefficient_column
from .errors import SpecError
from .kernels.compact_build import count_rows, fill_rows, group_by_delay
from .kernels.compact_run import CELL_TYPE, poisson_cdf, run_compact
from .kernels.rng import stream_key
from .resources import ResourceError, memory_limit
from .spec import Network
from .threads import check_threads

RECEPTORS = {"excitatory": 0, "inhibitory": 1}


@dataclass(frozen=True)
class FixedTotalBlock:
    """``n`` synapses from population ``pre`` to ``post``, each pair drawn uniformly (with replacement, self
    connections allowed: NEST's ``fixed_total_number`` with autapses and multapses). Weight (nA, a magnitude on
    ``receptor``) ~ Normal(w_mean, w_sd) redrawn outside [w_low, w_high]; delay (ms) ~ Normal(d_mean, d_sd)
    redrawn outside [d_low, d_high], then rounded to whole steps (at least one)."""
    pre: str
    post: str
    n: int
    w_mean: float
    w_sd: float = 0.0
    receptor: str = "excitatory"
    d_mean: float = 1.0
    d_sd: float = 0.0
    w_low: float = 0.0
    w_high: float = np.inf
    d_low: float = 0.0
    d_high: float = np.inf


@dataclass
class CompactResult:
    """Spike counts per population label (one int per neuron), spikes (times ms, neuron index within the
    population) of the recorded populations, and the simulated time."""
    counts: dict
    spikes: dict
    duration: float
    sim_seconds: float

    def rates_hz(self):
        return {k: float(c.mean()) * 1000.0 / self.duration for k, c in self.counts.items()}


def _block_problems(b, sizes):
    where = f"block {b.pre!r}->{b.post!r}"
    out = [f"{where}: unknown population {x!r}; the network has {sorted(sizes)}" for x in (b.pre, b.post)
           if x not in sizes]
    if isinstance(b.n, (bool, np.bool_)) or not isinstance(b.n, (int, np.integer)) or not 0 <= b.n < 2 ** 40:
        out.append(f"{where}: n={b.n!r} must be an integer in [0, 2**40)")
    if b.receptor not in RECEPTORS:
        out.append(f"{where}: receptor={b.receptor!r} must be one of {sorted(RECEPTORS)}")
    for name in ("w_mean", "w_sd", "d_mean", "d_sd"):
        x = getattr(b, name)
        if not (isinstance(x, (int, float, np.integer, np.floating)) and np.isfinite(x)) or \
                (name.endswith("_sd") and x < 0):
            out.append(f"{where}: {name}={x!r} must be a finite number{' >= 0' if name.endswith('_sd') else ''}")
    if not b.w_low <= b.w_mean <= b.w_high or b.w_low < 0:
        out.append(f"{where}: weights are magnitudes: need 0 <= w_low <= w_mean <= w_high, got "
                   f"[{b.w_low}, {b.w_mean}, {b.w_high}]")
    if not 0 <= b.d_low <= b.d_mean <= b.d_high:
        out.append(f"{where}: need 0 <= d_low <= d_mean <= d_high (ms), got [{b.d_low}, {b.d_mean}, {b.d_high}]")
    return out


def _run_team(args, k, ring, dtype):
    """``run_compact``'s arguments on ``k`` persistent threads (``kernels/compact_threads.run_compact_part``);
    returns the number of recorded spikes."""
    from .kernels.compact_threads import CompactTeam, run_compact_part
    from .kernels.spin_barrier import new_sync
    from .threads import compile_for, neuron_bounds, run_team
    n = args[3].size
    bounds = neuron_bounds(n, k)
    team = CompactTeam(bounds, np.zeros((2, n), dtype), np.zeros(n, np.int32), np.zeros((2, n), dtype),
                       np.zeros((n + 7) // 8, np.uint64), np.empty((ring, k, int(np.diff(bounds).max())), np.int32),
                       np.zeros((ring, k, 8), np.int64), np.zeros(1, np.int64), new_sync())
    rank_args = [args + (rank, team) for rank in range(k)]
    compile_for(run_compact_part, rank_args[0])
    run_team(run_compact_part, rank_args, team.sync)
    return int(team.n_rec[0])


class CompactNetwork:
    """Populations (``spec.Population``, IF_curr_exp with scalar parameters; ``initial_values['v']`` scalar or
    per neuron) and ``FixedTotalBlock``s, lowered and connected once (see the module docstring)."""

    def __init__(self, populations, blocks, dt=0.1, seed=0, dtype=np.float64, memory=None, poisson=None):
        spec = Network(tuple(populations), (), dt=dt, schedule="exact", seed=seed).validate()
        probs = []
        for p in spec.populations:
            if p.cell_type != CELL_TYPE:
                probs.append(f"population {p.label!r}: CompactNetwork runs {CELL_TYPE} only, not {p.cell_type!r}")
            elif any(np.ndim(v) for v in p.parameters().values()):
                probs.append(f"population {p.label!r}: CompactNetwork needs scalar parameters")
        sizes = {p.label: p.size for p in spec.populations}
        for b in blocks:
            probs += _block_problems(b, sizes)
        poisson = {} if poisson is None else dict(poisson)
        for label, value in poisson.items():
            ok = label in sizes and np.shape(value) == (3,) and np.all(np.isfinite(value)) and min(value) >= 0 \
                and value[0] * dt / 1000.0 < 100
            if not ok:
                probs.append(f"poisson[{label!r}]={value!r} must be (rate Hz >= 0, weight nA >= 0, delay ms >= dt) "
                             f"for a population of the network, with at most 100 input spikes per step on average")
            elif round(value[2] / dt) < 1:
                probs.append(f"poisson[{label!r}]: delay {value[2]} ms is shorter than one step ({dt} ms)")
        if probs:
            raise SpecError("invalid compact network:\n  - " + "\n  - ".join(probs))
        self.populations, self.blocks, self.dt, self.seed = spec.populations, tuple(blocks), float(dt), int(seed)
        self.dtype = np.dtype(dtype)
        starts = np.concatenate([[0], np.cumsum([p.size for p in self.populations])]).astype(np.int64)
        self.pop_start = starts
        self.offsets = {p.label: int(starts[k]) for k, p in enumerate(self.populations)}
        n = int(starts[-1])
        self.n_synapses = int(sum(b.n for b in self.blocks))
        limit = memory_limit(memory)
        largest = max([b.n for b in self.blocks] + [0])
        need = self.n_synapses * 9 + largest * 12 + n * (4 * 8 + 12 * 64)
        if limit is not None and need > limit:
            raise ResourceError(f"the compact network needs about {need / 2 ** 30:.1f} GiB ({self.n_synapses:.3g} "
                                f"synapses at 8 bytes and 1 while building, the largest block's sort, ~64 delay groups per neuron), "
                                f"more than the memory limit of {limit / 2 ** 30:.1f} GiB (SNN_MEMORY_LIMIT "
                                f"overrides it)")
        t0 = time.perf_counter()
        self.coefs = np.ascontiguousarray(np.concatenate(
            [np.repeat(coefficient_column(p.cell_type, {k: float(v) for k, v in p.parameters().items()}, dt,
                                          "exact")[:, None], p.size, axis=1) for p in self.populations], axis=1),
            self.dtype)
        self.pop_uniform = np.ones(len(self.populations), np.bool_)
        self.v0 = np.concatenate([np.broadcast_to(np.asarray(p.initial_values.get("v", p.parameters()["v_rest"]),
                                                             float), (p.size,)) for p in self.populations])
        self._connect(n)
        self.poisson = poisson
        k = {p.label: i for i, p in enumerate(self.populations)}
        cdfs = [np.ones(1)] * len(self.populations)
        self.bg_w = np.zeros(len(self.populations), self.dtype)
        for label, (rate, weight, _) in poisson.items():
            cdfs[k[label]], self.bg_w[k[label]] = poisson_cdf(rate * self.dt / 1000.0), weight
        self.bg_cdf = np.ones((len(cdfs), max(c.size for c in cdfs)))
        for i, c in enumerate(cdfs):
            self.bg_cdf[i, :c.size] = c
        delays = {int(round(d / self.dt)) for _, _, d in poisson.values()}
        if len(delays) > 1:
            raise SpecError(f"poisson: every background needs the same delay, got {sorted(delays)} steps")
        self.bg_delay = delays.pop() if delays else 1
        self.build_seconds = time.perf_counter() - t0

    def _connect(self, n):
        blocks = self.blocks
        pre0 = np.array([self.offsets[b.pre] for b in blocks], np.int64)
        n_pre = np.array([self.populations[self._index(b.pre)].size for b in blocks], np.int64)
        post0 = np.array([self.offsets[b.post] for b in blocks], np.int64)
        n_post = np.array([self.populations[self._index(b.post)].size for b in blocks], np.int64)
        n_syn = np.array([b.n for b in blocks], np.int64)
        self.row_rec = np.zeros(n, np.int8)
        sends = np.zeros((n, 2), np.bool_)
        for b, a, m in zip(blocks, pre0, n_pre):
            if b.n:
                sends[a:a + m, RECEPTORS[b.receptor]] = True
        if np.any(sends.all(axis=1)):
            raise SpecError("CompactNetwork stores one receptor per presynaptic neuron; population "
                            f"{self._label_of(int(np.flatnonzero(sends.all(axis=1))[0]))!r} sends on both")
        self.row_rec[sends[:, 1]] = 1
        counts = count_rows(np.uint64(self.seed), pre0, n_pre, n_syn, n)
        self.ptr = np.zeros(n + 1, np.int64)
        np.cumsum(counts, out=self.ptr[1:])
        self.delay = np.empty(self.n_synapses, np.uint8)
        self.post = np.empty(self.n_synapses, np.int32)
        self.w = np.empty(self.n_synapses, np.float32)
        w_par = np.array([[b.w_mean, b.w_sd, b.w_low, b.w_high] for b in blocks], float).reshape(-1, 4)
        d_par = np.array([[b.d_mean, b.d_sd, b.d_low, b.d_high] for b in blocks], float).reshape(-1, 4)
        order = np.argsort(post0, kind="stable").astype(np.int64)
        d_max = fill_rows(np.uint64(self.seed), order, pre0, n_pre, post0, n_post, n_syn, w_par, d_par, self.dt,
                          self.ptr, self.post, self.w, self.delay)
        if d_max < 0:      # a delay beyond 255 steps: once more with two bytes per delay
            self.delay = np.empty(self.n_synapses, np.uint16)
            d_max = fill_rows(np.uint64(self.seed), order, pre0, n_pre, post0, n_post, n_syn, w_par, d_par,
                              self.dt, self.ptr, self.post, self.w, self.delay)
            if d_max < 0:
                raise SpecError(f"a delay exceeds {np.iinfo(np.uint16).max} steps of {self.dt} ms; bound d_high")
        self.d_max = int(max(d_max, 1))
        self.dptr = group_by_delay(self.ptr, self.post, self.w, self.delay, self.d_max)
        del self.delay          # the groups hold the delays

    def _index(self, label):
        return [p.label for p in self.populations].index(label)

    def _label_of(self, i):
        return self.populations[int(np.searchsorted(self.pop_start, i, side="right") - 1)].label

    @property
    def synapse_bytes(self):
        """Bytes of the synapse table (post and weight per synapse; per neuron its row's delay-group pointers and
        receptor)."""
        return self.post.nbytes + self.w.nbytes + self.dptr.nbytes + self.ptr.nbytes + self.row_rec.nbytes

    def synapses(self, pre_label, post_label):
        """(pre, post, weight nA, delay steps) of the synapses from ``pre_label`` to ``post_label``, indices within
        the populations (for tests and for handing the same connectivity to NEST)."""
        a, m = self.offsets[pre_label], self.populations[self._index(pre_label)].size
        c, q = self.offsets[post_label], self.populations[self._index(post_label)].size
        lo, hi = self.ptr[a], self.ptr[a + m]
        pre = np.repeat(np.arange(m, dtype=np.int64), np.diff(self.ptr[a:a + m + 1]))
        post = self.post[lo:hi].astype(np.int64) - c
        per_delay = np.diff(self.dptr[a:a + m], axis=1)                       # (m, d_max): rows are by delay
        delay = np.repeat(np.tile(np.arange(1, self.d_max + 1), m), per_delay.ravel())
        keep = (post >= 0) & (post < q)
        return pre[keep], post[keep], self.w[lo:hi][keep], delay[keep]

    def run(self, duration, record=None, max_spikes=None, threads=1):
        """Simulate ``duration`` ms from the initial state. ``record``: labels whose spike times are kept (None:
        all; counts are always kept); ``max_spikes``: capacity of the spike record (default: 50 Hz over the
        recorded neurons); ``threads``: this many persistent threads, each over its own neuron range (the same
        spikes whatever the number; ``kernels/compact_threads.py``)."""
        threads = check_threads(threads)
        n_steps = int(round(duration / self.dt))
        if not (np.isfinite(duration) and duration > 0 and abs(n_steps * self.dt - duration) < 1e-6 * duration):
            raise SpecError(f"duration={duration!r} ms must be a positive whole number of steps of {self.dt} ms")
        n = self.v0.size
        rec = np.zeros(n, np.bool_)
        for label in ([p.label for p in self.populations] if record is None else record):
            if label not in self.offsets:
                raise SpecError(f"record: unknown population {label!r}; the network has {sorted(self.offsets)}")
            a = self.offsets[label]
            rec[a:a + self.populations[self._index(label)].size] = True
        cap = int(max_spikes if max_spikes is not None else rec.sum() * 50.0 * duration / 1000.0 + 1024)
        out_t, out_i = np.zeros(cap, np.int64), np.zeros(cap, np.int32)
        counts = np.zeros(n, np.int64)
        v = np.array(self.v0, self.dtype)
        args = (self.pop_start, self.pop_uniform, self.coefs, v, n_steps, self.dptr, self.post, self.w, self.row_rec,
                rec, counts, out_t, out_i, np.uint64(stream_key(np.uint64(self.seed), np.uint64(1 << 40))),
                self.bg_cdf, self.bg_w, self.bg_delay)
        t0 = time.perf_counter()
        n_rec = run_compact(*args) if threads == 1 else _run_team(args, threads, self.dptr.shape[1], self.dtype)
        sim = time.perf_counter() - t0
        if n_rec > cap:
            raise SpecError(f"{n_rec} spikes were recorded, more than max_spikes={cap}; raise it or record less")
        t_ms, idx = (out_t[:n_rec] + 1) * self.dt, out_i[:n_rec].astype(np.int64)   # stamped at the step's end
        spikes, cnt = {}, {}
        for k, p in enumerate(self.populations):
            a, z = self.pop_start[k], self.pop_start[k + 1]
            cnt[p.label] = counts[a:z]
            sel = (idx >= a) & (idx < z)
            spikes[p.label] = (t_ms[sel], idx[sel] - a)
        return CompactResult(cnt, spikes, float(duration), sim)
