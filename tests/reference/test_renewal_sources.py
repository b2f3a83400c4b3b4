"""SpikeSourceGamma and SpikeSourcePoissonRefractory against the analytic law of their gaps and against NEST's
gamma_sup_generator / ppd_sup_generator (the generators pyNN.nest maps them to, n_proc 1).

On the time grid both are renewal processes of whole steps (snn/cells.py, lower_gamma and
lower_poisson_refractory): a gamma interval is ``alpha`` runs of Bernoulli(p = beta dt) trials, each ending at its
first success (mean alpha / p steps, variance alpha (1 - p) / p^2); a dead-time interval is floor(tau_refrac / dt)
dead steps plus one such run with p = dt / (1000 / rate - tau_refrac). Asserted: the shortest possible interval
is never undercut (and is reached, with dead time), the mean and the variance of the intervals within 5
standard errors of those values, NEST's intervals of the same law by a two-sample Kolmogorov-Smirnov test (p > 1e-3; both seeded), and the
same seed giving the same spikes.
"""
import math

import numpy as np
import pytest

from snn.engine import Simulator
from snn.spec import Network, Population

nest = pytest.importorskip("nest")
scipy_stats = pytest.importorskip("scipy.stats")

DT = 0.1
T = 100_000.0
GAMMA = dict(alpha=[1, 2, 6], beta=[50.0, 1000.0, 300.0])
PPD = dict(rate=[100.0, 100.0, 40.0], tau_refrac=[0.0, 5.0, 12.0])


def _snn(cell_type, params, seed=7):
    net = Network([Population("src", 3, cell_type, params)], [], dt=DT)
    return Simulator(net).run(T, seed=seed).spike_trains("src")


def _nest(model, params):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": DT, "print_time": False, "rng_seed": 11})
    out = []
    for p in params:
        gen, parrot, rec = nest.Create(model, params=p), nest.Create("parrot_neuron"), nest.Create("spike_recorder")
        nest.Connect(gen, parrot)
        nest.Connect(parrot, rec)
        out.append(rec)
    nest.Simulate(T)
    return [np.sort(r.get("events")["times"]) for r in out]


def _check_law(isi_steps, p, fixed):
    """Intervals (in steps) of ``fixed`` steps plus a sum of runs of Bernoulli(p) trials: the mean and variance
    within 5 standard errors (the variance's from the fourth central moment of the sample)."""
    phases_mean, phases_var = fixed[1] / p, fixed[1] * (1 - p) / p ** 2
    n = isi_steps.size
    assert abs(isi_steps.mean() - (fixed[0] + phases_mean)) < 5 * math.sqrt(phases_var / n)
    dev = isi_steps - isi_steps.mean()
    m4 = np.mean(dev ** 4)
    assert abs(np.var(isi_steps) - phases_var) < 5 * math.sqrt((m4 - phases_var ** 2) / n)


def _steps(times):
    return np.rint(np.diff(times) / DT).astype(np.int64)


def test_gamma_source_law_and_nest():
    ours = _snn("SpikeSourceGamma", GAMMA)
    theirs = _nest("gamma_sup_generator", [dict(rate=b / a, gamma_shape=a) for a, b in zip(*GAMMA.values())])
    for k, (alpha, beta) in enumerate(zip(*GAMMA.values())):
        isi = _steps(ours[k])
        assert isi.size > 1000
        assert isi.min() >= alpha                 # each phase takes a step at least
        _check_law(isi, beta * DT / 1000.0, (0, alpha))
        assert scipy_stats.ks_2samp(isi, _steps(theirs[k])).pvalue > 1e-3


def test_poisson_refractory_source_law_and_nest():
    ours = _snn("SpikeSourcePoissonRefractory", PPD)
    theirs = _nest("ppd_sup_generator", [dict(rate=r, dead_time=d) for r, d in zip(*PPD.values())])
    for k, (rate, tau) in enumerate(zip(*PPD.values())):
        isi = _steps(ours[k])
        dead = math.floor(tau / DT + 1e-9)
        assert isi.size > 1000
        assert isi.min() == dead + 1                # no spike in the dead time, the next step may spike
        _check_law(isi, DT / (1000.0 / rate - tau), (dead, 1))
        assert scipy_stats.ks_2samp(isi, _steps(theirs[k])).pvalue > 1e-3


def test_same_seed_same_spikes_and_bad_parameters_refused():
    a, b, c = (_snn("SpikeSourceGamma", GAMMA, seed) for seed in (3, 3, 4))
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[1], c[1])
    from snn.errors import SpecError
    for cell_type, params, word in (("SpikeSourceGamma", dict(alpha=2.5), "alpha"),
                                    ("SpikeSourceGamma", dict(beta=2e4), "beta"),
                                    ("SpikeSourcePoissonRefractory", dict(rate=100.0, tau_refrac=10.0), "exceed")):
        with pytest.raises(SpecError, match=word):
            Network([Population("src", 1, cell_type, params)], [], dt=DT).validate()
