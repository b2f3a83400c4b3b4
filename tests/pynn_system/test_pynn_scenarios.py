"""PyNN's own system tests (test/system/scenarios/ of the PyNN 0.13.0 sdist) run against snn.pynn.

The scenarios are parametrised over simulators by ``fixtures.run_with_simulators``; here "snn" joins every
list and ``pyNN.snn`` resolves to ``snn.pynn``. Each scenario function is re-exported into this module, so
pytest collects e.g. ``test_pynn_scenarios.py::test_recording__test_sampling_interval[snn]``.
``SNN_PYNN_SIMULATORS`` (default "snn") chooses the simulators kept: "snn,nest" also runs NEST for the count
in docs/pynn.md. Scenarios snn does not pass yet are marked xfail with the reason (``KNOWN_FAILURES``), so a
regression fails the suite and a newly passing scenario shows as XPASS.
"""
import importlib
import os
import sys

import pytest

import pyNN
import snn.pynn

from pynn_sdist import PACKAGE, scenarios_dir

try:
    sys.path.insert(0, str(scenarios_dir()))
except RuntimeError as exc:          # offline and not cached: say so, run nothing
    pytest.skip(str(exc), allow_module_level=True)

sys.modules["pyNN.snn"] = snn.pynn
pyNN.snn = snn.pynn
KEEP = tuple(os.environ.get("SNN_PYNN_SIMULATORS", "snn").split(","))

fixtures = importlib.import_module(f"{PACKAGE}.fixtures")
_original = fixtures.run_with_simulators


def run_with_simulators(*sim_names):
    names = [s for s in sim_names + ("snn",) if s in KEEP]
    params = [pytest.param(fixtures.LazySimulator(name), id=name,
                           marks=_known_failure(name)) for name in dict.fromkeys(names)]
    return pytest.mark.parametrize("sim", params)


# scenario -> why snn does not pass it yet (docs/pynn.md lists the same)
KNOWN_FAILURES = {
    "test_cell_types::test_composed_neuron_model_homogeneous_receptors":
        "PointNeuron (composed cell types with named receptors): the engine has two input rows per cell",
}
_current = [None]


def _known_failure(sim_name):
    reason = KNOWN_FAILURES.get(_current[0]) if sim_name == "snn" else None
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


@pytest.fixture(autouse=True)
def _in_a_temporary_folder(tmp_path, monkeypatch):
    """Some scenarios write PyNN's ``Results/`` into the working folder: keep it out of the checkout."""
    monkeypatch.chdir(tmp_path)


fixtures.run_with_simulators = run_with_simulators
MODULES = sorted(p.stem for p in (scenarios_dir() / PACKAGE).glob("test_*.py"))
for _mod_name in MODULES:
    # the decorators run at import: import each scenario module with the marks of its functions known
    source = (scenarios_dir() / PACKAGE / f"{_mod_name}.py").read_text()
    _current[0] = None
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(
        f"{PACKAGE}.{_mod_name}", scenarios_dir() / PACKAGE / f"{_mod_name}.py"))
    sys.modules[module.__name__] = module

    def _tracking_decorator(*names, _mod=_mod_name):
        def wrap(func):
            _current[0] = f"{_mod}::{func.__name__}"
            return run_with_simulators(*names)(func)
        return wrap

    fixtures.run_with_simulators = _tracking_decorator
    module.__spec__.loader.exec_module(module)
    fixtures.run_with_simulators = run_with_simulators
    for _name, _func in vars(module).items():
        if _name.startswith("test") and callable(_func) and hasattr(_func, "pytestmark"):
            globals()[f"{_mod_name}__{_name}"] = _func

