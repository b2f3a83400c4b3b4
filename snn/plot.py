"""Matplotlib figures with labelled axes and units. Functions draw into a given ``ax`` and return it."""
import numpy as np


def _as_pairs(spikes):
    """(times_ms, neuron_index) arrays from either such a pair or a list of per-neuron spike trains."""
    if isinstance(spikes, tuple) and len(spikes) == 2 and np.ndim(spikes[0]) == 1 and np.ndim(spikes[1]) == 1 \
            and len(spikes[0]) == len(spikes[1]) and not (len(spikes[0]) and np.ndim(spikes[0][0])):
        return np.asarray(spikes[0], float), np.asarray(spikes[1], np.int64)
    trains = [np.asarray(tr, float).ravel() for tr in spikes]
    t = np.concatenate(trains) if trains else np.zeros(0)
    i = np.concatenate([np.full(tr.size, k) for k, tr in enumerate(trains)]) if trains else np.zeros(0, np.int64)
    return t, i.astype(np.int64)


def raster(ax, spikes_by_population, colors=None, marker_size=2.0, sizes=None, separators=False, min_band=1):
    """Spike raster: ``spikes_by_population`` maps a label to (times_ms, neuron_index) arrays or to a list of
    per-neuron spike trains (ms); populations are stacked bottom-up in the given order and coloured, with their
    names on the y axis. ``sizes`` (label -> neuron count) fixes each band's height (default: from the data, or
    the number of trains); ``separators`` draws a thin line between bands; ``min_band`` is the least height of a
    band (in neuron rows), so that the names of small populations next to each other do not overlap."""
    base = 0
    ticks, names = [], []
    cmap = colors or {}
    sizes = sizes or {}
    for k, (label, spikes) in enumerate(spikes_by_population.items()):
        t, i = _as_pairs(spikes)
        size = sizes.get(label)
        if size is None:
            size = len(spikes) if not isinstance(spikes, tuple) else (int(i.max()) + 1 if i.size else 1)
        size = max(int(size), 1, int(min_band))
        ax.scatter(t, i + base, s=marker_size, color=cmap.get(label, f"C{k % 10}"), label=label, linewidths=0)
        ticks.append(base + (size - 1) / 2)
        names.append(label)
        base += size
        if separators:
            ax.axhline(base - 0.5, color="0.85", linewidth=0.5, zorder=0)
    ax.set_yticks(ticks, names)
    ax.set_ylim(-0.5, base - 0.5)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron (by population)")
    return ax


def accuracy_matrix(ax, R, *, annotate=True, cmap="viridis"):
    """Continual-learning accuracy matrix: row i = after training task i, column j = test task j, as an image
    with values in [0, 1] (NaN cells, tasks not yet seen, stay blank) and the values written in the cells."""
    R = np.asarray(R, dtype=float)
    im = ax.imshow(np.ma.masked_invalid(R), vmin=0.0, vmax=1.0, cmap=cmap, aspect="auto")
    if annotate and R.size <= 400:
        for (i, j), v in np.ndenumerate(R):
            if v == v:
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                        color="black" if v > 0.6 else "white")
    ax.set_xticks(range(R.shape[1]))
    ax.set_yticks(range(R.shape[0]))
    ax.set_xlabel("test task j")
    ax.set_ylabel("after training task i")
    ax.figure.colorbar(im, ax=ax, label="test accuracy")
    return ax


def learning_curves(ax, steps, acc, *, boundaries=None, labels=None):
    """Per-task accuracy over training: ``acc`` (n_evals x n_tasks, NaN before a task is seen) against the
    training step; vertical dotted lines at task ``boundaries`` (steps)."""
    steps = np.asarray(steps)
    acc = np.asarray(acc, dtype=float)
    for j in range(acc.shape[1] if acc.ndim == 2 else 0):
        ax.plot(steps, acc[:, j], lw=1.2, label=labels[j] if labels else f"task {j}")
    for b in boundaries or ():
        ax.axvline(b, color="0.6", ls=":", lw=0.8)
    ax.set_xlabel("training step (batches)")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0.0, 1.0)
    if acc.ndim == 2 and acc.shape[1] <= 12:
        ax.legend(fontsize=7, ncol=2, loc="lower left")
    return ax


def confusion_matrix(ax, y_true, y_pred, n_classes=None, class_names=None):
    """Confusion matrix as counts (row = true class, column = predicted), with the accuracy in the title."""
    y_true, y_pred = np.asarray(y_true, int), np.asarray(y_pred, int)
    k = n_classes or int(max(y_true.max(initial=0), y_pred.max(initial=0)) + 1)
    m = np.zeros((k, k), int)
    np.add.at(m, (y_true, y_pred), 1)
    im = ax.imshow(m, cmap="Blues")
    names = class_names or [str(c) for c in range(k)]
    ax.set_xticks(range(k), names, rotation=90 if class_names else 0)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    acc = float(np.trace(m) / max(m.sum(), 1))
    ax.set_title(f"test accuracy {acc:.3f}")
    ax.figure.colorbar(im, ax=ax, label="samples")
    return ax


def rate_histogram(ax, rates_hz, bins=40):
    """Histogram of per-neuron firing rates (Hz)."""
    ax.hist(np.asarray(rates_hz, float), bins=bins, color="C0")
    ax.set_xlabel("firing rate (Hz)")
    ax.set_ylabel("neurons")
    return ax


def weight_matrix(ax, pre, post, w, n_pre=None, n_post=None, *, unit="nA", cmap=None):
    """Weights of one projection as a (post x pre) image: ``pre``, ``post`` index arrays and ``w`` (as
    ``Result.weights`` returns them); absent synapses are blank. Signed weights get a diverging map centred
    on 0. Returns the (n_post, n_pre) matrix drawn (NaN where there is no synapse; duplicates summed)."""
    pre, post, w = np.asarray(pre, np.int64), np.asarray(post, np.int64), np.asarray(w, float)
    n_pre = int(pre.max(initial=-1) + 1) if n_pre is None else int(n_pre)
    n_post = int(post.max(initial=-1) + 1) if n_post is None else int(n_post)
    m = np.zeros((n_post, n_pre))
    np.add.at(m, (post, pre), w)
    has = np.zeros((n_post, n_pre), bool)
    has[post, pre] = True
    m[~has] = np.nan
    signed = w.size and w.min() < 0 < w.max()
    lim = float(np.abs(w).max(initial=0.0)) or 1.0
    kw = dict(vmin=-lim, vmax=lim) if signed else {}
    im = ax.imshow(np.ma.masked_invalid(m), aspect="auto", interpolation="nearest",
                   cmap=cmap or ("RdBu_r" if signed else "viridis"), **kw)
    ax.set_xlabel("presynaptic neuron")
    ax.set_ylabel("postsynaptic neuron")
    ax.figure.colorbar(im, ax=ax, label=f"weight ({unit})")
    return m


def weight_histogram(ax, w, bins=40, *, unit="nA", label=None, **kw):
    """Histogram of synaptic weights; returns (counts, edges) as ``numpy.histogram`` computes them."""
    w = np.asarray(w, float).ravel()
    counts, edges = np.histogram(w, bins=bins)
    ax.stairs(counts, edges, fill=True, alpha=0.6, label=label, **kw)
    ax.set_xlabel(f"weight ({unit})")
    ax.set_ylabel("synapses")
    return counts, edges


def avalanche_distribution(ax, values, *, kind="size", bin_ms=None, label=None, **kw):
    """Empirical distribution P(x) of avalanche sizes (spikes) or durations (bins; ``bin_ms`` turns them into
    ms) on log-log axes, one marker per observed value. Returns (x, P) as drawn."""
    values = np.asarray(values, np.int64).ravel()
    values = values[values > 0]
    x, n = np.unique(values, return_counts=True)
    p = n / max(values.size, 1)
    xs = x * bin_ms if (kind == "duration" and bin_ms) else x
    ax.loglog(xs, p, "o", ms=3, label=label, **kw)
    if kind == "size":
        ax.set_xlabel("avalanche size (spikes)")
    else:
        ax.set_xlabel("avalanche duration (ms)" if bin_ms else "avalanche duration (bins)")
    ax.set_ylabel("probability")
    return xs, p


def branching_curve(ax, x, bf, *, xlabel="astrocyte weight w_A", err=None, label=None):
    """Branching factor against a parameter (e.g. the astrocyte weight), with the critical value 1 dotted."""
    x, bf = np.asarray(x, float), np.asarray(bf, float)
    if err is None:
        ax.plot(x, bf, "o-", label=label)
    else:
        ax.errorbar(x, bf, yerr=err, fmt="o-", capsize=3, label=label)
    ax.axhline(1.0, color="0.5", ls=":", lw=1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("branching factor (descendants / ancestors)")
    return ax


def positions_3d(ax, positions_by_population, colors=None, size=6.0):
    """Neuron positions in 3-D (an ``Axes3D``, e.g. ``fig.add_subplot(projection='3d')``): ``{label: (n, 3)}``
    in grid units, one colour per population, with a legend."""
    for k, (label, pos) in enumerate(positions_by_population.items()):
        pos = np.asarray(pos, float).reshape(-1, 3)
        ax.scatter(pos[:, 0], pos[:, 1], pos[:, 2], s=size, color=(colors or {}).get(label, f"C{k % 10}"),
                   label=f"{label} ({len(pos)})", depthshade=True)
    ax.set_xlabel("x (grid units)")
    ax.set_ylabel("y (grid units)")
    ax.set_zlabel("z (grid units)")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def signal_trace(ax, t_ms, values, *, ylabel="astrocyte signal A (STDP depression rate)", label=None):
    """One scalar signal over time (e.g. the NALSM astrocyte's A from ``snn.analysis.astrocyte_signal``)."""
    ax.plot(np.asarray(t_ms, float), np.asarray(values, float), lw=1.2, label=label)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(ylabel)
    return ax
