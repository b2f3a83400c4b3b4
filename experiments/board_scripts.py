"""sPyNNaker's board-tested PyNN scripts run unchanged on ``snn.pynn.spinnaker`` (``snn fidelity spinnaker-board``).

Each script imports ``spynnaker8`` and sPyNNaker's test helpers. Here ``spynnaker8`` / ``pyNN.spiNNaker`` are
``snn.pynn.spinnaker`` with ``spinnaker_version='2021'`` (the assertions' code, its STDP too), ``spinnaker_testbase.BaseTestCase``
is a plain ``unittest.TestCase`` whose ``runsafe`` just calls the test, and ``spynnaker.plot_utils`` (used only
under ``__main__``) is empty. The STDP script's reference ``calculate_spike_pair_additive_stdp_weight`` has
sPyNNaker 6.x's signature (with ``max_weight``, multiplying A by it); the installed 7.x helper lacks that
argument, so ``spynnaker.pyNN.models.neuron.synapse_dynamics`` is an adapter calling the installed helper with
``A * max_weight``, which is the 6.x formula. Every ``test_*`` method of the script's test class runs with its own assertions: the
network and the asserted values are the script's, nothing is copied here.
"""
import importlib.util
import sys
import types
import unittest
from contextlib import contextmanager, redirect_stdout
from io import StringIO

SCRIPTS = (("test_change_neuron_parameters_between_runs", "test_set_and_reset.py"),
           ("test_change_neuron_parameters_between_runs", "test_initialize.py"),
           ("test_change_neuron_parameters_between_runs", "test_set_toffset.py"),
           ("test_various", "test_tiny_with_reset.py"),
           ("test_various", "test_reset_clears_delayed_spike.py"),
           ("test_various", "test_multi_step.py"),
           ("test_various", "test_params_set_as_list.py"),
           ("test_stdp", "test_STDP_pair_additive.py"),
           ("test_various", "test_synaptic_expander.py"))
VERSION = "2021"      # the scripts' assertions are sPyNNaker 6.x's (Dec 2021), STDP included: not the default
SHIMMED = ("spynnaker8", "pyNN.spiNNaker", "spinnaker_testbase", "spynnaker.plot_utils",
           "spynnaker.pyNN.models.neuron.synapse_dynamics")


class BaseTestCase(unittest.TestCase):
    """spinnaker_testbase.BaseTestCase without a board: ``runsafe`` runs the test once (no retries)."""

    def runsafe(self, method, retry_delay=None):
        method()

    assertEquals = unittest.TestCase.assertEqual      # removed from unittest in Python 3.12; the scripts use it


def _spinnaker_module(version):
    import snn.pynn.spinnaker as front
    mod = types.ModuleType("spynnaker8")
    mod.__dict__.update({k: v for k, v in vars(front).items() if not k.startswith("__")})

    def setup(*args, **kwargs):
        kwargs.setdefault("spinnaker_version", version)
        return front.setup(*args, **kwargs)
    mod.setup = setup
    return mod


def _stdp_reference_6x():
    """The 6.x signature of sPyNNaker's pair-additive reference over the installed helper (A times max_weight)."""
    mod = types.ModuleType("spynnaker.pyNN.models.neuron.synapse_dynamics")
    try:
        from spynnaker.pyNN.models.neuron.synapse_dynamics.synapse_dynamics_utils import \
            calculate_spike_pair_additive_stdp_weight as installed
    except ImportError:       # the script then fails at its import, naming the missing module
        return mod

    def calculate_spike_pair_additive_stdp_weight(pre_spikes, post_spikes, initial_weight, plastic_delay, max_weight,
                                                  a_plus, a_minus, tau_plus, tau_minus):
        return installed(pre_spikes, post_spikes, initial_weight, plastic_delay, a_plus * max_weight,
                         a_minus * max_weight, tau_plus, tau_minus)
    mod.calculate_spike_pair_additive_stdp_weight = calculate_spike_pair_additive_stdp_weight
    return mod


@contextmanager
def shimmed(version=VERSION):
    saved = {k: sys.modules.get(k) for k in SHIMMED}
    front = _spinnaker_module(version)
    testbase = types.ModuleType("spinnaker_testbase")
    testbase.BaseTestCase = BaseTestCase
    sys.modules.update({"spynnaker8": front, "pyNN.spiNNaker": front, "spinnaker_testbase": testbase,
                        "spynnaker.plot_utils": types.ModuleType("spynnaker.plot_utils"),
                        "spynnaker.pyNN.models.neuron.synapse_dynamics": _stdp_reference_6x()})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def run_script(path, version=VERSION):
    """{test method: 'passes' or why it does not} for the script at ``path``."""
    out = {}
    with shimmed(version):
        spec = importlib.util.spec_from_file_location(f"_board_script_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        classes = [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, unittest.TestCase)
                   and c is not BaseTestCase]
        for cls in classes:
            for name in sorted(n for n in dir(cls) if n.startswith("test")):
                try:
                    with redirect_stdout(StringIO()):        # the scripts print their numbers
                        getattr(cls(name), name)()
                    out[name] = "passes"
                except AssertionError as e:
                    out[name] = f"assertion fails: {str(e).splitlines()[0][:120] if str(e) else 'assert'}"
                except Exception as e:     # a refusal of the emulation: named, one line
                    out[name] = f"{type(e).__name__}: {' '.join(str(e).split())[:200]}"
    return out


def script_reports(cases):
    """One report per script of ``SCRIPTS``: its tests passing, and why the others do not."""
    reports = []
    for folder, file in SCRIPTS:
        results = run_script(cases / folder / file, VERSION)
        passed = sum(v == "passes" for v in results.values())
        why = "; ".join(f"{k}: {v}" for k, v in results.items() if v != "passes")
        r = {"case": f"script {file[:-3]}", "version": VERSION, "tests": f"{passed}/{len(results)} pass (snn.pynn.spinnaker)"}
        if why:
            r["failing"] = why
        r["verdict"] = "agrees" if passed == len(results) and results else "DIFFERS"
        reports.append(r)
    return reports
