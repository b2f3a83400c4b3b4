"""Issue 21's mistakes made from Python: each is refused with a SnnError that names the key, population,
projection or path and what is allowed (or, where PyNN accepts it, behaves as PyNN does)."""
import os
import stat

import numpy as np
import pytest

from snn.connectors import AllToAll, OneToOne
from snn.engine import Simulator
from snn.errors import SpecError
from snn.io import read_json, write_json, write_npz
from snn.outputs import OutputError, check_dir, check_figure, check_file
from snn.plasticity import SpikePairSTDP
from snn.spec import Network, Population, Projection


def _input_net():
    return Network([Population("in", 10, "SpikeSourceInput"), Population("out", 3, "IF_curr_exp")],
                   [Projection("in", "out", AllToAll(), weight=0.5)], dt=1.0)


# -- item 4: spikes of a population whose spike times were not kept -----------------------------------------------
def test_spikes_of_an_unrecorded_population_raise_like_v():
    res = Simulator(_input_net(), record=["in"]).run(20.0, stimuli={"in": np.full((1, 10), 0.5)})
    assert res.counts("in").sum() > 0 and res.spikes("in")[0].size == res.counts("in").sum()
    with pytest.raises(SpecError, match=r"spike times of 'out' were not recorded; .*record=\[\.\.\., 'out'\]"):
        res.spikes("out")
    with pytest.raises(SpecError, match="'out' were not recorded"):
        res.spike_trains("out")


# -- item 5: unknown config keys ---------------------------------------------------------------------------------
def test_demo_run_refuses_a_typo_with_the_known_keys(tmp_path):
    from snn.experiments import demo
    with pytest.raises(SpecError, match=r"unknown setting\(s\) 'duraton' \('duraton': did you mean "
                                        r"'duration_ms'\?\); known settings: duration_ms, max_rate"):
        demo.run({"duraton": 50}, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_nalsm_run_refuses_neuron_for_neurons(tmp_path):
    from snn.experiments import nalsm
    with pytest.raises(SpecError, match=r"'neuron': did you mean 'neurons'\?"):
        nalsm.run({"neuron": 64, "train": 10}, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_continual_run_refuses_unknown_extra_keys(tmp_path):
    from snn.experiments import continual
    from snn.models.continual import ContinualConfig
    cfg = ContinualConfig(extra={"benchmark": "pmnist", "task": 2})
    with pytest.raises(SpecError, match=r"'task': did you mean 'tasks'\?"):
        continual.run(cfg, tmp_path, tmp_path / "out", progress=False)


def test_every_experiment_run_checks_its_out_folder(tmp_path):
    from snn.experiments import demo
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="out .*f: exists and is not a folder"):
        demo.run({}, tmp_path / "f", progress=False)


# -- item 9: result files honour the umask ------------------------------------------------------------------------
@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_result_files_get_the_mode_open_would_give(tmp_path, mask):
    old = os.umask(mask)
    try:
        write_json(tmp_path / "r.json", {"a": 1})
        write_npz(tmp_path / "r.npz", x=np.arange(3))
        (tmp_path / "plain.txt").write_text("x")           # what open() gives under this umask
    finally:
        os.umask(old)
    want = stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)
    assert want == 0o666 & ~mask
    for name in ("r.json", "r.npz"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == want


# -- item 1 at the source: deeply nested JSON ---------------------------------------------------------------------
def test_deeply_nested_json_is_a_data_error_naming_the_file(tmp_path):
    from snn.errors import DataError
    p = tmp_path / "deep.json"
    p.write_text("{\"a\": " * 50_000 + "1" + "}" * 50_000)
    with pytest.raises(DataError, match=r"deep.json: JSON nested too deeply"):
        read_json(p)


# -- output locations ---------------------------------------------------------------------------------------------
def test_output_checks(tmp_path):
    (tmp_path / "file").write_text("x")
    assert check_dir(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"     # made later, not now
    assert not (tmp_path / "new").exists()
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_dir(tmp_path / "file" / "sub")
    with pytest.raises(OutputError, match="is a folder; give a file name"):
        check_file(tmp_path)
    for bad in ("/proc/x", "/sys/x", "/dev/null"):
        with pytest.raises(OutputError, match="virtual file system"):
            check_file(bad)
    assert check_figure(tmp_path / "fig") == tmp_path / "fig.png"
    assert check_figure(tmp_path / "fig.PDF") == tmp_path / "fig.PDF"
    with pytest.raises(OutputError, match=r"can not write '\.txt' figures; use one of .*\.png"):
        check_figure(tmp_path / "fig.txt")


# -- item 10 -----------------------------------------------------------------------------------------------------
def test_network_given_one_population_instead_of_a_list():
    pop = Population("a", 2, "IF_curr_exp")
    with pytest.raises(SpecError, match=r"Network populations must be a list"):
        Network(pop)
    with pytest.raises(SpecError, match=r"Network projections must be a list"):
        Network([pop], Projection("a", "a", OneToOne(), weight=1.0))


def test_stdp_start_weight_outside_its_bounds_is_refused():
    def net(w):
        return Network([Population("a", 2, "IF_curr_exp"), Population("b", 2, "IF_curr_exp")],
                       [Projection("a", "b", AllToAll(), weight=w, plasticity=SpikePairSTDP(w_min=0.5, w_max=6.0))],
                       schedule="spinnaker")
    with pytest.raises(SpecError, match=r"projection 'a->b': weight=7.0 lies outside the rule's \[w_min, w_max\] "
                                        r"= \[0.5, 6.0\]"):
        net(7.0).validate()
    with pytest.raises(SpecError, match=r"weight=0.25 lies outside"):
        net(0.25).validate()
    for ok in (0.5, 3.0, 6.0):
        net(ok).validate()


def test_a_stimuli_dict_must_name_every_input_population():
    sim = Simulator(_input_net())
    with pytest.raises(SpecError, match=r"population 'in' \(SpikeSourceInput\) has no stimulus; pass "
                                        r"stimuli=\{'in': array\}, or stimuli=\{'in': None\}"):
        sim.run(10.0, stimuli={})
    assert sim.run(10.0, stimuli={"in": None}).counts("in").sum() == 0          # silent, as asked
    assert sim.run(10.0).counts("in").sum() == 0                                # no stimuli at all: silent
    assert sim.run(10.0, stimuli={"in": np.ones((1, 10))}).counts("in").sum() == 100


def test_stimulus_shape_message_of_a_batch_of_one():
    with pytest.raises(SpecError, match=r"rates of shape \(1, 9\); expected \(1, 10\)$"):
        Simulator(_input_net()).run(10.0, stimuli={"in": np.zeros((1, 9))})
    with pytest.raises(SpecError, match=r"expected \(4 or 1, 10\)$"):
        Simulator(_input_net()).run(10.0, batch=4, stimuli={"in": np.zeros((1, 9))})


def test_memory_limit_messages_never_say_zero_gib(monkeypatch):
    from snn.resources import ResourceError
    monkeypatch.setenv("SNN_MEMORY_LIMIT", "1000")     # bytes
    net = Network([Population("a", 50, "IF_curr_exp"), Population("b", 50, "IF_curr_exp")],
                  [Projection("a", "b", AllToAll(), weight=0.1)], dt=1.0)
    with pytest.raises(ResourceError) as info:
        Simulator(net)
    msg = str(info.value)
    assert "0.0 GiB" not in msg and ("KiB" in msg or " B" in msg), msg


def test_cam_operation_time_beyond_the_range_names_the_operation():
    from snn.models.cam_memory import CAM
    mem = CAM(2, 2)
    with pytest.raises(SpecError, match=r"operation 0 \(learn\): time=10000000000 ms must lie in \[0, "):
        mem.extend([{"op": "learn", "cue": 0, "content": [0], "time": 10 ** 10}])



def test_cam_figure_population_names_and_legend_do_not_overlap():
    """The CAM raster's population names (one-neuron populations sit next to each other) and the legend: their
    drawn boxes, measured by matplotlib after layout, do not intersect each other or the spikes' axes."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from snn.experiments.cam import draw_cam
    from snn.models.cam_memory import CAM
    mem = CAM(5, 10)
    mem.learn(0, [0, 1])
    mem.recall_cue(0)
    mem.recall_content([1])
    fig, ax = plt.subplots(figsize=(8, 4))          # a figure in a notebook cell (plot_cam's is 6 high)
    draw_cam(ax, mem.run().result, mem.operations)
    fig.tight_layout()
    fig.canvas.draw()
    boxes = sorted((t.get_window_extent() for t in ax.get_yticklabels()), key=lambda b: b.y0)
    assert len(boxes) == 10
    for lower, upper in zip(boxes, boxes[1:]):
        assert lower.y1 <= upper.y0, "two population names overlap"
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1 - 1e-6, "the legend covers the spikes"
    plt.close(fig)


# -- item 7: the readouts show progress (they are half of `make run`) ----------------------------------------------
def test_readouts_show_a_progress_bar_when_asked(capsys):
    from snn.experiments.nalsm import DEFAULTS, train_readouts
    rng = np.random.default_rng(0)
    split = lambda n: (rng.poisson(3.0, (n, 20)), np.arange(n) % 10)          # noqa: E731
    data = [split(40), split(20), split(20)]
    cfg = {**DEFAULTS, "readout": "both", "epochs": 3, "patience": 3, "readout_batch": 10}
    train_readouts(cfg, *data, progress=True)
    err = capsys.readouterr().err
    assert "readout:" in err and "3/3" in err and "readout (logreg, C):" in err and "5/5" in err
    train_readouts(cfg, *data, progress=False)
    assert capsys.readouterr().err == ""
