"""Continual-learning metrics (snn/metrics.py) on hand-computed matrices."""
import numpy as np
import pytest

from snn.errors import SpecError
from snn.metrics import average_accuracy, backward_transfer, continual_summary, min_accuracies

R = np.array([[0.9, np.nan, np.nan],
              [0.7, 0.8, np.nan],
              [0.6, 0.75, 0.95]])


def test_acc_and_bwt_by_hand():
    assert average_accuracy(R) == pytest.approx((0.6 + 0.75 + 0.95) / 3, abs=1e-15)
    assert backward_transfer(R) == pytest.approx(((0.6 - 0.9) + (0.75 - 0.8)) / 2, abs=1e-15)
    assert backward_transfer(R[:1, :1]) is None


def test_min_acc_takes_evaluations_after_each_task_only():
    """Task 0 ends at step 10, task 1 at 20: task 0's min is over steps 15, 20, 25 (0.5), task 1's over 25."""
    steps = [5, 10, 15, 20, 25]
    acc = np.array([[0.4, np.nan, np.nan], [0.9, np.nan, np.nan], [0.5, 0.3, np.nan],
                    [0.7, 0.8, np.nan], [0.6, 0.6, 0.9]])
    assert min_accuracies(steps, acc, [10, 20, 30]) == [0.5, 0.6]
    s = continual_summary(R, steps, acc, [10, 20, 30])
    assert s["min_acc"] == pytest.approx(0.55) and s["bwt"] == pytest.approx(-0.175)
    assert continual_summary(R, [], np.zeros((0, 3)), [10, 20, 30])["min_acc"] is None


def test_bad_matrix_is_refused():
    with pytest.raises(SpecError, match="accuracy matrix"):
        average_accuracy(np.zeros((3, 2)))
