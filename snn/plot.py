"""Matplotlib figures with labelled axes and units. Functions draw into a given ``ax`` and return it."""
import numpy as np


def raster(ax, spikes_by_population, sizes=None, colors=None, marker_size=2.0):
    """Spike raster: ``spikes_by_population`` maps a label to (times_ms, neuron_index) arrays; populations
    are stacked bottom-up in the given order (each ``sizes[label]`` rows tall, default: its highest index that
    fired) and coloured, with their names on the y axis."""
    base = 0
    ticks, names = [], []
    cmap = colors or {}
    for k, (label, (t, i)) in enumerate(spikes_by_population.items()):
        i = np.asarray(i)
        size = (sizes or {}).get(label) or (int(i.max()) + 1 if i.size else 1)
        ax.scatter(t, i + base, s=marker_size, color=cmap.get(label, f"C{k}"), label=label, linewidths=0)
        ticks.append(base + size / 2)
        names.append(label)
        base += size
    ax.set_yticks(ticks, names)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron (by population)")
    return ax
