"""The board's integer state of a run in the 'spinnaker' schedule's fixed point, carried from one
``Simulator.run`` call to the next as ``snn/run_state.py`` carries the float kernels' state: V, the synaptic
inputs (exc, inh), refractory counters and the uint16 ring buffer (s16.15 / integer bits, as the board holds
them), the STDP histories and int16 traces, the plastic uint16 words, the Poisson positions and the next tick t0.

    state = sim.initial_state(batch=1)       # a BoardState when the schedule computes in fixed point
    r1 = sim.run(50.0, state=state)
    r2 = sim.run(50.0, state=r1.state)       # bit for bit the ticks of one run(100.0)

The plastic words travel in the state (``words``). As in the float schedules, the previous result's
``plastic_weights`` go back in: a synapse whose weight is its carried word's value keeps that word (so nothing is
re-encoded, which at a bound could land on another word); a weight changed between the calls (PyNN's
``Projection.set``) is encoded again, as the host writes a changed weight.
"""
from collections import namedtuple

import numpy as np

from .errors import SpecError

BoardState = namedtuple("BoardState", "t0 started v isyn refr buf h_t h_o h_n last_pre r_pre pois_next pois_draw "
                                      "words aux")     # aux: Izhikevich's U and this_h (s16.15 bits)


def _arrays(board, rows, n_plastic):
    n = board.v0.shape[0]
    n_pois = board.pois_idx.shape[0]
    n_rules = board.rules.shape[0]       # the pre history (last spike, trace) of each row is kept per rule
    return (np.zeros(rows, np.bool_), np.zeros((rows, n), np.int32), np.zeros((rows, 2, n), np.int32),
            np.zeros((rows, n), np.int32), np.zeros((rows, board.n_slots, 2, n), np.int32),
            np.zeros((rows, n, board.hist), np.int64), np.zeros((rows, n, board.hist), np.int64),
            np.ones((rows, n), np.int64), np.zeros((rows, n, n_rules), np.int64),
            np.zeros((rows, n, n_rules), np.int64),
            np.zeros((rows, n_pois), np.int64), np.zeros((rows, n_pois), np.int64),
            np.zeros((rows, n_plastic), np.int64), np.zeros((rows, 2, n), np.int32))


def fresh_board_state(board, batch, n_plastic):
    """The state of ``batch`` samples at tick 0 (the kernel sets the initial values on the first call)."""
    return BoardState(np.int64(0), *_arrays(board, batch, n_plastic))


def no_board_state(board, n_plastic):
    """The empty state the kernel reads as 'start fresh at tick 0 on arrays of your own'."""
    return BoardState(np.int64(0), *_arrays(board, 0, n_plastic))


def take_board(state, a, z):
    """Rows a..z-1 (views: the kernel updates the caller's arrays)."""
    if state.v.shape[0] == 0:
        return state
    return BoardState(state.t0, *(x[a:z] for x in state[1:]))


def check_board_state(state, board, batch, n_plastic):
    """``state`` fits this board network and batch, or a SpecError says how it does not."""
    if not isinstance(state, BoardState):
        raise SpecError(f"state must be a BoardState in the 'spinnaker' schedule's fixed point (Simulator."
                        f"initial_state() or a result's .state), got {type(state).__name__}")
    want = fresh_board_state(board, batch, n_plastic)
    for name, have, need in zip(BoardState._fields[1:], state[1:], want[1:]):
        if have.shape != need.shape or have.dtype != need.dtype:
            raise SpecError(f"state.{name} has shape {have.shape} ({have.dtype}); this network and batch={batch} "
                            f"need {need.shape} ({need.dtype}): a state belongs to the network it was made for")
