"""docs/pynn.md's class-by-class table (snn.pynn, snn.pynn.spinnaker, pyNN.nest, sPyNNaker) is what the modules
provide here: `python -m snn.experiments.pynn_support` prints it; a cell type or connector added to snn.pynn
(or a PyNN / sPyNNaker upgrade) makes this fail until the table is printed again."""
from pathlib import Path

import pytest

pytest.importorskip("pyNN.nest")
pytest.importorskip("spynnaker", reason="the sPyNNaker column needs sPyNNaker installed")
from snn.experiments import pynn_support  # noqa: E402

DOC = Path(__file__).resolve().parents[2] / "docs" / "pynn.md"


def test_docs_table_is_what_the_modules_provide():
    expected = pynn_support.table()
    header = expected.splitlines()[0]
    lines = DOC.read_text().splitlines()
    assert header in lines, f"docs/pynn.md lacks the table `{header}`"
    start = lines.index(header)
    end = next(k for k in range(start, len(lines) + 1) if k == len(lines) or not lines[k].startswith("|"))
    assert "\n".join(lines[start:end]) == expected, "rerun `python -m snn.experiments.pynn_support`"
    assert "| cell type | IF_curr_exp | yes | yes | yes | yes |" in expected
