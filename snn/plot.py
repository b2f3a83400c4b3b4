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


def raster(ax, spikes_by_population, colors=None, marker_size=2.0, sizes=None, separators=False):
    """Spike raster: ``spikes_by_population`` maps a label to (times_ms, neuron_index) arrays or to a list of
    per-neuron spike trains (ms); populations are stacked bottom-up in the given order and coloured, with their
    names on the y axis. ``sizes`` (label -> neuron count) fixes each band's height (default: from the data, or
    the number of trains); ``separators`` draws a thin line between bands."""
    base = 0
    ticks, names = [], []
    cmap = colors or {}
    sizes = sizes or {}
    for k, (label, spikes) in enumerate(spikes_by_population.items()):
        t, i = _as_pairs(spikes)
        size = sizes.get(label)
        if size is None:
            size = len(spikes) if not isinstance(spikes, tuple) else (int(i.max()) + 1 if i.size else 1)
        size = max(int(size), 1)
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
