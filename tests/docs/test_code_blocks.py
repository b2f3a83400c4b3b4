"""Every ```python block in README.md and docs/*.md runs, so the docs cannot rot. Blocks of one file run in
order in one namespace (later blocks may use earlier names), in a temporary working directory."""
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FILES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_python_blocks_run(path, tmp_path, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"docs_{path.stem}"}
    for k, code in enumerate(BLOCK.findall(path.read_text())):
        exec(compile(code, f"{path.name}[block {k}]", "exec"), namespace)
