"""Hypothesis profiles and a case counter for the reliability suite.

Profiles: ``ci`` (default; few examples per property, keeps the suite near a minute) and ``thorough`` (the count
reported in docs/reliability.md): ``HYPOTHESIS_PROFILE=thorough pytest tests/reliability``.
"""
import collections
import os
import traceback

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CASES = collections.Counter()      # test module -> inputs tried
OUTCOMES = collections.Counter()   # 'ok' / 'refused' (SnnError)


def pytest_terminal_summary(terminalreporter):
    if CASES:
        terminalreporter.write_sep("-", f"reliability: {sum(CASES.values())} cases tried "
                                        f"({OUTCOMES['ok']} ran, {OUTCOMES['refused']} refused with SnnError)")
        for k, v in sorted(CASES.items()):
            terminalreporter.write_line(f"  {k}: {v}")
