"""The Potjans-Diesmann microcircuit (models/microcircuit.py) against the published tables: synapse numbers from
the connection probabilities, the PSC amplitude of Potjans & Diesmann (2014) Table 5 (87.8 pA, inhibitory g = -4,
L4E -> L2/3E doubled), delays, and the layer-wise rate pattern at a small scale."""
import math

import numpy as np
import pytest

from snn.errors import SpecError
from snn.models.microcircuit import POPULATIONS, microcircuit, parameters

# Potjans & Diesmann (2014), Table 5: population sizes and connection probabilities [target, source]
N_PUBLISHED = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
P_PUBLISHED = [[0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
               [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
               [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
               [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
               [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
               [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
               [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
               [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]]
W_PUBLISHED_PA = 87.8            # Table 5: PSC amplitude for a 0.15 mV PSP


def _truncated_mean(mu, sd, low):
    """Mean of Normal(mu, sd) conditioned on x >= low (the redraw), analytic."""
    a = (low - mu) / sd
    pdf = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    return mu + sd * pdf / (1 - 0.5 * (1 + math.erf(a / math.sqrt(2))))


def test_full_scale_numbers_match_the_paper():
    par = parameters(1.0)
    assert list(par["neurons"]) == N_PUBLISHED and par["neurons"].sum() == 77169
    assert 2.98e8 < par["synapses"].sum() < 3.0e8          # "about 0.3 billion synapses"
    # K = log(1 - p) / log(1 - 1 / (N_post N_pre)) per pair (with replacement), drawn by hand for two pairs
    for i, j in ((0, 0), (4, 5)):
        n = N_PUBLISHED[i] * N_PUBLISHED[j]
        assert par["synapses"][i, j] == round(np.log(1 - P_PUBLISHED[i][j]) / np.log(1 - 1 / n))
    w = par["weight_pA"]
    assert abs(w[1, 0] - W_PUBLISHED_PA) < 0.05 and abs(w[0, 2] - 2 * W_PUBLISHED_PA) < 0.1
    assert abs(w[0, 1] + 4 * W_PUBLISHED_PA) < 0.2 and np.all(par["dc_pA"] == 0)


def test_small_scale_connectivity_statistics():
    k = 0.02
    net = microcircuit(scale=0.05, k_scale=k, seed=2)
    par = net.parameters
    w_e = W_PUBLISHED_PA / np.sqrt(k) / 1000.0                 # nA, weights grow by 1/sqrt(K_scaling)
    for i, tgt in enumerate(POPULATIONS):
        for j, src in enumerate(POPULATIONS):
            pre, post, w, d = net.synapses(src, tgt)
            assert pre.size == par["synapses"][i, j] == round(
                np.log(1 - P_PUBLISHED[i][j]) / np.log(1 - 1 / (N_PUBLISHED[i] * N_PUBLISHED[j])) * 0.05 * k)
            if pre.size < 400:
                continue
            mean = w_e * (2 if (i, j) == (0, 2) else 4 if j % 2 else 1)
            assert abs(w.mean() - mean) < 5 * 0.1 * mean / np.sqrt(pre.size) + 0.002 * mean
            mu = 1.5 if j % 2 == 0 else 0.75                      # ms, relative sd 0.5, redrawn below 0.05 ms
            assert abs(d.mean() * 0.1 - _truncated_mean(mu, 0.5 * mu, 0.05)) < 5 * 0.5 * mu / np.sqrt(pre.size) + 0.005
    assert np.all(net.row_rec[net.pop_start[1]:net.pop_start[2]] == 1)     # L23I sends on the inhibitory receptor


def test_rates_follow_the_published_layer_pattern():
    """0.1 scale, 1 s: every inhibitory population fires faster than the excitatory one of its layer, and L2/3E
    and L6E are the two slowest (Potjans & Diesmann 2014, Fig. 6; NEST's full-scale rates in the model file)."""
    res = microcircuit(scale=0.1, seed=1).run(1000.0, record=())
    r = res.rates_hz()
    assert all(0.05 < r[p] < 30 for p in POPULATIONS)
    for layer in ("L23", "L4", "L5", "L6"):
        assert r[layer + "I"] > r[layer + "E"]
    assert set(sorted(r, key=r.get)[:2]) == {"L23E", "L6E"}


def test_bad_scale_is_named():
    with pytest.raises(SpecError, match="scale=0"):
        parameters(0)
    with pytest.raises(SpecError, match="background='noise'"):
        parameters(0.1, background="noise")
