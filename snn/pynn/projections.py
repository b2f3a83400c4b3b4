"""Projection of ``snn.pynn``: the connections pyNN.common's connectors make are kept as flat arrays
(index in ``pre`` / ``post``, the engine's global ids, weight and delay in PyNN's units); the engine reads
them when the network is lowered (snn/pynn/build.py). Delays are rounded to the time step, as NEST does.
"""
import numpy as np
from pyNN import common, errors
from pyNN.space import Space

from . import simulator
from .standardmodels import StaticSynapse


class Connection(common.Connection):
    """One connection of a projection (a view on its arrays)."""

    def __init__(self, projection, k):
        self._p, self._k = projection, k

    presynaptic_index = property(lambda self: int(self._p._i[self._k]))
    postsynaptic_index = property(lambda self: int(self._p._j[self._k]))

    def _get(self, name):
        return float(self._p._attr[name][self._k])

    def _set(self, name, value):
        self._p._attr[name][self._k] = value
        simulator.state.changed()

    weight = property(lambda self: self._get("weight"), lambda self, w: self._set("weight", w))
    delay = property(lambda self: self._get("delay"), lambda self, d: self._set("delay", d))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._get(name)
        except KeyError:
            raise AttributeError(name) from None

    def as_tuple(self, *names):
        return tuple(getattr(self, name) for name in names)


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None,
                 source=None, receptor_type=None, space=Space(), label=None):
        common.Projection.__init__(self, presynaptic_population, postsynaptic_population, connector,
                                   synapse_type, source, receptor_type, space, label)
        if not hasattr(self.synapse_type, "snn_rule"):
            raise errors.NoModelAvailableError(f"snn.pynn does not run {type(self.synapse_type).__name__}")
        self._parts = []
        simulator.state.projections.append(self)
        simulator.state.changed()
        connector.connect(self)
        self._finish()

    # --- storage -------------------------------------------------------------------------------------------
    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, location_selector=None,
                            **connection_parameters):
        if location_selector is not None:
            raise NotImplementedError("snn.pynn does not support multicompartmental models")
        connection_parameters.pop("dendritic_delay_fraction", None)
        i = np.asarray(presynaptic_indices, np.int64).ravel()
        k = i.size
        part = {"i": i, "j": np.full(k, int(postsynaptic_index), np.int64)}
        for name, value in connection_parameters.items():
            part[name] = np.broadcast_to(np.asarray(value, float), (k,)).astype(float)
        dt = simulator.state.dt
        if k and "delay" in part and part["delay"].min() < dt * (1 - 1e-9):
            # a spike needs one step to travel: PyNN's own message (pyNN.standardmodels.base.check_delays)
            raise errors.ConnectionError(f"Delay ({part['delay'].min()}) is out of range "
                                         f"[{simulator.state.min_delay}, {simulator.state.max_delay}]: "
                                         f"snn needs at least one time step ({dt} ms)")
        self._parts.append(part)
        self._dirty = True

    def _finish(self):
        if not getattr(self, "_dirty", True):
            return
        names = ["i", "j"] + [n for n in self.synapse_type.get_native_names()
                              if n not in ("i", "j", "dendritic_delay_fraction")]
        cat = {n: np.concatenate([p[n] for p in self._parts]) if self._parts else np.zeros(0) for n in names}
        self._i, self._j = cat.pop("i").astype(np.int64), cat.pop("j").astype(np.int64)
        dt = simulator.state.dt
        cat["delay"] = np.round(cat["delay"] / dt) * dt
        self._attr = cat
        self._parts = [dict(i=self._i, j=self._j, **cat)]
        self._dirty = False

    def global_ids(self):
        """(pre, post) engine ids of every connection."""
        self._finish()
        pre = np.asarray(self.pre.all_cells, np.int64)[self._i]
        post = np.asarray(self.post.all_cells, np.int64)[self._j]
        return pre, post

    def __len__(self):
        self._finish()
        return self._i.size

    @property
    def connections(self):
        self._finish()
        return (Connection(self, k) for k in range(self._i.size))

    # --- attributes ----------------------------------------------------------------------------------------
    def _set_attributes(self, parameter_space):
        self._finish()
        parameter_space.evaluate()
        for name, value in parameter_space.items():
            if name not in self._attr:
                raise errors.NonExistentParameterError(name, type(self.synapse_type).__name__,
                                                       list(self._attr))
            value = np.asarray(value, float)
            if value.ndim == 2:
                value = value[self._i, self._j]
            if name == "delay":
                value = np.round(value / simulator.state.dt) * simulator.state.dt
            self._attr[name][:] = value
        simulator.state.changed()

    def _get_attributes_as_list(self, names):
        self._finish()
        cols = []
        for name in names:
            if name == "presynaptic_index":
                cols.append(self._i)
            elif name == "postsynaptic_index":
                cols.append(self._j)
            else:
                cols.append(self._attr[name])
        return [tuple(row) for row in np.column_stack(cols).tolist()] if cols else []

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        self._finish()
        out = []
        for name in names:
            values = np.full((self.pre.size, self.post.size), np.nan)
            v = self._attr[name]
            if multiple_synapses == "last":
                values[self._i, self._j] = v
            elif multiple_synapses == "first":
                values[self._i[::-1], self._j[::-1]] = v[::-1]
            else:
                op, fill = {"sum": (np.add, 0.0), "min": (np.minimum, np.inf),
                            "max": (np.maximum, -np.inf)}[multiple_synapses]
                has = np.zeros_like(values, bool)
                has[self._i, self._j] = True
                values[has] = fill
                op.at(values, (self._i, self._j), v)
            out.append(values)
        return out
