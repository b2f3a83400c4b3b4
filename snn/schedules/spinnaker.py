"""The 'spinnaker' schedule: by default in the board's fixed-point arithmetic (kernel: ``kernels/board.py``; host
encoding: ``spinnaker_host.py``); with ``arithmetic='float64'`` the generic kernels of ``kernels/schedules.py``.

    sim = Simulator(net)                                # net.schedule == 'spinnaker': bit-exact by default
    sim = Simulator(net, spinnaker_version="2019")      # the host encoding of sPyNNaker 5.x
    sim = Simulator(net, arithmetic="float64")          # the float64 emulation (same order, real numbers)
    res = sim.run(100.0, record_v={"pop": None})
    res.v("pop"), res.gsyn("pop", "excitatory")         # at the START of each tick, as the board records
    res.ring_buffer_saturations                         # {post population: (batch,) counts}

``SpinnakerSchedule`` encodes the network once (``prepare``) and runs it on the board's integers (``run_board``).
A cell type runs in fixed point when its registry entry names the board's neuron model (``CellType.board``).
"""
from dataclasses import dataclass

import numba
import numpy as np

from .generic import GenericSchedule
from .. import spinnaker_host as host
from ..cells import CATALOGUE
from ..board_state import check_board_state, fresh_board_state, no_board_state, take_board
from ..errors import SpecError
from ..threads import check_threads
from ..kernels.board import PAR_ROWS, Board, BoardProbes, board_batch, board_serial
from ..kernels.board_cells import BOARD_MODELS, CONDUCTANCE_SHIFT, IZK_CURR_EXP, LIF_COND_EXP, LIF_CURR_EXP
from ..kernels.fixed_point import S1615_ONE
from ..lowering import _uniform_rows, lower
from ..monitors import ProbePlan, run_in_chunks
from ..plasticity import TIMINGS, WEIGHT_DEPENDENCES, SpikePairSTDP
from ..stimuli import take_samples

ARITHMETIC = ("fixed", "float64")


class SpinnakerSchedule(GenericSchedule):
    """'spinnaker': the board's integers (``sim.arithmetic == 'fixed'``, the default) or the generic float
    kernels ('float64'). Own result fields in fixed point: ``gsyn`` (``Result.gsyn``), ``ring_buffer_saturations``,
    ``ring_buffer_shifts``, ``spinnaker_version``, ``arithmetic``."""

    def __init__(self, sim):
        super().__init__(sim)
        self.setup = prepare(sim, sim.arithmetic, sim.spinnaker_version)

    def run(self, stim, batch, sample_offset, n_steps, w0, chunk, progress, record_v=None, record_weights=None,
            every=1, state=None, threads=1):
        if self.setup is None:
            return super().run(stim, batch, sample_offset, n_steps, w0, chunk, progress, record_v, record_weights,
                               every, state, threads)
        if check_threads(threads) != 1:
            raise SpecError(f"threads={threads!r}: the board's fixed point runs one thread per sample; "
                            f"threads inside a sample need arithmetic='float64'")
        if state is not None:
            check_board_state(state, self.setup.board, batch, w0.shape[-1])
        w = np.array(np.broadcast_to(w0, (batch, w0.shape[-1])), dtype=np.float64)
        return run_board(self.sim, self.setup, stim, batch, sample_offset, n_steps, w, chunk, progress, record_v,
                         record_weights, every, state)

    def initial_state(self, batch):
        """A ``BoardState`` at tick 0 in fixed point (snn/board_state.py); the float state in 'float64'."""
        if self.setup is None:
            return None
        return fresh_board_state(self.setup.board, batch, self.sim.initial_plastic_weights.size)


@dataclass
class BoardSetup:
    board: Board
    version: str
    shifts: dict          # {(post label, receptor): ring-buffer left shift}
    scales: np.ndarray    # (2, n): weight scale of each neuron's synapse types
    p_scale: np.ndarray   # weight scale of each plastic synapse
    s_scale: np.ndarray   # weight scale of each static synapse


def prepare(sim, arithmetic="fixed", spinnaker_version=None):
    """The board's arrays for ``sim``'s network, or None when ``arithmetic='float64'``."""
    if arithmetic not in ARITHMETIC:
        raise SpecError(f"arithmetic={arithmetic!r} is not known; choose one of {ARITHMETIC}")
    version = host.check_version(host.DEFAULT_VERSION if spinnaker_version is None else spinnaker_version)
    if arithmetic == "float64":
        for p in sim.net.populations:
            ct = CATALOGUE[p.cell_type]
            if not ct.is_source and "spinnaker" not in ct.kernels:
                raise SpecError(f"population {p.label!r}: {p.cell_type} runs in the 'spinnaker' schedule in the "
                                f"board's fixed point only (arithmetic='fixed')")
        for proj in sim.net.projections:
            if isinstance(proj.plasticity, SpikePairSTDP) and not proj.plasticity.float_kernel:
                raise SpecError(f"projection {proj.name!r}: {proj.plasticity} runs only in the board's fixed point "
                                f"(arithmetic='fixed'); the float kernels compute pair timing, additive weights")
        return None
    net, low = sim.net, sim.lowered
    if low.s_w.dtype != np.float64:          # encode from the float64 weights, whatever the state dtype
        low = lower(net, np.float64, None)[0]
    n = low.coefs.shape[1]
    dt = float(net.dt)
    steps = _steps(net, getattr(sim, "n_steps_per_timestep", None))
    pop_of = np.zeros(n, np.int64)
    par = {k: np.zeros(n, np.int64) for k in PAR_ROWS}
    v0, aux0 = np.zeros(n, np.int64), np.zeros((2, n), np.int32)
    pop_model = np.zeros(len(net.populations), np.int64)
    for k, p in enumerate(net.populations):
        a, z = sim.offsets[p.label], sim.offsets[p.label] + p.size
        pop_of[a:z] = k
        ct = CATALOGUE[p.cell_type]
        if ct.is_source:
            continue
        if ct.board not in BOARD_MODELS:
            raise SpecError(f"population {p.label!r}: {p.cell_type} has no fixed-point emulation in the "
                            f"'spinnaker' schedule; run it with arithmetic='float64'")
        pop_model[k] = BOARD_MODELS[ct.board]
        dt_step = dt / steps[p.label]
        values = {key: np.broadcast_to(np.asarray(v, float), (p.size,)) for key, v in p.parameters().items()}
        cache = {}
        for i in range(p.size):
            row = tuple(float(values[key][i]) for key in sorted(values))
            if row not in cache:
                cache[row] = host.board_params(ct.board, dict(zip(sorted(values), row)), dt_step, version)
            for key, val in cache[row].items():
                par[key][a + i] = val
        v0[a:z] = [host.s1615(x, version, f"initial v of {p.label!r}") for x in low.v0[a:z]]
        if pop_model[k] == IZK_CURR_EXP:     # U: its initial values (PyNN's -14 unless set); this_h: the step
            u0 = low.syn0[ct.synapse_state.index("u"), a:z]     # (neuron_model_izh.py)
            aux0[0, a:z] = [host.s1615(x, version, f"initial u of {p.label!r}") for x in u0]
            aux0[1, a:z] = host.s1615(dt_step, version, "h")
    shifts, scales = _shifts(sim, low, net, n, dt)
    shift_arr = np.zeros((2, n), np.int64)
    scale_arr = np.ones((2, n))
    for (label, r), sh in shifts.items():
        a, z = sim.offsets[label], sim.offsets[label] + net.population(label).size
        shift_arr[r, a:z], scale_arr[r, a:z] = sh, scales[label, r]
    s_word = host.stored_weights(low.s_w, scale_arr[low.s_rec.astype(np.int64), low.s_post.astype(np.int64)])
    rules, luts_p, luts_m, p_rule, post_rule, rr_ptr, rr_ids = _rules(net, low, dt, version, n, sim, scales)
    p_scale = scale_arr[low.p_rec.astype(np.int64), low.p_post.astype(np.int64)]
    s_scale = scale_arr[low.s_rec.astype(np.int64), low.s_post.astype(np.int64)]
    par.update(shift_e=shift_arr[0], shift_i=shift_arr[1])
    par_arr = np.ascontiguousarray(np.stack([par[k] for k in PAR_ROWS]))
    pop_start = np.asarray(low.pop_start, np.int64)
    pop_steps = np.array([steps.get(p.label, 1) for p in net.populations], np.int64)
    pop_lif = (pop_model == LIF_CURR_EXP) & (pop_steps == 1)
    pop_uniform = np.array([bool(np.all(par_arr[:, a:z] == par_arr[:, a:a + 1])) if z > a else True
                            for a, z in zip(pop_start[:-1], pop_start[1:])])
    board = Board(int(low.n_slots), pop_start, pop_lif, pop_uniform, pop_of, v0, par_arr, low.s_ptr,
                  low.s_post.astype(np.int64), s_word, low.s_delay.astype(np.int64), low.s_rec.astype(np.int64),
                  *_uniform_rows(low.s_ptr, s_word, low.s_delay, low.s_rec),
                  low.p_ptr, low.p_post.astype(np.int64), low.p_delay.astype(np.int64), low.p_rec.astype(np.int64),
                  p_rule, rules, *_pad(luts_p), *_pad(luts_m), post_rule, rr_ptr, rr_ids, int(low.hist),
                  sim.lowered.record, low.pois_idx.astype(np.int64), low.pois_p, low.pois_t0, low.pois_t1,
                  low.pois_dead, low.pois_phases, pop_model, pop_steps, aux0)
    return BoardSetup(board, version, {k: int(v) for k, v in shifts.items()}, scale_arr, p_scale, s_scale)


def _shifts(sim, low, net, n, dt):
    """Ring-buffer left shift and weight scale per (post population, receptor) from every incoming projection."""
    incoming, signed = {}, {}
    for proj in net.projections:
        m = sim.synapses[proj.name]
        r = 0 if proj.receptor_type == "excitatory" else 1
        if m.table == "static":
            w, d = np.abs(low.s_w[m.index]), low.s_delay[m.index]
        else:
            w, d = np.abs(sim.initial_plastic_weights[m.index]).astype(np.float64), low.p_delay[m.index]
        if w.size == 0:
            continue
        pre = net.population(proj.pre)
        gws = host.global_weight_scale(CATALOGUE[net.population(proj.post).cell_type].board)
        w = w * gws       # synaptic_manager.py: weights times the input type's global weight scale
        w_max = float(w.max())
        if proj.plasticity is not None:       # synapse_dynamics_stdp.py: the rule's w_max bounds the weight
            w_max = max(w_max, abs(proj.plasticity.w_max) * gws)
            signed[proj.post, r] = signed.get((proj.post, r), False) or proj.plasticity.w_min < 0
        rate, per_tick = host.SPIKES_PER_SECOND, max(1.0, host.SPIKES_PER_SECOND / (1000.0 / dt))
        if CATALOGUE[pre.cell_type].source == "poisson":
            rate = float(np.max(pre.parameters()["rate"])) or rate
            per_tick = _poisson_max_per_tick(rate, dt)
        n_conns = int(np.bincount(m.post - sim.offsets[proj.post]).max())
        incoming.setdefault((proj.post, r), []).append(host.Incoming(
            n_conns, float(w.mean()), float(w.var()), w_max, float(np.var(d)), per_tick, rate))
    shifts, scales = {}, {}
    for p in net.populations:
        for r in (0, 1):
            sh = host.ring_buffer_shift(host.max_weight(incoming.get((p.label, r), []), dt, None),
                                        signed.get((p.label, r), False))
            shifts[p.label, r] = sh
            scales[p.label, r] = host.weight_scale(sh, host.global_weight_scale(CATALOGUE[p.cell_type].board))
    return shifts, scales


def _steps(net, requested):
    """{population label: n_steps_per_timestep} (sPyNNaker's ``additional_parameters``; 1 unless requested)."""
    out = {p.label: 1 for p in net.populations}
    for label, n in (requested or {}).items():
        if label not in out:
            raise SpecError(f"n_steps_per_timestep names population {label!r}, which the network does not have "
                            f"(it has {sorted(out)})")
        if int(n) != n or n < 1:
            raise SpecError(f"n_steps_per_timestep of {label!r} must be a whole number >= 1, got {n!r}")
        out[label] = int(n)
    return out


def _poisson_max_per_tick(rate, dt):
    """spike_source_poisson_vertex.py ``max_spikes_per_ts``: 1 below SLOW_RATE_PER_TICK_CUTOFF (0.01 spikes per
    tick), else ceil(poisson.ppf(1 - 1/1000, rate per tick)) + 1."""
    import scipy.stats
    per_tick = rate * dt / 1000.0
    if per_tick < 0.01:
        return 1.0
    return float(int(np.ceil(scipy.stats.poisson.ppf(1.0 - 1.0 / 1000.0, per_tick))) + 1)


def _rules(net, low, dt, version, n, sim, scales):
    """The distinct rules as integers (a2_plus, a2_minus, w_min, w_max as accum bits, timing, weight
    dependence, era; 6.x: one row per rule and weight scale, in word units), their decay LUTs, the rule of each plastic synapse, the rule whose tau_minus LUT builds each
    neuron's post trace (-1: none) and the rules of each presynaptic row (CSR: ptr, ids)."""
    table, luts_p, luts_m, index = [], [], [], {}
    post_rule = np.full(n, -1, np.int64)
    p_rule = np.zeros(low.p_post.shape[0], np.int64)
    of_post = {}
    for proj in net.projections:
        r = proj.plasticity
        if r is None:
            continue
        if not isinstance(r, SpikePairSTDP):
            raise SpecError(f"projection {proj.name!r}: {type(r).__name__} has no fixed-point emulation in the "
                            f"'spinnaker' schedule; run it with arithmetic='float64'")
        if of_post.setdefault(proj.post, r) != r:     # synapse_dynamics_stdp.py merge(): one rule per population
            raise SpecError(f"projection {proj.name!r}: its rule {r} differs from {of_post[proj.post]}, the rule of "
                            f"another plastic projection into {proj.post!r}; sPyNNaker runs one STDP rule per "
                            f"post population ('Synapse dynamics must match exactly when using multiple edges to "
                            f"the same population')")
        scale = scales[proj.post, 0 if proj.receptor_type == "excitatory" else 1]
        key = (r, scale) if host.era(version) == "6" else r
        if key not in index:
            index[key] = len(table)
            table.append(_rule_row(r, version, scale))
            luts_p.append(host.exp_lut(dt, r.tau_plus))
            luts_m.append(host.exp_lut(dt, r.tau_minus))
        m = sim.synapses[proj.name]
        p_rule[m.index] = index[key]
        post_rule[np.unique(m.post)] = index[key]
    if not table:
        table, luts_p, luts_m = [[0] * 7], [np.zeros(1, np.int64)], [np.zeros(1, np.int64)]
    row = np.repeat(np.arange(n), np.diff(low.p_ptr))
    pairs = np.unique(np.column_stack([row, p_rule]), axis=0) if row.size else np.zeros((0, 2), np.int64)
    rr_ptr = np.concatenate([[0], np.cumsum(np.bincount(pairs[:, 0], minlength=n))]).astype(np.int64)
    return (np.asarray(table, np.int64), luts_p, luts_m, p_rule, post_rule, rr_ptr,
            np.ascontiguousarray(pairs[:, 1], np.int64))


def _rule_row(r, version, scale):
    """One rule as the host writes it. 7-era (7.4.1, current input: global weight scale 1):
    ``weight_dependence_additive.py`` writes w_min, w_max, A_plus, A_minus times the global weight scale,
    ``weight_dependence_multiplicative.py`` w_min, w_max times it and A_plus, A_minus as they are; all S1615.
    6.x: see ``spinnaker_host.stdp_6x_row`` (pair + additive only)."""
    timing, weight = TIMINGS.index(r.timing), WEIGHT_DEPENDENCES.index(r.weight_dependence)
    if host.era(version) == "6":
        return host.stdp_6x_row(r, version, scale) + [timing, weight, 1]
    return [host.s1615(r.A_plus, version, "A_plus"), host.s1615(r.A_minus, version, "A_minus"),
            host.s1615(r.w_min, version, "w_min"), host.s1615(r.w_max, version, "w_max"), timing, weight, 0]


def _pad(luts):
    size = max(len(x) for x in luts)
    out = np.zeros((len(luts), size), np.int64)
    for k, x in enumerate(luts):
        out[k, :len(x)] = x
    return out, np.array([len(x) for x in luts], np.int64)


def run_board(sim, setup, stim, batch, sample_offset, n_steps, w, chunk, progress, record_v, record_weights, every,
              state=None):
    """Run ``batch`` samples on the board's integers; ``w``: (batch, n_plastic) float start weights; ``state``: a
    ``BoardState`` to continue (a started sample keeps the plastic word of every synapse whose weight ``w`` gives
    is that word's value, the previous result's ``plastic_weights``; another weight is encoded again). Returns the fields of the
    ``Result``."""
    brd = setup.board
    net = sim.net
    t0 = 0 if state is None else int(state.t0)
    plan = ProbePlan(sim, n_steps, 0, record_v, record_weights, every, first_step=t0)
    n = brd.v0.shape[0]
    if w.shape[1]:
        rule_rows = brd.rules[brd.p_rule]
        unit = np.where(rule_rows[:, 6] == 1, setup.p_scale, S1615_ONE)   # 6.x rows hold word units
        w_min, w_max = rule_rows[:, 2] / unit, rule_rows[:, 3] / unit
        words = host.stored_weights(np.clip(w, w_min, w_max), setup.p_scale)
    else:
        words = np.zeros((batch, 0), np.int64)
    if state is not None and words.shape[1]:    # a weight given as its carried word's value keeps that word
        keep = state.started[:, None] & (w == state.words / setup.p_scale)
        words = np.where(keep, state.words, words)
    run_state = no_board_state(brd, words.shape[1]) if state is None else state
    n_pops = len(net.populations)
    counts = np.zeros((batch, n), np.int64)
    sat = np.zeros((batch, n_pops), np.int64)
    k = plan.steps.size
    v_base, v_row = plan.v_idx % n, plan.v_idx // n     # a probe id n + i / 2n + i reads exc / inh input of i
    out = {name: np.zeros((batch, k, plan.v_idx.size), np.int64) for name in ("v", "ge", "gi")}
    out_w = np.zeros((batch, k, plan.w_idx.size), np.int64)
    times, index = [None] * batch, [None] * batch

    def run_chunk(a, z, out_t, out_i, n_out):
        wb = words[a:z].copy()
        cnt, sb = np.zeros((z - a, n), np.int64), np.zeros((z - a, n_pops), np.int64)
        probes = BoardProbes(plan.every, v_base, *(np.zeros((z - a, k, plan.v_idx.size), np.int64)
                                                       for _ in range(3)),
                             plan.w_idx, np.zeros((z - a, k, plan.w_idx.size), np.int64))
        runner = board_batch if z - a > 1 and numba.get_num_threads() > 1 else board_serial
        runner(brd, take_samples(stim, a, z), z - a, sample_offset + a, n_steps, wb, cnt, out_t, out_i, n_out,
               probes, sb, take_board(run_state, a, z))
        return cnt, sb, wb, probes

    for a, z, (cnt, sb, wb, probes), spikes in run_in_chunks(batch, chunk, int(brd.record.sum()), n_steps,
                                                              run_chunk, progress):
        counts[a:z], sat[a:z], words[a:z] = cnt, sb, wb
        out["v"][a:z], out["ge"][a:z], out["gi"][a:z], out_w[a:z] = (probes.out_v, probes.out_ge, probes.out_gi,
                                                                      probes.out_w)
        for b, (steps, ids) in enumerate(spikes):
            times[a + b], index[a + b] = steps * net.dt, ids
    cond = brd.pop_model[brd.pop_of[v_base]] == LIF_COND_EXP     # the board records a conductance as g >> 10
    for name in ("ge", "gi"):
        out[name][:, :, cond] >>= CONDUCTANCE_SHIFT
    if state is not None:
        state.words[:] = words
        state = state._replace(t0=np.int64(t0 + n_steps))
    return dict(state=state, counts=counts, times=times, index=index, plastic_weights=words / setup.p_scale,
                probes=(plan, np.choose(v_row[None, None, :], (out["v"], out["ge"], out["gi"])) / S1615_ONE,
                        out_w / setup.p_scale[plan.w_idx]),
                _gsyn=(out["ge"] / S1615_ONE, out["gi"] / S1615_ONE),
                _static_w=brd.s_word / setup.s_scale,      # weights as the board holds them (16-bit words / scale)
                ring_buffer_saturations={p.label: sat[:, k] for k, p in enumerate(net.populations)},
                ring_buffer_shifts=dict(setup.shifts), spinnaker_version=setup.version, arithmetic="fixed")
