"""Simulator state of ``snn.pynn`` (as pyNN/nest/simulator.py): time, time step, delays, the populations,
projections and recorders of the current network, and the run loop over the engine.

Time is counted in whole steps (``step``); ``t = step * dt``. A run lowers the PyNN network to an
``snn.spec.Network`` (snn/pynn/build.py) when it changed since the last run, then runs the engine from the
carried ``RunState``, so ``run(50); run(50)`` continues where the first call stopped. ``reset()`` drops the
state: the next run starts at t = 0 from the initial values.
"""
from pyNN import common

from ..run_state import redraw_poisson

name = "snn"


class ID(int, common.IDMixin):
    """A cell: its integer value is also the engine's global neuron index (populations in creation order)."""

    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):

    def __init__(self):
        common.control.BaseState.__init__(self)
        self.mpi_rank = 0
        self.num_processes = 1
        self.dt = 0.1
        self.min_delay = 0.1
        self.auto_min_delay = False
        self.max_delay = 10.0
        self.rng_seed = 0
        self.schedule = "exact"
        self.spike_precision = "on_grid"
        self.spinnaker_version = None     # snn.pynn.spinnaker: the host encoding (snn/spinnaker_host.py)
        self.spinnaker_extras = {}        # snn.pynn.spinnaker: the mapping requests of a script, recorded
        self.clear()

    # --- network bookkeeping -------------------------------------------------------------------------------
    def clear(self):
        """Forget the whole network (``setup()``)."""
        self.populations = []
        self.projections = []
        self.current_sources = []
        self.write_on_end = []
        self.recorders = set()
        self.id_counter = 0
        self.segment_counter = -1
        self.changed()
        self.reset()

    def changed(self):
        """Something the lowered network depends on (structure, parameters, weights, recording) changed."""
        if getattr(self, "_engine", None) is not None:
            self._previous = self._engine        # its Poisson parameters, to redraw the ones that changed
        self._engine = None

    @property
    def t(self):
        return round(self.step * self.dt, 10)

    # --- control -------------------------------------------------------------------------------------------
    def reset(self):
        """Back to t = 0 with the initial values; a new segment for recorded data."""
        self.running = False
        self.step = 0
        self.t_start = 0
        self.segment_counter += 1
        self._run_state = None
        self._previous = None
        for recorder in self.recorders:
            recorder._reset_data()

    def run(self, simtime):
        self.run_steps(int(round(simtime / self.dt)))

    def run_until(self, tstop):
        self.run_steps(int(round(tstop / self.dt)) - self.step)

    def run_steps(self, n_steps):
        self.running = True
        if n_steps <= 0:
            return
        from .build import Engine
        if self._engine is None:
            self._engine = Engine(self)
            if self._run_state is not None and self._previous is not None:
                redraw_poisson(self._run_state, self._previous.sim.lowered, self._engine.sim.lowered, self.rng_seed)
            self._previous = None
        # piecewise-constant inputs (current sources) cut the run where they change
        cuts = sorted({c for src in self.current_sources for c in src._change_steps(self.step, self.step + n_steps)})
        start = self.step
        for stop in cuts + [start + n_steps]:
            if stop > self.step:
                self._engine.run(self.step, stop - self.step)
                self.step = stop


state = State()

