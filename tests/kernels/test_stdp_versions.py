"""STDP of ``spinnaker_version`` '2021' (sPyNNaker 6.x) against '2022' (the 7-era mainline) on one synapse update
(snn/kernels/stdp_fixed.py ``_update_synapse``), each against integers worked by hand from that version's C.

The case: post spikes at 5 and 9 (post traces o(5) = 2048, o(9) = 2048 LUT[4] >> 11 + 2048 = 3724), the previous
pre spike at 4 (trace r = 2048), delay 1, tau 20 ms (LUT[k] = floor(2048 e^(-k/20)): 2048, 1853 (k 2), 1676 (4),
1517 (6)). At the pre spike T both posts potentiate, with x = 1853 (lag 2) and 1517 (lag 6); the latest post (9)
depresses with lag T - 10. A = 0.01, w in [0, 5], weight scale 2048 (ring-buffer shift 4). Tolerance: none.
"""
import numpy as np
import pytest

from snn import spinnaker_host as host
from snn.errors import SpecError
from snn.kernels.stdp_fixed import _update_synapse
from snn.plasticity import SpikePairSTDP

RULE = SpikePairSTDP(tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.01, w_min=0.0, w_max=5.0)
LUT = host.exp_lut(1.0, 20.0)
SCALE, SHIFT = 2048.0, 4


def update(row, w, T):
    h_t, h_o, h_n = np.array([[0, 5, 9, 0]], np.int64), np.array([[0, 2048, 3724, 0]], np.int64), np.array([3])
    return int(_update_synapse(w, np.asarray(row, np.int64), LUT, LUT.size, LUT, LUT.size, 1, 4, 2048, T, 0,
                               h_t, h_o, h_n))


def test_hand_worked_inputs():
    assert LUT[[0, 2, 4, 6]].tolist() == [2048, 1853, 1676, 1517]
    assert (2048 * 1676 >> 11) + 2048 == 3724


def test_6x_sums_then_clamps_with_a_times_w_max_and_no_lag_0_depression():
    """weight_dependence_additive.py 6.x: a2 = round(0.01 * 5 * 2048) = 102, w_max = 10240 (word units);
    weight_additive_one_term_impl.h 6.x: w + (sum+ * a2 >> 11) - (sum- * a2 >> 11), then clamped;
    timing_pair_impl.h 6.x: no depression at lag 0."""
    row = host.stdp_6x_row(RULE, "2021", SCALE) + [0, 0, 1]
    assert row[:4] == [102, 102, 0, 10240]
    pot = (1853 + 1517) * 102 >> 11                                  # 167
    assert update(row, 5120, 10) == 5120 + pot                       # T = 10: lag 0, no depression -> 5287
    dep = (3724 * 1853 >> 11) * 102 >> 11                            # T = 12: lag 2, x = 3369 -> 167
    assert update(row, 10200, 12) == 10200 + pot - dep == 10200      # summed, then clamped: never hits w_max


def test_7_era_clamps_each_step_with_a_absolute_and_depresses_at_lag_0():
    """weight_dependence_additive.py 7-era: A = round(0.01 * 2**15) = 328, w_max = 5 * 2**15 (accum bits);
    weight_additive_one_term_impl.h 7-era: w += 328 (x << 4) >> 15 per post spike, w -= ... at lag 0 too."""
    row = [host.s1615(0.01, "2022")] * 2 + [0, host.s1615(5.0, "2022"), 0, 0, 0]
    assert row[0] == 328
    w = 5120 << SHIFT
    w += 328 * (1853 << 4) >> 15                                     # +296
    w += 328 * (1517 << 4) >> 15                                     # +242
    w -= 328 * (3724 << 4) >> 15                                     # -596 (lag 0)
    assert update(row, 5120 << SHIFT, 10) == w == 81862
    assert w >> SHIFT == 5116


def test_6x_refuses_what_it_does_not_emulate():
    for kw in (dict(timing="nearest"), dict(weight_dependence="multiplicative")):
        r = SpikePairSTDP(tau_plus=20.0, tau_minus=20.0, **kw)
        with pytest.raises(SpecError, match="spinnaker_version='2022'"):
            host.stdp_6x_row(r, "2021", SCALE)
