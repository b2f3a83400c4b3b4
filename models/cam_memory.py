"""A user-level content-addressable memory on top of the CA3 CAM network (``models/ca3_cam.py``).

    mem = CAM(cue_size=5, content_size=10)
    mem.learn(0, [0, 1, 8, 9])          # placed at t = 0 ms
    mem.recall_cue(0)                   # placed at the earliest allowed time: 7 ms after a learn
    mem.recall_content([8])             # 6 ms after a recall
    out = mem.run()                     # simulates the whole schedule, decodes the output layer
    out.results                         # [{'op': 'learn', ..., 'echo': []}, {..., 'content': [0, 1, 8, 9]}, ...]

Protocol (specs/ca3_cam.md 2.2): a learn holds the cue and its content bits for 3 ms (t0, t0+1, t0+2); a recall is
one spike at t0. Outputs are read on ``OLayer`` at t0 + 6: the content bits for a recall by cue, every cue whose
stored content shares a bit with the fragment for a recall by content, and for a learn the bits of the old content
that the overwrite removed (the "echo"). The next operation may start 7 ms after a learn and 6 ms after a recall.
Learning a cue again overwrites (forgets) its old content. Operations are data (``Operation``); schedules can be
read from JSON lists such as ``[{"op": "learn", "cue": 0, "content": [0, 1]}, {"op": "recall_cue", "cue": 0}]``.
"""
from dataclasses import dataclass, field

import numpy as np

from snn.engine import Simulator
from snn.errors import SpecError
from snn.validate import check_int

from .ca3_cam import MEMORY_POPULATIONS, OUTPUT, build_cam, check_sizes

OPS = ("learn", "recall_cue", "recall_content")
SPACING_MS = {"learn": 7, "recall_cue": 6, "recall_content": 6}   # spec 2.2: minimum time to the next operation
HOLD_MS = {"learn": 3, "recall_cue": 1, "recall_content": 1}      # input spikes at t0 .. t0 + hold - 1
READ_LATENCY_MS = 6                                               # spec 2.2 / 2.5: OLayer read at t0 + 6
TAIL_MS = 10                                                      # simulated time after the last operation
_KEYS = {"learn": {"op", "cue", "content", "time"}, "recall_cue": {"op", "cue", "time"},
         "recall_content": {"op", "content", "time"}}


@dataclass(frozen=True)
class Operation:
    """One memory operation at ``time`` ms (the first input spike). ``content``: sorted content bit indices."""
    op: str
    time: int
    cue: int = None
    content: tuple = ()

    def as_dict(self):
        d = {"op": self.op, "time": self.time}
        if self.cue is not None:
            d["cue"] = self.cue
        if self.op != "recall_cue":
            d["content"] = list(self.content)
        return d

    def describe(self):
        what = f"cue {self.cue}" if self.op == "recall_cue" else \
            f"content {list(self.content)}" if self.op == "recall_content" else \
            f"cue {self.cue} <- {list(self.content)}"
        return f"{self.op} {what} at t={self.time} ms"


class CAM:
    """A content-addressable memory of ``cue_size`` addresses of ``content_size`` bits, simulated by the CA3 CAM
    network. Build a schedule with ``learn``/``recall_cue``/``recall_content`` (or ``add``/``extend`` with dicts),
    then ``run()``. ``history``: STDP post-spike history length (default 16 as on SpiNNaker; see docs/ca3_cam.md)."""

    def __init__(self, cue_size, content_size, *, history=None):
        check_sizes(cue_size, content_size)
        self.cue_size, self.content_size, self.history = cue_size, content_size, history
        self.operations = []

    # -- building the schedule -------------------------------------------------------------------------------
    def earliest_time(self):
        """Earliest time (ms) at which the next operation may start."""
        if not self.operations:
            return 0
        last = self.operations[-1]
        return last.time + SPACING_MS[last.op]

    def _cue(self, cue, where):
        cue = check_int(f"{where}: cue", cue)
        if not 0 <= cue < self.cue_size:
            raise SpecError(f"{where}: cue={cue} is out of range; cues are 0..{self.cue_size - 1}")
        return cue

    def _content(self, bits, where):
        if isinstance(bits, (str, bytes)) or not hasattr(bits, "__iter__"):
            raise SpecError(f"{where}: content={bits!r} must be a list of bit indices")
        out = set()
        for b in bits:
            b = check_int(f"{where}: content bit", b)
            if not 0 <= b < self.content_size:
                raise SpecError(f"{where}: content bit {b} is out of range; bits are 0..{self.content_size - 1}")
            out.add(b)
        if not out:
            raise SpecError(f"{where}: content is empty; give at least one bit (0..{self.content_size - 1})")
        return tuple(sorted(out))

    def _place(self, op, time, cue=None, content=()):
        index = len(self.operations)
        where = f"operation {index} ({op})"
        earliest = self.earliest_time()
        if time is None:
            time = earliest
        else:
            time = check_int(f"{where}: time", time)
            if time < 0:
                raise SpecError(f"{where}: time={time} ms must be >= 0")
            if time < earliest:
                prev = self.operations[-1]
                raise SpecError(f"{where} at t={time} ms is too early: the previous operation ({prev.op} at "
                                f"t={prev.time} ms) needs {SPACING_MS[prev.op]} ms before the next one "
                                f"(7 ms after a learn, 6 ms after a recall); earliest allowed t={earliest} ms")
        operation = Operation(op, time, cue, content)
        self.operations.append(operation)
        return operation

    def learn(self, cue, bits, time=None):
        """Store content ``bits`` (indices of the 1 bits) at address ``cue``; overwrites what the cue held."""
        where = f"operation {len(self.operations)} (learn)"
        return self._place("learn", time, self._cue(cue, where), self._content(bits, where))

    def recall_cue(self, cue, time=None):
        """Read the content stored at ``cue``."""
        return self._place("recall_cue", time, self._cue(cue, f"operation {len(self.operations)} (recall_cue)"))

    def recall_content(self, bits, time=None):
        """Find every cue whose stored content shares at least one bit with the fragment ``bits``."""
        where = f"operation {len(self.operations)} (recall_content)"
        return self._place("recall_content", time, content=self._content(bits, where))

    def add(self, item):
        """Append one operation given as a dict: ``{"op": ..., "cue": ..., "content": [...], "time": ...}``."""
        where = f"operation {len(self.operations)}"
        if not isinstance(item, dict):
            raise SpecError(f"{where}: expected an object such as {{\"op\": \"learn\", \"cue\": 0, "
                            f"\"content\": [1]}}, got {item!r}")
        op = item.get("op")
        if op not in OPS:
            raise SpecError(f"{where}: op={op!r} is not known; choose one of {', '.join(OPS)}")
        unknown = set(item) - _KEYS[op]
        if unknown:
            raise SpecError(f"{where} ({op}): unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS[op])}")
        missing = _KEYS[op] - {"time"} - set(item)
        if missing:
            raise SpecError(f"{where} ({op}): missing key(s) {sorted(missing)}")
        t = item.get("time")
        if op == "learn":
            return self.learn(item["cue"], item["content"], t)
        if op == "recall_cue":
            return self.recall_cue(item["cue"], t)
        return self.recall_content(item["content"], t)

    def extend(self, items):
        if not isinstance(items, list):
            raise SpecError(f"an operation schedule must be a list of operations, got {type(items).__name__}")
        for item in items:
            self.add(item)
        return self

    # -- simulating ------------------------------------------------------------------------------------------
    def input_spikes(self):
        """ILayer spike times in the golden schema: ``{"cue": [N lists], "cont": [M lists]}`` (ms)."""
        cue = [[] for _ in range(self.cue_size)]
        cont = [[] for _ in range(self.content_size)]
        for o in self.operations:
            times = [o.time + k for k in range(HOLD_MS[o.op])]
            if o.cue is not None:
                cue[o.cue].extend(times)
            for b in o.content:
                cont[b].extend(times)
        return {"cue": cue, "cont": cont}

    def duration(self):
        return (self.operations[-1].time if self.operations else 0) + TAIL_MS

    def network(self):
        return build_cam(self.cue_size, self.content_size, self.input_spikes(), history=self.history)

    def run(self):
        """Simulate the whole schedule from t = 0 and decode every operation (a ``CAMRun``)."""
        if not self.operations:
            raise SpecError("the schedule is empty: add learn/recall operations before run()")
        result = Simulator(self.network()).run(float(self.duration()))
        return CAMRun(self, result)


@dataclass
class CAMRun:
    """Decoded outcome of a simulated schedule. ``results``: one dict per operation (its fields plus
    ``content`` for a recall by cue, ``cues`` for a recall by content, ``echo`` for a learn)."""
    memory: CAM
    result: object
    results: list = field(init=False)

    def __post_init__(self):
        n = self.memory.cue_size
        t_out, i_out = self.result.spikes(OUTPUT)
        at = {}
        for t, i in zip(np.rint(t_out).astype(np.int64), i_out):
            at.setdefault(int(t), []).append(int(i))
        self.results = []
        for o in self.memory.operations:
            fired = sorted(at.get(o.time + READ_LATENCY_MS, []))
            cues, bits = [i for i in fired if i < n], [i - n for i in fired if i >= n]
            d = o.as_dict()
            if o.op == "recall_cue":
                d["content"] = bits
            elif o.op == "recall_content":
                d["cues"] = cues
            else:
                d["echo"] = bits
            self.results.append(d)

    def spikes(self):
        """Simulated spikes per population (8 memory populations and OLayer): a list per neuron of int ms."""
        return {label: [[int(round(t)) for t in train] for train in self.result.spike_trains(label)]
                for label in (*MEMORY_POPULATIONS, OUTPUT)}

    def to_json(self):
        m = self.memory
        return {"cueSize": m.cue_size, "contSize": m.content_size, "simTime_ms": m.duration(),
                "input_spikes": m.input_spikes(), "operations": self.results, "spikes": self.spikes()}


def ideal_results(operations, cue_size):
    """What a perfect memory answers for ``operations`` (a list of ``Operation``): a recall by cue returns the
    content last learned for that cue ([] if none); a recall by content returns every cue whose stored content
    shares a bit with the fragment; a learn's echo is the old content minus the new one."""
    store, out = {}, []
    for o in operations:
        if o.op == "learn":
            out.append(sorted(set(store.get(o.cue, ())) - set(o.content)))
            store[o.cue] = tuple(o.content)
        elif o.op == "recall_cue":
            out.append(sorted(store.get(o.cue, ())))
        else:
            out.append(sorted(c for c in range(cue_size) if set(store.get(c, ())) & set(o.content)))
    return out


def decoded_values(results):
    """The decoded value of each result dict (``echo``, ``content`` or ``cues``), to compare with ideal_results."""
    key = {"learn": "echo", "recall_cue": "content", "recall_content": "cues"}
    return [r[key[r["op"]]] for r in results]
