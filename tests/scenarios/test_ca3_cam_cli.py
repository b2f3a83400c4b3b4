"""`snn cam` in-process: replay a golden recording, run a schedule, and one-line errors for bad files."""
import json
import os
from pathlib import Path

import pytest

from snn.experiments.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]


def golden(name="1_learn_recall_by_cue_and_cont_forget.json"):
    env = os.environ.get("SNN_SHARED_DIR")
    path = (Path(env) if env else REPO_ROOT.parent / "shared") / "ca3_cam_golden" / name
    if not path.is_file():
        pytest.skip(f"golden CA3 CAM recording not found at {path} (set SNN_SHARED_DIR)")
    return path


def test_replay_golden_prints_zero_mismatches_and_writes_the_same_schema(tmp_path, capsys):
    out = tmp_path / "sim.json"
    assert main(["cam", "replay", str(golden()), "--out", str(out)]) == 0
    assert "mismatches: 0 of 262 recorded spikes" in capsys.readouterr().out
    sim, rec = json.loads(out.read_text()), json.loads(golden().read_text())
    for key in ("cueSize", "contSize", "simTime_ms", "input_spikes", "spikes"):
        assert sim[key] == rec[key], key
    # the replayed output, replayed again, matches itself
    assert main(["cam", "replay", str(out)]) == 0
    assert "mismatches: 0 of 262 recorded spikes" in capsys.readouterr().out


def test_replay_counts_missing_and_extra_spikes(tmp_path, capsys):
    rec = json.loads(golden().read_text())
    rec["spikes"]["OLayer"][0] = rec["spikes"]["OLayer"][0][1:]       # one recorded spike removed -> 1 extra
    rec["spikes"]["CA3mergeCue"][1] = [50]                           # one spurious recorded spike -> 1 missing
    f = tmp_path / "edited.json"
    f.write_text(json.dumps(rec))
    assert main(["cam", "replay", str(f)]) == 0
    assert "mismatches: 2 of 262 recorded spikes" in capsys.readouterr().out


def test_run_writes_decoded_results_and_plot(tmp_path, capsys):
    ops = [{"op": "learn", "cue": 0, "content": [0, 1, 8, 9]}, {"op": "learn", "cue": 4, "content": [1, 5, 6]},
           {"op": "recall_cue", "cue": 0}, {"op": "recall_content", "content": [6], "time": 40}]
    f, out, png = tmp_path / "ops.json", tmp_path / "out.json", tmp_path / "raster.png"
    f.write_text(json.dumps(ops))
    rc = main(["cam", "run", str(f), "--cue-size", "5", "--content-size", "10", "--out", str(out), "--plot", str(png)])
    assert rc == 0
    text = capsys.readouterr().out
    assert "recall_cue" in text and "content [0, 1, 8, 9]" in text and "cues [4]" in text
    res = json.loads(out.read_text())
    assert [r["time"] for r in res["operations"]] == [0, 7, 14, 40]
    assert res["operations"][2]["content"] == [0, 1, 8, 9]
    assert res["operations"][3]["cues"] == [4]
    assert len(res["spikes"]["OLayer"]) == 15 and res["spikes"]["OLayer"][0][:2] == [5, 7]
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("[{\"op\": \"learn\", ", "not valid JSON"),
    ('[{"op": "learn", "cue": 9, "content": [1]}]', "operation 0 (learn): cue=9 is out of range; cues are 0..4"),
    ('[{"op": "recall", "cue": 1}]', "op='recall' is not known"),
    ('[{"op": "learn", "cue": 1, "content": [1]}, {"op": "recall_cue", "cue": 1, "time": 3}]',
     "operation 1 (recall_cue) at t=3 ms is too early"),
    ('{"op": "learn"}', "must be a list of operations"),
])
def test_run_bad_files_give_one_line_and_exit_2(tmp_path, capsys, content, message):
    f = tmp_path / "ops.json"
    if content is not None:
        f.write_text(content)
    assert main(["cam", "run", str(f), "--cue-size", "5", "--content-size", "10"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("snn cam: error: ")
    assert str(f) in err and message in err


@pytest.mark.parametrize("data, message", [
    ([], "expected a JSON object"),
    ({"cueSize": 2, "contSize": 2, "simTime_ms": 20}, "missing field(s) ['input_spikes']"),
    ({"cueSize": 2, "contSize": 0, "simTime_ms": 20, "input_spikes": {}}, "contSize=0 must be a positive integer"),
    ({"cueSize": 2, "contSize": 2, "simTime_ms": 20, "input_spikes": {"cue": [[0], []], "cont": [[]]}},
     "input_spikes needs 'cue' (2 lists) and 'cont' (2 lists)"),
    ({"cueSize": 1, "contSize": 1, "simTime_ms": 20, "input_spikes": {"cue": [[0]], "cont": [[]]},
      "spikes": {"CA3bogus": [[]]}}, "unknown population 'CA3bogus'"),
])
def test_replay_bad_files(tmp_path, capsys, data, message):
    f = tmp_path / "rec.json"
    f.write_text(json.dumps(data))
    assert main(["cam", "replay", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(f) in err and message in err
