"""The one dispatch from (model id, schedule id) to a cell type's kernel step, generated from the registry.

numba cannot choose a function by a Python object inside compiled code, so the chain of ``if model == id`` below
is written here once, as source text built from ``snn.cells.CATALOGUE`` (every entry's ``kernels``), and
compiled with ``njit``. A new cell type therefore needs no edit here. The generated text is ``SOURCE``:

    def step_population(model, schedule, a, z, coef, uniform, v, syn, refr, in_e, in_i, fired):
        if model == 1 and schedule == 0:
            k_IF_curr_exp_exact(a, z, coef, uniform, v, syn, refr, in_e, in_i, fired)
        elif ...

Caching: the callers (kernels/schedules.py) are cached on disk; the registry and the kernel sources are hashed
by ``_config._drop_stale_cache``, so a changed registry recompiles them.
"""
import importlib

from ._config import njit
from ..cells import CATALOGUE
from ..registry import SCHEDULE_IDS

ARGS = "a, z, coef, uniform, v, syn, refr, in_e, in_i, fired"


def _kernel(path):
    module, func = path.rsplit(".", 1)
    return getattr(importlib.import_module(f"{__package__}.{module}"), func)


def _generate():
    namespace, branches = {}, []
    for ct in CATALOGUE.values():
        for schedule, path in ct.kernels.items():
            name = f"k_{ct.name}_{schedule}"
            namespace[name] = _kernel(path)
            branches.append(f"if model == {ct.model_id} and schedule == {SCHEDULE_IDS[schedule]}:\n"
                            f"        {name}({ARGS})")
    body = "\n    el".join(branches) if branches else "pass"
    return f"def step_population(model, schedule, {ARGS}):\n    {body}\n", namespace


SOURCE, _namespace = _generate()
exec(compile(SOURCE, "<snn.kernels.dispatch>", "exec"), _namespace)
step_population = njit(cache=False)(_namespace["step_population"])
