"""``snn fidelity`` prints a short summary ending in a verdict (experiments/fidelity_summary.py), and the raw
JSON object with ``--json`` (issue 21, item 8). The verdict bands are the project's own: no differing spike for
the CAM, 5 % for rates (tests/backends/test_fidelity.py), two binomial standard errors for accuracies."""
import json

from snn.experiments import fidelity
from snn.experiments.cli import main as cli_main
from snn.experiments.fidelity_summary import summary


def test_fidelity_prints_a_summary_with_a_verdict_and_json_on_request(monkeypatch, capsys):
    rates = {"duration_ms": 200.0, "seed": 0, "engine": {"exc": 5.652, "inh": 5.825},
             "nest": {"exc": 5.652, "inh": 6.5}}
    monkeypatch.setattr(fidelity, "cuba_rates", lambda duration, seed: rates)
    assert cli_main(["fidelity", "cuba"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "CUBA, 200 ms, seed 0:"
    assert out[1] == "  exc: engine 5.652 Hz, NEST 5.652 Hz (0.0 % apart)"
    assert out[2] == "  inh: engine 5.825 Hz, NEST 6.500 Hz (10.4 % apart)"
    assert out[3] == "verdict: engine and NEST differ (a population beyond 5 %)"
    assert cli_main(["fidelity", "cuba", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == rates


def test_fidelity_summaries_of_every_kind():
    cam = {"1.json": {"engine": dict(recorded=262, mismatches=0, mismatches_at_best_latency=0, operations=9,
                                     ops_right=9),
                      "nest": dict(recorded=262, mismatches=526, mismatches_at_best_latency=184, operations=9,
                                   ops_right=3)}}
    text = summary("cam", cam).splitlines()
    assert text[0] == ("1.json on engine: 0 spikes missing or extra against 262 recorded (0 at each population's "
                       "best latency); 9 of 9 operations decoded as on SpiNNaker -> reproduces the recording")
    assert text[1].startswith("1.json on nest: 526 spikes missing or extra against 262 recorded (184 at")
    assert text[1].endswith("3 of 9 operations decoded as on SpiNNaker -> does not reproduce the recording")
    acc = dict(nalsm_test_accuracy=0.964, nalsm_liquid_rate_hz=35.1, frozen_test_accuracy=0.969,
               frozen_liquid_rate_hz=41.8, frozen_val_accuracy=0.95, sizes={"train": 1079, "val": 359, "test": 359})
    # two standard errors of 0.964 on 359 images: 2 * sqrt(0.964 * 0.036 / 359) = 0.0197
    assert summary("liquid-accuracy", acc).splitlines()[-1] == (
        "verdict: the frozen variant keeps the accuracy (+0.5 points; two standard errors on 359 test images: 2.0)")
    acc["frozen_test_accuracy"] = 0.94
    assert "loses the accuracy (-2.4 points" in summary("liquid-accuracy", acc)
    cont = dict(run="r", method="hlop", training="dsr", tasks_done=2, test_per_task=100, duration_ms=100.0,
                trained_accuracy=[0.9, 0.8], deployed_accuracy=[0.88, 0.79], trained_mean=0.85, deployed_mean=0.835)
    assert "keeps the accuracy (-1.5 points; two standard errors on 200 test images: 5.0)" in summary("continual", cont)


def test_fidelity_positional_and_seed_have_help():
    from snn.experiments.cli import build_parser
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices["fidelity"]
    helps = {a.dest: a.help for a in sub._actions}
    assert helps["what"] and "cam" in helps["what"] and "continual" in helps["what"]
    assert helps["seed"] and "seed" in helps["seed"]
    assert helps["json"]
