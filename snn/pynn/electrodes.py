"""Current sources of ``snn.pynn``: DCSource, StepCurrentSource, ACSource, NoisyCurrentSource.

Each source is a function of the time step: its amplitude during step s (from s*dt to (s+1)*dt) adds to the
``i_offset`` of the cells it is injected into, as NEST's generators enter a neuron's update like a constant
current over the step (PyNN's NEST backend shifts their times by one step so that a current starting at
``start`` moves V from the sample at start + dt on; pyNN/nest/electrodes.py). A run is cut where a source's
amplitude changes (every step for ACSource, every ``dt`` for NoisyCurrentSource) and the coefficients of the
cells concerned are lowered again with the summed current (snn/pynn/build.py). A recorded source gives its
amplitude per step from t = 0 to the current time.
"""
import numpy as np
from pyNN.parameters import ParameterSpace, Sequence
from pyNN.standardmodels import StandardCurrentSource, build_translations, electrodes

from . import simulator

_FOREVER = 2 ** 62


class _Source(StandardCurrentSource):

    def __init__(self, **parameters):
        object.__setattr__(self, "_params", {})
        object.__setattr__(self, "cells", [])       # global ids
        object.__setattr__(self, "recording", False)
        object.__setattr__(self, "_noise", {})
        super().__init__(**parameters)
        ps = ParameterSpace(self.default_parameters, self.get_schema(), shape=(1,))
        ps.update(**parameters)
        self.set_native_parameters(self.translate(ps))
        simulator.state.current_sources.append(self)

    def get_native_parameters(self):
        return ParameterSpace(dict(self._params))

    def set_native_parameters(self, parameters):
        parameters.evaluate(simplify=True)
        for name, value in parameters.items():
            self._params[name] = value.value if isinstance(value, Sequence) else value
        self._check()
        simulator.state.changed()

    def _check(self):
        pass

    def inject_into(self, cells):
        for cell in cells:
            if not cell.celltype.injectable:
                raise TypeError("Can't inject current into a spike source.")
        self.cells.extend(int(c) for c in cells)
        simulator.state.changed()

    def record(self):
        object.__setattr__(self, "recording", True)

    def _steps(self, t):
        return int(np.rint(float(t) / simulator.state.dt))

    def _window(self):
        p = self._params
        return self._steps(p["start"]), min(self._steps(min(p["stop"], 1e15)), _FOREVER)

    def _get_data(self):
        n = simulator.state.step + 1
        steps = np.arange(n)
        return steps * simulator.state.dt, self.amplitudes_at(steps)


class DCSource(_Source, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = build_translations(("amplitude", "amplitude"), ("start", "start"), ("stop", "stop"))

    def amplitudes_at(self, steps):
        a, z = self._window()
        return np.where((steps >= a) & (steps < z), float(self._params["amplitude"]), 0.0)

    def _change_steps(self, a, z):
        return [s for s in self._window() if a < s < z]


class StepCurrentSource(_Source, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = build_translations(("amplitudes", "amplitudes"), ("times", "times"))

    def _check(self):
        """As pyNN/brian2/standardmodels/electrodes.py: times >= 0, increasing, mapped to the grid; of times that
        map to one step the last amplitude is kept."""
        times = np.asarray(self._params["times"], float)
        amps = np.asarray(self._params["amplitudes"], float)
        if times.size != amps.size:
            raise ValueError(f"StepCurrentSource: {times.size} times for {amps.size} amplitudes")
        if not (times >= 0.0).all():
            raise ValueError("Step current cannot accept negative timestamps.")
        if not (np.diff(times) > 0.0).all():
            raise ValueError("Step current timestamps should be monotonically increasing.")
        times = self._round_timestamp(times, simulator.state.dt)
        times, index = np.unique(np.flip(times), return_index=True)
        self._params["times"], self._params["amplitudes"] = times, np.flip(amps)[index]

    def amplitudes_at(self, steps):
        s = np.rint(np.asarray(self._params["times"], float) / simulator.state.dt).astype(np.int64)
        k = np.searchsorted(s, steps, side="right") - 1
        amps = np.concatenate([[0.0], np.asarray(self._params["amplitudes"], float)])
        return amps[k + 1]

    def _change_steps(self, a, z):
        s = np.rint(np.asarray(self._params["times"], float) / simulator.state.dt).astype(np.int64)
        return [int(x) for x in s if a < x < z]


class ACSource(_Source, electrodes.ACSource):
    __doc__ = electrodes.ACSource.__doc__
    translations = build_translations(("amplitude", "amplitude"), ("start", "start"), ("stop", "stop"),
                                      ("frequency", "frequency"), ("offset", "offset"), ("phase", "phase"))

    def amplitudes_at(self, steps):
        """offset + amplitude sin(2 pi f (t - start) + phase), the phase holding at ``start`` (PyNN issue 497)."""
        p = self._params
        a, z = self._window()
        t = steps * simulator.state.dt
        value = p["offset"] + p["amplitude"] * np.sin(2 * np.pi * p["frequency"] * (t - p["start"]) / 1000.0
                                                      + 2 * np.pi * p["phase"] / 360.0)
        return np.where((steps >= a) & (steps < z), value, 0.0)

    def _change_steps(self, a, z):
        lo, hi = self._window()
        return list(range(max(a + 1, lo), min(z, hi + 1)))


class NoisyCurrentSource(_Source, electrodes.NoisyCurrentSource):
    __doc__ = electrodes.NoisyCurrentSource.__doc__
    translations = build_translations(("mean", "mean"), ("start", "start"), ("stop", "stop"),
                                      ("stdev", "stdev"), ("dt", "dt"))

    def __init__(self, rng=None, **parameters):
        # seeded: the rng's seed, else setup(rng_seed=...) and the source's creation index (same script, same noise)
        seed = getattr(rng, "seed", None) if rng is not None else None
        if seed is None:
            seed = [simulator.state.rng_seed, len(simulator.state.current_sources)]
        object.__setattr__(self, "_rng", np.random.default_rng(seed))
        super().__init__(**parameters)

    def _check(self):
        every = self._params["dt"] / simulator.state.dt
        if abs(every - round(every)) > 1e-9 or round(every) < 1:
            raise ValueError(f"NoisyCurrentSource dt={self._params['dt']} ms must be a multiple of the time step "
                             f"({simulator.state.dt} ms)")

    def amplitudes_at(self, steps):
        """mean + stdev * N(0, 1), drawn once per interval ``dt`` from ``start`` (kept, so a value is the same
        whenever it is asked for)."""
        p = self._params
        a, z = self._window()
        every = int(round(p["dt"] / simulator.state.dt))
        out = np.zeros(np.shape(steps))
        for n, s in enumerate(np.atleast_1d(steps)):
            if a <= s < z:
                k = (int(s) - a) // every
                if k not in self._noise:
                    self._noise[k] = p["mean"] + p["stdev"] * self._rng.standard_normal()
                out[n] = self._noise[k]
        return out

    def _change_steps(self, a, z):
        lo, hi = self._window()
        every = int(round(self._params["dt"] / simulator.state.dt))
        first = lo + max(0, -(-(a + 1 - lo) // every)) * every
        return list(range(first, min(z, hi), every)) + ([hi] if a < hi < z else [])


CURRENT_SOURCES = (DCSource, StepCurrentSource, ACSource, NoisyCurrentSource)
