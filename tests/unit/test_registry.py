"""The cell-type registry (snn/registry.py, snn/cells.py): every entry is complete and consistent, the kernel
dispatch is generated from it, and no other module of the core or the backends names a cell type."""
import ast
import inspect
from pathlib import Path

import numpy as np
import pytest

from snn.cells import CATALOGUE, N_COEF, coefficient_column
from snn.kernels import dispatch
from snn.registry import SCHEDULE_IDS

ROOT = Path(__file__).resolve().parents[2]
NEURONS = [ct for ct in CATALOGUE.values() if not ct.is_source]


def test_model_ids_are_unique_and_sources_share_zero():
    ids = [ct.model_id for ct in NEURONS]
    assert sorted(ids) == list(range(1, len(ids) + 1))
    assert all(ct.model_id == 0 for ct in CATALOGUE.values() if ct.is_source)


@pytest.mark.parametrize("ct", NEURONS, ids=lambda c: c.name)
def test_entry_is_complete(ct):
    """Every schedule with coefficients lowers to exactly its named layout, from the defaults, to finite values;
    every generic schedule has a kernel; parameters have units; the state starts from a parameter."""
    assert ct.coefficients, ct.name
    for schedule, names in ct.coefficients.items():
        assert len(set(names)) == len(names) <= N_COEF
        values = ct.lower({k: float(v) for k, v in ct.defaults.items()}, 0.1, schedule)
        assert set(values) == set(names), (schedule, set(values) ^ set(names))
        col = coefficient_column(ct.name, {k: float(v) for k, v in ct.defaults.items()}, 0.1, schedule)
        assert np.all(np.isfinite(col)) and col.shape == (N_COEF,)
        assert [col[ct.rows(schedule)._asdict()[n]] for n in names] == [values[n] for n in names]
    generic = set(ct.schedules) & set(SCHEDULE_IDS)     # 'spinnaker' may be the board's fixed point only
    assert set(ct.kernels) <= generic and generic - set(ct.kernels) <= ({"spinnaker"} if ct.board else set())
    assert all(p.unit for p in ct.parameters.values())
    assert {s for s in ct.state.values() if not isinstance(s, float)} <= set(ct.parameters)   # or a number
    assert set(ct.state) - {"v"} <= set(ct.synapse_state), ct.name    # other state lives in a row of its name
    if ct.nest is not None:
        assert {name for name, _, _ in ct.nest.params} <= set(ct.parameters)
    if ct.brian2 is not None:
        assert set(ct.brian2.receptors) == {"excitatory", "inhibitory"}


def test_dispatch_has_one_branch_per_kernel():
    expected = sum(len(ct.kernels) for ct in CATALOGUE.values())
    assert dispatch.SOURCE.count("if model ==") == expected
    for ct in NEURONS:
        for schedule in ct.kernels:
            assert f"if model == {ct.model_id} and schedule == {SCHEDULE_IDS[schedule]}:" in dispatch.SOURCE


def _literals(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CATALOGUE:
            yield node.lineno, node.value


def test_no_module_of_the_core_or_the_backends_names_a_cell_type():
    """Cell types are listed in snn/cells.py only (kernel files name the entry whose layout they read)."""
    files = [p for p in (ROOT / "snn").rglob("*.py") if p.name != "cells.py" and "kernels" not in p.parts]
    files += [ROOT / "hardware" / f for f in ("capabilities.py", "nest_ref.py", "brian2_ref.py", "pynn.py",
                                              "_pynn_runtime.py")]
    found = [(str(p.relative_to(ROOT)), *hit) for p in files for hit in _literals(p)]
    assert not found, found


def test_capabilities_and_emitter_follow_the_registry():
    from snn.hardware import capabilities
    for backend in ("spinnaker", "nest", "mock"):
        cells = capabilities.capabilities(backend).cell_types
        assert cells == {k: ct.pynn_name for k, ct in CATALOGUE.items() if backend in ct.pynn_backends}
    assert "IF_curr_delta" in capabilities.capabilities("nest").cell_types
    assert "NALSM_LIF" in capabilities.capabilities("nest").refused
    assert inspect.getsourcefile(dispatch._kernel("neurons.if_curr_exp_exact").py_func).endswith("neurons.py")


def test_rules_and_modulators_carry_their_own_deployment_facts():
    """Capabilities list the plasticity rules and refusals the rule classes declare (no name lists there)."""
    from snn.hardware import capabilities
    from snn.plasticity import MODULATORS, PLASTICITY_RULES
    caps = capabilities.capabilities("spinnaker")
    assert caps.plasticity == tuple(r.__name__ for r in PLASTICITY_RULES if "spinnaker" in r.pynn_backends)
    for cls in PLASTICITY_RULES + MODULATORS:
        if cls.refusal is not None:
            assert caps.refused[cls.__name__] == cls.refusal
    src = (ROOT / "hardware" / "capabilities.py").read_text()
    assert '"SpikePairSTDP",' not in src and '"TraceSTDP":' not in src
