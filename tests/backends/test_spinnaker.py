"""Networks map onto a virtual SpiNN-5 board with sPyNNaker (placement, routing, no spikes): the CAM-sized
plastic network and a 1000-neuron liquid with 784 inputs. About 3-8 s each (sqlite writes dominate)."""
import math

import pytest

pytest.importorskip("spynnaker")

from snn.hardware.capabilities import check  # noqa: E402
from snn.hardware.spinnaker import config_text, map_network  # noqa: E402

from nets import liquid_1000  # noqa: E402


def _consistent(res, net):
    for p in net.populations:
        d = res["populations"][p.label]
        assert sum(d["atoms_per_core"]) == p.size, p.label          # every neuron placed exactly once
        if p.cell_type == "IF_curr_exp":
            assert max(d["atoms_per_core"]) <= 256                 # neurons per core (sources pack more)
        assert d["cores"] == len(d["atoms_per_core"]) and d["sdram_bytes"] > 0
    assert res["cores"] == sum(d["cores"] for d in res["populations"].values()) + res["delay_extensions"]["cores"]
    assert 1 <= res["chips"] <= 48 and res["system_cores"] >= 48   # one SpiNN-5 board, a monitor per chip


@pytest.mark.parametrize("cue_size, content_size", [(5, 10), (16, 6)])
def test_ca3_cam_maps_on_a_virtual_board(cue_size, content_size):
    from snn.experiments.export import build_ca3_cam
    net = build_ca3_cam(cue_size, content_size)
    assert check(net, "spinnaker") == []
    res = map_network(net, duration=10.0)
    _consistent(res, net)
    assert res["cores"] == len(net.populations)                    # every population fits one core
    assert res["chips"] == 1 and res["delay_extensions"]["cores"] == 0   # delays 1-3 are native


def test_liquid_of_1000_neurons_and_784_inputs_maps_on_a_virtual_board():
    net = liquid_1000()
    res = map_network(net, duration=10.0)
    _consistent(res, net)
    assert res["populations"]["exc"]["cores"] == math.ceil(800 / 256)
    assert res["populations"]["inh"]["cores"] == 1
    assert res["populations"]["input"]["cores"] >= 1 and res["cores"] >= 6


def test_config_names_a_board_or_a_virtual_one():
    assert "virtual_board = True" in config_text() and "version = 5" in config_text()
    real = config_text(machine="192.168.240.1")
    assert "machine_name = 192.168.240.1" in real and "virtual_board = False" in real
