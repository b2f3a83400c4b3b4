"""A naive dense numpy implementation of specs/nalsm.md 1.4 + 3.1 + 3.2 + 3.3 (decays) + 3.5 (calcium gate),
written from the spec text, step by step, on W[post, pre] matrices. Used only to check the numba 'nalsm'
schedule."""
import numpy as np


def dense_lif(v, r, i_syn, i_ext, s, is_cell, tau, ref_steps):
    """Steps 5 (V update, V integrating while refractory) and 7 (refractory count) for every neuron."""
    v = np.where(is_cell, v + i_syn + i_ext - v / tau, 0.0)
    r = (r - 1) * (1 - s) + ref_steps * s
    return v, r


def stdp_terms(x, s, ep, em_now, mirrored):
    """Step 8's two terms on W[post, pre]: post spikes times pre traces (potentiation, or depression where
    ``mirrored``) and pre spikes times post traces (depression, or potentiation where ``mirrored``)."""
    post_term = np.outer(s, x)      # [i, j] = s_i x_j
    pre_term = np.outer(x, s)       # [i, j] = x_i s_j
    return [np.where(mirrored, -em_now * post_term, ep * post_term),
            np.where(mirrored, ep * pre_term, -em_now * pre_term)]


def dense_stdp(W, x, s, ep, em_now, mirrored, plastic, wmin, wmax):
    """Step 8 without a calcium gate: both terms, one clip."""
    terms = stdp_terms(x, s, ep, em_now, mirrored)
    return np.where(plastic, np.clip(W + terms[0] + terms[1], wmin, wmax), W)


def dense_reference(n, is_cell, theta, tau, ref_steps, W, plastic, wmin, wmax, mirrored, events, n_steps,
                    x0, a=0.1, d=0.9047744744744745, eta_plus=0.15, eta_minus=0.15, lr_decay=1.0,
                    astro=None, calcium=None):
    """``events``: (n, n_steps) bool spikes of the source neurons (rows of cells are ignored).
    ``astro``: None or dict(plus=mask, minus=mask, w_A, b_A, tau_A, A0, decay).
    ``calcium``: None or dict(c0, tau, theta, width): AP-STDP gating by the post neuron's C.
    Returns (spikes (n_steps, n) bool, W, x, v, C)."""
    W = W.astype(float).copy()
    x = x0.astype(float).copy()
    v = np.zeros(n)
    r = np.zeros(n)
    ss = np.full(n, 20.0)
    src = ~is_cell
    ep, em = eta_plus, eta_minus
    if astro is not None:
        A, wA, bA = astro["A0"], astro["w_A"], astro["b_A"]
    out = np.zeros((n_steps, n), bool)
    C = np.zeros(n) if calcium is None else calcium["c0"].astype(float).copy()
    for t in range(n_steps):
        s_cell = is_cell & (v * (1.0 - np.clip(r, 0, 1)) >= theta)            # 1. spikes
        s_src = src & events[:, t]
        s = (s_cell | s_src).astype(float)
        v = np.where(s_cell, 0.0, v)                                            # 2. reset
        out[t] = s > 0                                                          # 3. record
        ss = np.where(s_cell, 0.0, ss)                                          # 4. propagate
        k = np.where(is_cell, np.exp(-ss), 0.0)
        i_syn = W @ k                                                           # 5. V update
        i_ext = W @ np.where(src, s, 0.0)
        v, r = dense_lif(v, r, i_syn, i_ext, s, is_cell, tau, ref_steps)
        ss = np.minimum(ss + 1, 100)                                            # 6. ages
        em_now = A if astro is not None else em                                 # 8. STDP
        terms = stdp_terms(x, s, ep, em_now, mirrored)
        if calcium is not None:         # 3.5: C updated with this step's spikes, each term gated by C_post
            C = C - C / calcium["tau"] + s
            th, dc = calcium["theta"], calcium["width"]
            ltp = ((C > th) & (C < th + dc))[:, None]
            ltd = ((C > th - dc) & (C < th))[:, None]
            terms = [np.clip(ltp * term, 0, None) + np.clip(ltd * term, None, 0) for term in terms]
        W = np.where(plastic, np.clip(W + terms[0] + terms[1], wmin, wmax), W)
        x = d * (x + a * s)                                                     # 9. traces
        if astro is not None:                                                   # 10. astrocyte
            drive = s[astro["plus"]].sum() - s[astro["minus"]].sum()
            A = A + (wA * drive + bA - A) / astro["tau_A"]
            A, wA, bA = A * astro["decay"], wA * astro["decay"], bA * astro["decay"]
        ep, em = ep * lr_decay, em * lr_decay                                   # 11. decays
    return out, W, x, v, C
