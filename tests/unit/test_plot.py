"""snn.plot: every figure draws with labelled axes (and units), and draws the numbers it is given."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from snn import plot  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _labelled(ax):
    assert ax.get_xlabel() and ax.get_ylabel()


def test_weight_histogram_counts_equal_numpy(ax):
    w = np.random.default_rng(0).normal(size=500)
    counts, edges = plot.weight_histogram(ax, w, bins=17, unit="nA")
    ref_c, ref_e = np.histogram(w, bins=17)
    np.testing.assert_array_equal(counts, ref_c)
    np.testing.assert_array_equal(edges, ref_e)
    drawn = ax.patches[0]                             # the StepPatch holds what is on screen
    np.testing.assert_array_equal(drawn.get_data().values, ref_c)
    assert "nA" in ax.get_xlabel()
    _labelled(ax)


def test_weight_matrix_places_each_weight_and_blanks_missing(ax):
    m = plot.weight_matrix(ax, [0, 2, 1], [1, 0, 1], [0.5, -1.0, 2.0], n_pre=3, n_post=2)
    expect = np.array([[np.nan, np.nan, -1.0], [0.5, 2.0, np.nan]])
    np.testing.assert_array_equal(m, expect)
    img = ax.images[0]
    np.testing.assert_array_equal(np.ma.filled(img.get_array(), np.nan), expect)
    assert img.get_clim() == (-2.0, 2.0)                # signed: symmetric around 0
    _labelled(ax)
    assert "weight (nA)" in ax.figure.axes[-1].get_ylabel()


def test_avalanche_distribution_is_the_empirical_probability(ax):
    x, p = plot.avalanche_distribution(ax, [1, 1, 2, 5, 5, 5, 0])
    assert x.tolist() == [1, 2, 5]
    np.testing.assert_allclose(p, [2 / 6, 1 / 6, 3 / 6])
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_ydata(), p)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "spikes" in ax.get_xlabel()
    fig, ax2 = plt.subplots()
    x2, _ = plot.avalanche_distribution(ax2, [1, 3], kind="duration", bin_ms=2.0)
    assert x2.tolist() == [2.0, 6.0] and "ms" in ax2.get_xlabel()
    plt.close(fig)


def test_branching_curve_and_signal_trace(ax):
    plot.branching_curve(ax, [0.0, 0.01, 0.02], [1.4, 1.1, 0.9])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.4, 1.1, 0.9])
    assert ax.lines[1].get_ydata()[0] == 1.0             # the critical line
    _labelled(ax)
    fig, ax2 = plt.subplots()
    plot.signal_trace(ax2, [0, 1, 2], [0.15, 0.14, 0.13])
    assert ax2.get_xlabel() == "time (ms)"
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), [0.15, 0.14, 0.13])
    plt.close(fig)


def test_positions_3d_draws_every_neuron():
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    rng = np.random.default_rng(1)
    plot.positions_3d(ax, {"exc": rng.random((8, 3)), "inh": rng.random((2, 3))})
    assert [len(c.get_offsets()) for c in ax.collections] == [8, 2]
    assert "grid units" in ax.get_zlabel()
    plt.close(fig)


def test_existing_figures_label_their_axes(ax):
    plot.raster(ax, {"a": (np.array([1.0, 2.0]), np.array([0, 1]))})
    assert ax.get_xlabel() == "time (ms)"
    fig, ax2 = plt.subplots()
    plot.accuracy_matrix(ax2, [[0.9, np.nan], [0.8, 0.95]])
    assert [t.get_text() for t in ax2.texts] == ["0.90", "0.80", "0.95"]
    plt.close(fig)
    fig, ax3 = plt.subplots()
    plot.learning_curves(ax3, [10, 20], [[0.5, np.nan], [0.6, 0.7]], boundaries=[15])
    np.testing.assert_allclose(ax3.lines[0].get_ydata(), [0.5, 0.6])
    _labelled(ax3)
    plt.close(fig)


def test_cam_timeline_marks_every_operation():
    """experiments.cam.draw_cam: a raster of all populations with one vertical line per operation."""
    from snn.experiments.cam import draw_cam
    from snn.models.cam_memory import CAM
    mem = CAM(3, 4)
    mem.learn(0, [0, 1])
    mem.recall_cue(0)
    out = mem.run()
    fig, ax = plt.subplots()
    draw_cam(ax, out.result, mem.operations)
    vertical = [line for line in ax.lines if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]]
    xs = sorted(line.get_xdata()[0] for line in vertical)
    assert xs == [0, 7]
    assert ax.get_xlabel() == "time (ms)"
    plt.close(fig)
