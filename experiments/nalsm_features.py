"""Phase 2 of ``snn nalsm`` in chunks: spike-count features of one split, ``chunk`` samples at a time, each chunk
saved atomically as ``OUT/features/<split>_<first sample>.npz`` with the key of the settings that made it. A rerun
with the same settings loads the finished chunks and simulates only the missing ones, so an interrupted run
resumes where it stopped. Chunks run here, or sample-parallel on a Dask cluster:

    extract(job, "train", n, stimuli, out_dir, key, workers=2)                 # a LocalCluster of 2 processes
    extract(job, "train", n, stimuli, out_dir, key, scheduler="tcp://host:8786")   # an existing cluster

Every sample's input draws are a function of (seed, global sample index, step, input), so the features are the
same whatever the chunking or the number of workers. A worker needs only the installed ``snn`` package (and
numba): the job carries the liquid's build arguments, the phase-1 weights and each chunk's stimuli.
"""
import contextlib
from pathlib import Path
import sys

import numpy as np

from snn.errors import DataError, SpecError
from snn.io import read_npz, write_npz

_SIMS = {}       # per process: built liquids, by their build arguments


def _simulator(job):
    """The phase-2 Simulator of ``job`` (built once per process)."""
    from snn.engine import Simulator
    from snn.models.nalsm import build_liquid
    k = repr(sorted(job["net"].items())) + repr(job["n_inputs"])
    if k not in _SIMS:
        _SIMS.clear()
        _SIMS[k] = Simulator(build_liquid(job["n_inputs"], phase="features", **job["net"]), record=())
    return _SIMS[k]


def _pack(stim):
    """Event frames (bool) travel bit-packed; rates as they are."""
    if stim.dtype == np.bool_:
        return ("bits", np.packbits(stim, axis=-1), stim.shape[-1])
    return ("rates", stim, None)


def _unpack(packed):
    kind, arr, steps = packed
    return np.unpackbits(arr, axis=-1, count=steps).astype(np.bool_) if kind == "bits" else arr


def run_chunk(job, w_ini, packed, sample_offset):
    """Liquid spike counts (exc then inh) of one chunk: the task a Dask worker runs."""
    from snn.models.nalsm import FEATURE_MS, liquid_counts
    counts, _ = liquid_counts(_simulator(job), _unpack(packed), w_ini, seed=job["seed"],
                              sample_offset=sample_offset, duration=FEATURE_MS)
    return counts.astype(np.int32)


@contextlib.contextmanager
def dask_client(workers=None, scheduler=None):
    """A Dask client: on ``scheduler`` (an address) if given, else on a LocalCluster of ``workers`` processes
    (one thread each); None when neither is given."""
    if not workers and not scheduler:
        yield None
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise SpecError("--workers / --scheduler need dask[distributed] (pip install 'snn[distributed]')") from None
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    if int(workers) < 1:
        raise SpecError(f"--workers {workers!r} must be >= 1")
    with LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True, dashboard_address=None,
                      env={"NUMBA_NUM_THREADS": "1"}) as cluster, Client(cluster) as client:
        yield client


def _chunk_path(out_dir, split, a):
    return Path(out_dir) / "features" / f"{split}_{a:07d}.npz"


def extract(job, split, n, stimuli, out_dir, key, sample_offset=0, chunk=250, client=None, progress=True):
    """Features (n, N) of samples 0..n-1 of ``split``; ``stimuli(idx)`` gives the rates or event frames of the
    split's samples ``idx``; ``job`` = dict(n_inputs, net=build_liquid keywords, seed, w_ini). Returns
    (features, number of samples simulated now)."""
    chunk = max(1, int(chunk))
    starts = list(range(0, n, chunk))
    done, todo = {}, []
    for a in starts:
        path = _chunk_path(out_dir, split, a)
        z = min(a + chunk, n)
        try:
            c = read_npz(path) if path.exists() else None
        except DataError:
            c = None
        if c is not None and str(c.get("key")) == key and c["value"].shape[0] == z - a:
            done[a] = c["value"]
        else:
            todo.append(a)
    if done:       # an earlier run of the same settings saved these chunks: say so, they are not recomputed
        kept = sum(min(a + chunk, n) - a for a in done)
        print(f"phase 2 ({split}): resuming with {kept} of {n} samples' features found in "
              f"{Path(out_dir) / 'features'}; {n - kept} to simulate", file=sys.stderr, flush=True)
    bar = None
    if progress and todo:
        from tqdm.auto import tqdm
        bar = tqdm(total=sum(min(a + chunk, n) - a for a in todo), unit="sample", desc=f"phase 2 ({split})",
                   smoothing=0.1)
    w_ini = job["w_ini"]
    small = {k: v for k, v in job.items() if k != "w_ini"}

    def finish(a, counts):
        write_npz(_chunk_path(out_dir, split, a), key=np.array(key), value=counts)
        done[a] = counts
        if bar is not None:
            bar.update(counts.shape[0])

    try:
        if client is None:
            for a in todo:
                z = min(a + chunk, n)
                finish(a, run_chunk(small, w_ini, _pack(stimuli(np.arange(a, z))), sample_offset + a))
        else:
            from dask.distributed import as_completed
            w_fut = client.scatter(w_ini, broadcast=True)
            futures = {}
            for a in todo:
                z = min(a + chunk, n)
                f = client.submit(run_chunk, small, w_fut, _pack(stimuli(np.arange(a, z))), sample_offset + a,
                                  pure=False)
                futures[f] = a
            for f in as_completed(futures):
                finish(futures[f], f.result())
    finally:
        if bar is not None:
            bar.close()
    n_liquid = int(np.prod(job["net"]["shape"]))
    feats = np.concatenate([done[a] for a in starts]).astype(np.int64) if starts else np.zeros((0, n_liquid),
                                                                                               np.int64)
    return feats, sum(min(a + chunk, n) - a for a in todo)
