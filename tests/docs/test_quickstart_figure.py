"""The quickstart's raster (docs/quickstart.md, first python block): its axis labels lie inside the saved
figure (they were clipped before ``tight_layout``)."""
from test_code_blocks import BLOCK, REPO


def test_quickstart_raster_labels_are_inside_the_figure(tmp_path, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    code = BLOCK.findall((REPO / "docs" / "quickstart.md").read_text())[0]
    ns = {"__name__": "docs_quickstart"}
    exec(compile(code, "quickstart.md[block 0]", "exec"), ns)
    fig, ax = ns["fig"], ns["ax"]
    fig.canvas.draw()
    page = fig.bbox
    for label in (ax.xaxis.label, ax.yaxis.label, *ax.get_yticklabels()):
        box = label.get_window_extent()
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, \
            f"{label.get_text()!r} is cut off: {box} outside {page}"
