"""Same seed, bit-identical spikes and weights whatever the batch size, chunk size or numba thread count, in each
schedule ('exact', 'spinnaker', 'nalsm'); different seeds differ. Every results.json records seed, config,
versions and the git commit."""
import json

import numba
import numpy as np
import pytest

from snn.connectors import FixedProbability
from snn.engine import Simulator
from snn.models.nalsm import build_liquid
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection

from .conftest import CASES


def _exact():
    return Network([Population("in", 30, "SpikeSourceInput"), Population("lif", 60, "IF_curr_exp",
                                                                          params=dict(cm=0.25))],
                   [Projection("in", "lif", FixedProbability(0.3), weight=1.5, delay=1.0),
                    Projection("lif", "lif", FixedProbability(0.1), weight=0.5, delay=2.0)], dt=0.5, seed=3)


def _spinnaker():
    return Network([Population("in", 30, "SpikeSourceInput"), Population("lif", 40, "IF_curr_exp",
                                                                          params=dict(cm=0.25))],
                   [Projection("in", "lif", FixedProbability(0.3), weight=1.5, delay=1.0,
                               plasticity=SpikePairSTDP(A_plus=0.1, A_minus=0.12, w_max=3.0))],
                   dt=1.0, schedule="spinnaker", seed=3)


def _nalsm():
    return build_liquid(30, shape=(4, 4, 4), phase="features", seed=3)


def _fingerprint(res, labels):
    out = [res.counts_all.copy(), res.plastic_weights.copy()]
    for b in range(res.batch):
        for lab in labels:
            t, i = res.spikes(lab, b)
            out += [t.copy(), i.copy()]
    return out


@pytest.mark.parametrize("build, label, stim_label", [(_exact, "lif", "in"), (_spinnaker, "lif", "in"),
                                                      (_nalsm, "exc", "events")])
def test_same_seed_same_spikes_across_batch_chunks_threads(build, label, stim_label):
    net = build()
    sim = Simulator(net)
    n_in = net.population(stim_label).size
    rates = np.random.default_rng(0).uniform(0.05, 0.4, (6, n_in))
    base = sim.run(40.0, batch=6, stimuli={stim_label: rates}, seed=11)
    want = _fingerprint(base, [label])
    old = numba.get_num_threads()
    variants = []
    try:
        for threads in sorted({1, min(2, numba.config.NUMBA_NUM_THREADS)}):
            numba.set_num_threads(threads)
            for chunk in (None, 1, 4):
                variants.append(sim.run(40.0, batch=6, stimuli={stim_label: rates}, seed=11, chunk=chunk))
    finally:
        numba.set_num_threads(old)
    # batch of one, sample by sample (the global sample index keeps each sample's random stream)
    singles = [sim.run(40.0, batch=1, stimuli={stim_label: rates[b:b + 1]}, seed=11, sample_offset=b)
               for b in range(6)]
    for res in variants:
        CASES["reproducibility: runs compared"] += 1
        for a, b in zip(_fingerprint(res, [label]), want):
            np.testing.assert_array_equal(a, b)
    for b, res in enumerate(singles):
        CASES["reproducibility: runs compared"] += 1
        np.testing.assert_array_equal(res.counts_all[0], base.counts_all[b])
        np.testing.assert_array_equal(res.spikes(label)[0], base.spikes(label, b)[0])
        np.testing.assert_array_equal(res.plastic_weights[0], base.plastic_weights[b])
    other = sim.run(40.0, batch=6, stimuli={stim_label: rates}, seed=12)
    assert not np.array_equal(other.counts_all, base.counts_all)


def test_nalsm_features_identical_across_runs_and_recorded_provenance(tmp_path):
    """Two fresh `snn nalsm` runs (no cache shared) give identical features; results.json has seed, config,
    versions and commit."""
    from snn.experiments.cli import main
    from ._util import split_features
    args = ["nalsm", "--dataset", "digits", "--neurons", "27", "--train", "40", "--val", "20", "--test", "20",
            "--readout", "logreg", "--no-progress", "--seed", "5"]
    for d in ("a", "b"):
        assert main(args + ["--out", str(tmp_path / d)]) == 0
    for split in ("train", "val", "test"):
        np.testing.assert_array_equal(split_features(tmp_path / "a", split), split_features(tmp_path / "b", split))
    r = json.loads((tmp_path / "a" / "results.json").read_text())
    assert r["seed"] == 5 and r["config"]["seed"] == 5 and r["versions"]["numpy"] == np.__version__
    assert "commit" in r and "numba" in r["versions"]


def test_every_experiment_that_writes_results_json_records_provenance():
    """Source check: each experiment module that writes results.json builds it with provenance()."""
    from pathlib import Path
    import snn.experiments as ex
    for f in Path(ex.__file__).parent.glob("*.py"):
        text = f.read_text()
        if '"results.json"' in text:
            assert "provenance(" in text, f.name


def test_code_digest_of_the_nalsm_caches_follows_the_sources(tmp_path):
    """The caches of `snn nalsm` are keyed on a hash of the code: an edit to a file it hashes changes it, the same
    files give the same hash, and every simulator kernel and the model are among the files hashed."""
    from pathlib import Path
    import snn.kernels
    from snn.experiments.provenance import code_digest, code_files
    extra = tmp_path / "nalsm_extra.py"
    extra.write_text("A = 1\n")
    first = code_digest(str(extra))
    code_digest.cache_clear()
    assert code_digest(str(extra)) == first
    extra.write_text("A = 2\n")
    code_digest.cache_clear()
    assert code_digest(str(extra)) != first
    hashed = {p.name for p in code_files()}
    assert {p.name for p in Path(snn.kernels.__file__).parent.glob("*.py")} <= hashed and "nalsm.py" in hashed
