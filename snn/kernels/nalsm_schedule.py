"""The 'nalsm' schedule: the per-step order of the NALSM code (specs/nalsm.md 1.4), written out once.

Cells are NALSM_LIF (signed weights, one current); spike sources send one-step pulses I_ext = weight. Per step t:

   1. spikes: s_i = 1 iff (v_i if not refractory else 0) >= v_thresh; source spikes of step t (fixed events, then
      Bernoulli draws) join them;
   2. reset v_i <- v_reset where s_i = 1;
   3. record: counts, and spike times (stamped t * dt) of recorded neurons;
   4. propagate: a spiking cell j resets its age to 0, so its current into every target i becomes w_ij * e^0;
      a spiking source adds w to its targets' I_ext of this step;
   5. V update: v <- v + I_syn + I_ext + i_offset - v * dt / tau_m, with I_syn,i = sum_j w_ij e^(-age_j);
   6. ages: age <- min(age + 1, 100);
   7. refractory count: set to its length where s = 1, else counted down;
  7b. calcium (CalciumGate only): C <- C - C / tau_C + s;
   8. trace STDP on the rows of spiking post neurons and the columns of spiking pre neurons (exact to the dense
      rule; a synapse whose pre and post both spiked gets both terms and one clip), traces before step 9; with a
      CalciumGate a term passes only in its window of the post neuron's C (raising: LTP, lowering: LTD);
   9. traces x <- decay * (x + a * s);
  10. astrocyte A <- A + (w_A * (plus spikes - minus spikes) + b_A - A) / tau_A;
  11. rate decays: eta_plus, eta_minus (rule lr_decay) and A, w_A, b_A (astrocyte decay).

At the start of every sample v = v0, refractory counts 0, every age 20 (so I_syn = e^-20 sum_j w_ij), rates and
astrocyte at their initial values. Traces (``x``) and calcium (``c``) are given per sample and returned; the
final astrocyte state (A, w_A, b_A) of each sample is written to ``mod_out``.

I_syn is kept as one running sum g_i = sum_j w_ij e^(-age_j) per post neuron: multiplied by e^-1 per step
(ages + 1), raised by w_ij (1 - e^(-age_j)) when j spikes and by dw e^(-age_j) when STDP changes w_ij. This equals
the dense sum up to rounding, except that the dense sum stops decaying at the age cap of 100 (a difference below
e^-100 |w| per synapse).

Work per step is event-driven where the rule allows it (docs/performance.md, NALSM):
- ages are not stepped: a cell's age is min(t - (step of its last spike), 100) (a spike source's stays 20), read
  from a table of e^-age only for cells that spiked (propagation, STDP columns) or whose synapses STDP touches
  (rows);
- the threshold test of step t+1 is fused into the V update of step t (nothing changes v in between), so one
  O(n) pass per step remains besides the trace decay;
- Bernoulli inputs draw only where p > 0 (a draw against p = 0 never fires), with the same (step, input) keys;
- plastic weights stay in by-pre order, so a spiking pre's synapses (propagation and STDP columns: most of the
  work once phase 1 has quietened the liquid, each input spike reaching 15 % of it) are contiguous; the STDP row
  of a spiking post gathers its weights through by-post copies of the synapse index, pre and rule (``q_syn``,
  ``q_pre``, ``q_rule``), works on them in a contiguous buffer and scatters them back (storing weights by post
  instead was measured about 1.8x slower at 8000 neurons on phase-1 weights);
- propagation and the STDP columns are one pass over a spiking pre's synapses: each delivers its old weight,
  then takes its column term; the change of g waits in ``dg`` until the V update has read g (step 7b moves
  before step 4: it depends on the spikes only);
- the row and column loops are branch-free over runs of one rule (``_row``, ``_column``);
- with every rate 0 and no astrocyte (static weights kept in the plastic table, e.g. LSM+AP-STDP's phase 2)
  step 8 is skipped: it would add 0 to every weight.
Each weight sees the arithmetic of the dense rule; the sums into g (and FMA contraction in the STDP loops) run in
another order, so results equal the straightforward kernel's to rounding (``tests/kernels/test_nalsm_schedule.py``:
1e-12), not bitwise.
"""
import math

import numpy as np
from numba import prange

from ._config import njit
from .nalsm_steps import nalsm_lif_step, stdp_column, stdp_row
from .rng import stream_key, uniform
from ..cells import CATALOGUE, NALSM_LIF

NL = CATALOGUE["NALSM_LIF"].rows("nalsm")    # NALSM_LIF's coefficient rows (snn/cells.py)

AGE_START, AGE_CAP = 20, 100
FAST = {"reassoc", "nsz", "arcp", "contract"}    # the STDP passes: sums in any order (rounding-level), no NaN tricks
# TraceSTDP rule columns (snn.plasticity.TraceSTDP.columns) and astrocyte row (snn.schedules.nalsm)
R_A, R_DECAY, R_ETA_P, R_ETA_M, R_WMIN, R_WMAX, R_MIRROR, R_LR_DECAY = range(8)
AS_ON, AS_WA, AS_BA, AS_TAU, AS_A0, AS_DECAY = range(6)
GATE_ON, GATE_TAU, GATE_LO, GATE_THETA, GATE_HI = range(5)     # CalciumGate row (snn.schedules.nalsm)


@njit
def _gated(ep, em, c, gate):
    """The rates (eta_plus, eta_minus or A) a post neuron with calcium c lets through. With traces >= 0 an
    eta_plus term has the sign of ep and an eta_minus term the opposite sign of em; a positive term passes in the
    LTP window (theta, theta + width), a negative one in the LTD window (theta - width, theta)."""
    ltp = gate[GATE_THETA] < c < gate[GATE_HI]
    ltd = gate[GATE_LO] < c < gate[GATE_THETA]
    return (ep if (ltp if ep > 0.0 else ltd) else 0.0), (em if (ltd if em > 0.0 else ltp) else 0.0)


@njit(fastmath=FAST)
def _row(wrows, k, pre, x, fired, tsp, is_cell, exp_age, u0, u1, a_pre, post_term, lo, hi, t1):
    """STDP on the by-post synapses u0..u1 (one rule) of a spiking post, whose weights are gathered in
    ``wrows[k:]``: w += a_pre x_pre (+ post_term where the pre spiked too), clipped; returns sum (new - old)
    e^-age_pre, with ages at step t1. No branches in the loop (mispredicted clips and spike tests were its cost)."""
    dg = 0.0
    for u in range(u0, u1):
        j = pre[u]
        old = wrows[k + u - u0]
        nw = stdp_row(old, a_pre, x[j], post_term, fired[j], lo, hi)
        wrows[k + u - u0] = nw
        dg += (nw - old) * exp_age[min(t1 - tsp[j], AGE_CAP) if is_cell[j] else AGE_START]
    return dg


@njit(fastmath=FAST)
def _column(w, post, into, dg, fired, x, c, gate, gated, s0, s1, f, ep, em, mirrored, lo, hi, kj):
    """The synapses s0..s1 (one rule) of a spiking pre: deliver w f into ``into``; where the post did not spike,
    the pre-spike STDP term (eta_plus x_post if mirrored, else -eta_minus x_post), clipped, its change of g
    (times kj) into dg."""
    for s in range(s0, s1):
        i = post[s]
        old = w[s]
        into[i] += old * f
        e_p, e_m = _gated(ep, em, c[i], gate) if gated else (ep, em)
        nw = old if fired[i] else stdp_column(old, e_p if mirrored else -e_m, x[i], lo, hi)
        w[s] = nw
        dg[i] += (nw - old) * kj


@njit
def _learns(net, ext):
    """Can step 8 change a weight? (The rates only decay, so their start values tell.)"""
    if net.p_post.shape[0] == 0:
        return False
    if ext.astro[AS_ON] > 0.0:
        return True
    for r in range(net.rules.shape[0]):
        if net.rules[r, R_ETA_P] != 0.0 or net.rules[r, R_ETA_M] != 0.0:
            return True
    return False


@njit
def _init_g(net, ext, w, k0, g):
    """g_i = sum_j w_ij e^-age_j with every age at AGE_START (the start of a sample)."""
    n = g.shape[0]
    for j in range(n):
        if ext.is_cell[j]:
            for s in range(net.s_ptr[j], net.s_ptr[j + 1]):
                g[net.s_post[s]] += net.s_w[s] * k0
            for s in range(net.p_ptr[j], net.p_ptr[j + 1]):
                g[net.p_post[s]] += w[s] * k0


@njit
def nalsm_sample(net, ext, stim, b, sample_id, n_steps, w, x, c, counts, out_t, out_i, n_out, mod_out):
    n = net.coefs.shape[1]
    v = net.v0.copy()
    refr = np.zeros(n, np.int32)
    tsp = np.full(n, -AGE_START, np.int64)     # step of the last spike: age at step t = min(t - tsp, AGE_CAP)
    g = np.zeros(n, np.float64)
    dg = np.zeros(n, np.float64)               # STDP column changes of g this step, added after the V update
    iext = np.zeros(n, np.float64)
    fired = np.zeros(n, np.bool_)
    n_prob = stim.prob_idx.shape[0]
    spiking = np.empty(n + n_prob, np.int64)
    nxt = np.empty(n, np.int64)                # cells over threshold at the start of the next step
    e1 = math.exp(-1.0)
    exp_age = ext.exp_age
    n_rules = net.rules.shape[0]
    eta_p = np.empty(n_rules)
    eta_m = np.empty(n_rules)
    w_lo = np.empty(n_rules)
    w_hi = np.empty(n_rules)
    mirror = np.empty(n_rules, np.bool_)
    for r in range(n_rules):
        eta_p[r] = net.rules[r, R_ETA_P]
        eta_m[r] = net.rules[r, R_ETA_M]
        w_lo[r], w_hi[r] = net.rules[r, R_WMIN], net.rules[r, R_WMAX]
        mirror[r] = net.rules[r, R_MIRROR] > 0.0
    astro = ext.astro[AS_ON] > 0.0
    A, wA, bA = ext.astro[AS_A0], ext.astro[AS_WA], ext.astro[AS_BA]
    tr_a, tr_d = ext.trace[0], ext.trace[1]
    gated = ext.gate[GATE_ON] > 0.0
    gate = ext.gate
    learn = _learns(net, ext)
    wrows = np.empty(0, np.float64)            # the STDP rows of one step's spiking posts, gathered
    _init_g(net, ext, w, exp_age[AGE_START], g)
    key = stream_key(stim.seed, sample_id)
    eb = np.int64(b) if stim.ev_ptr.shape[0] > 1 else np.int64(0)
    pb = np.int64(b) if stim.prob.shape[0] > 1 else np.int64(0)
    # Bernoulli inputs with p > 0 (only those can fire)
    nz = np.empty(n_prob, np.int64)
    n_nz = 0
    for k in range(n_prob):
        if stim.prob[pb, k] > 0.0:
            nz[n_nz] = k
            n_nz += 1
    cap = out_t.shape[1]
    n_rec = 0
    # threshold test of step 0 (refractory counts are 0)
    n_nxt = 0
    for p in range(net.pop_model.shape[0]):
        if net.pop_model[p] != NALSM_LIF:
            continue
        for i in range(net.pop_start[p], net.pop_start[p + 1]):
            if v[i] >= net.coefs[NL.v_thresh, i]:
                nxt[n_nxt] = i
                n_nxt += 1
    for t in range(n_steps):
        # 1-2. spikes of cells (found in the previous V update), reset; then source spikes of step t
        n_sp = 0
        for q in range(n_nxt):
            i = nxt[q]
            fired[i] = True
            v[i] = net.coefs[NL.v_reset, i]
            spiking[n_sp] = i
            n_sp += 1
        for e in range(stim.ev_ptr[eb, t], stim.ev_ptr[eb, t + 1]):
            spiking[n_sp] = stim.ev_idx[e]
            fired[stim.ev_idx[e]] = True
            n_sp += 1
        for q in range(n_nz):
            k = nz[q]
            if uniform(key, t, k) < stim.prob[pb, k]:
                spiking[n_sp] = stim.prob_idx[k]
                fired[stim.prob_idx[k]] = True
                n_sp += 1
        # 7b. calcium of every neuron, this step's spikes included (it depends on the spikes only; the gate of
        #     step 8 reads it)
        if gated:
            for i in range(n):
                c[i] = c[i] - c[i] / gate[GATE_TAU] + (1.0 if fired[i] else 0.0)
        # 3-4. record, propagate; 8 (columns). A plastic synapse j -> i of a spiking pre j delivers its weight and,
        #      unless i spiked too (its row below does both terms), takes its STDP column term at once; the
        #      change of g, (nw - old) e^-age_j with age_j after this step's increment, waits in dg until the V
        #      update has read g.
        n_plus = 0
        n_minus = 0
        for q in range(n_sp):
            j = spiking[q]
            counts[b, j] += 1
            if net.record[j]:
                if n_rec < cap:
                    out_t[b, n_rec] = t
                    out_i[b, n_rec] = j
                n_rec += 1
            if ext.astro_w[j] > 0:
                n_plus += 1
            elif ext.astro_w[j] < 0:
                n_minus += 1
            if ext.is_cell[j]:                 # its current into i becomes w_ij e^0: g_i += w_ij (1 - e^-age_j)
                f = 1.0 - exp_age[min(t - tsp[j], AGE_CAP)]
                tsp[j] = t
                kj = exp_age[1]
                into = g
            else:                              # a source's one-step pulse
                f = 1.0
                kj = exp_age[AGE_START]
                into = iext
            for s in range(net.s_ptr[j], net.s_ptr[j + 1]):
                into[net.s_post[s]] += net.s_w[s] * f
            if not learn:
                for s in range(net.p_ptr[j], net.p_ptr[j + 1]):
                    into[net.p_post[s]] += w[s] * f
                continue
            s0, z = net.p_ptr[j], net.p_ptr[j + 1]
            while s0 < z:                      # runs of one rule (one target population)
                r = net.p_rule[s0]
                s1 = s0 + 1
                while s1 < z and net.p_rule[s1] == r:
                    s1 += 1
                _column(w, net.p_post, into, dg, fired, x, c, gate, gated, s0, s1, f, eta_p[r],
                        A if astro else eta_m[r], mirror[r], w_lo[r], w_hi[r], kj)
                s0 = s1
        # 5-7. V update, (ages: implicit), refractory counts; threshold test of step t + 1
        n_nxt = 0
        for p in range(net.pop_model.shape[0]):
            a, z = net.pop_start[p], net.pop_start[p + 1]
            if net.pop_model[p] != NALSM_LIF:
                for i in range(a, z):
                    iext[i] = 0.0
                    if learn:
                        g[i] = g[i] * e1 + dg[i]
                        dg[i] = 0.0
                    else:
                        g[i] *= e1
                continue
            for i in range(a, z):
                v[i], refr[i], over = nalsm_lif_step(v[i], g[i], iext[i], net.coefs[NL.bias, i],
                                                     net.coefs[NL.leak, i], refr[i], fired[i],
                                                     net.coefs[NL.ref_steps, i], net.coefs[NL.v_thresh, i])
                iext[i] = 0.0
                if learn:
                    g[i] = g[i] * e1 + dg[i]
                    dg[i] = 0.0
                else:
                    g[i] *= e1
                if over:
                    nxt[n_nxt] = i
                    n_nxt += 1
        # 8. trace STDP, rows of spiking posts (both terms where the pre spiked too; the columns were done above);
        #    e^-age after this step's age increment: age = min(t + 1 - tsp, AGE_CAP)
        if learn:
            # gather every row first (thousands of independent scattered loads in flight), then update, then
            # scatter back: rows of different posts are disjoint
            m = 0
            for q in range(n_sp):
                m += ext.q_ptr[spiking[q] + 1] - ext.q_ptr[spiking[q]]
            if m > wrows.shape[0]:
                wrows = np.empty(2 * m, np.float64)
            k = 0
            for q in range(n_sp):
                for u in range(ext.q_ptr[spiking[q]], ext.q_ptr[spiking[q] + 1]):
                    wrows[k] = w[ext.q_syn[u]]
                    k += 1
            k = 0
            for q in range(n_sp):
                i = spiking[q]
                a, z = ext.q_ptr[i], ext.q_ptr[i + 1]
                xi = x[i]
                gi = g[i]
                u0 = a
                while u0 < z:                      # runs of one rule (one source population): no per-synapse
                    r = ext.q_rule[u0]             # rule lookups or mirror test inside the loops
                    u1 = u0 + 1
                    while u1 < z and ext.q_rule[u1] == r:
                        u1 += 1
                    em = A if astro else eta_m[r]
                    ep = eta_p[r]
                    if gated:
                        ep, em = _gated(ep, em, c[i], gate)
                    # mirrored (inhibitory) rule: eta_minus on the pre trace, eta_plus on the post's
                    a_pre, a_post = (-em, ep) if mirror[r] else (ep, -em)
                    gi += _row(wrows, k + u0 - a, ext.q_pre, x, fired, tsp, ext.is_cell, exp_age, u0, u1, a_pre,
                               a_post * xi, w_lo[r], w_hi[r], t + 1)
                    u0 = u1
                g[i] = gi
                k += z - a
            k = 0
            for q in range(n_sp):
                for u in range(ext.q_ptr[spiking[q]], ext.q_ptr[spiking[q] + 1]):
                    w[ext.q_syn[u]] = wrows[k]
                    k += 1
        # 9. traces
        for i in range(n):
            x[i] = tr_d * (x[i] + (tr_a if fired[i] else 0.0))
        for q in range(n_sp):
            fired[spiking[q]] = False
        # 10. astrocyte; 11. rate decays
        if astro:
            A = A + (wA * np.float64(n_plus - n_minus) + bA - A) / ext.astro[AS_TAU]
            d = ext.astro[AS_DECAY]
            A *= d
            wA *= d
            bA *= d
        for r in range(n_rules):
            eta_p[r] *= net.rules[r, R_LR_DECAY]
            eta_m[r] *= net.rules[r, R_LR_DECAY]
    n_out[b] = n_rec
    mod_out[b, 0], mod_out[b, 1], mod_out[b, 2] = A, wA, bA


@njit
def _independent(net, ext, stim, b, sample_offset, n_steps, w, x, c, counts, out_t, out_i, n_out, mod_out,
                 shared):
    """Sample b of a batch of independent samples: from its own weights ``w[b]``, or (``shared``) from a private
    copy of ``w[0]`` that is dropped afterwards (``w[0]`` itself when no weight can change)."""
    wb = w[b] if not shared else w[0].copy() if _learns(net, ext) else w[0]
    nalsm_sample(net, ext, stim, b, sample_offset + b, n_steps, wb, x[b], c[b], counts, out_t, out_i, n_out,
                 mod_out)


@njit(parallel=True)
def nalsm_batch(net, ext, stim, n_samples, sample_offset, n_steps, w, x, c, counts, out_t, out_i, n_out, mod_out,
                shared):
    """Independent samples in parallel: sample b starts from ``w[b]``, traces ``x[b]`` and calcium ``c[b]`` and
    leaves its own.
    ``shared``: every sample starts from ``w[0]`` in a private copy, which is dropped at the end (feature
    extraction: no (batch, synapses) array is made)."""
    for b in prange(n_samples):
        _independent(net, ext, stim, b, sample_offset, n_steps, w, x, c, counts, out_t, out_i, n_out, mod_out,
                     shared)


@njit
def nalsm_serial(net, ext, stim, n_samples, sample_offset, n_steps, w, x, c, counts, out_t, out_i, n_out, mod_out,
                 shared):
    """``nalsm_batch`` on one thread (one sample, or one numba thread: no idle parallel region)."""
    for b in range(n_samples):
        _independent(net, ext, stim, b, sample_offset, n_steps, w, x, c, counts, out_t, out_i, n_out, mod_out,
                     shared)


@njit
def nalsm_chain(net, ext, stim, n_samples, sample_offset, n_steps, w, x, c, counts, out_t, out_i, n_out, mod_out):
    """Samples in sequence, each starting from the weights ``w[0]``, traces ``x[0]`` and calcium ``c[0]`` the
    previous one left."""
    for b in range(n_samples):
        nalsm_sample(net, ext, stim, b, sample_offset + b, n_steps, w[0], x[0], c[0], counts, out_t, out_i, n_out,
                     mod_out)
