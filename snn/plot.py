"""Matplotlib figures with labelled axes and units. Functions draw into a given ``ax`` and return it."""
import numpy as np


def raster(ax, spikes_by_population, colors=None, marker_size=2.0):
    """Spike raster: ``spikes_by_population`` maps a label to (times_ms, neuron_index) arrays; populations
    are stacked bottom-up in the given order and coloured, with their names on the y axis."""
    base = 0
    ticks, names = [], []
    cmap = colors or {}
    for k, (label, (t, i)) in enumerate(spikes_by_population.items()):
        i = np.asarray(i)
        size = int(i.max()) + 1 if i.size else 1
        ax.scatter(t, i + base, s=marker_size, color=cmap.get(label, f"C{k}"), label=label, linewidths=0)
        ticks.append(base + size / 2)
        names.append(label)
        base += size
    ax.set_yticks(ticks, names)
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
