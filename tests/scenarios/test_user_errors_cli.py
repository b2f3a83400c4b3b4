"""A new user's mistakes replayed through the ``snn`` command in a temporary folder (issue 21's probes): every one
ends with exit status 2, one line on stderr that names the path, key or address at fault, and no result file
written (the checks run before any work)."""
import json
import os
import subprocess
import sys

import pytest

from snn.experiments.cli import main as cli_main

OPS = [{"op": "learn", "cue": 0, "content": [0, 1]}, {"op": "recall_cue", "cue": 0}]


def _tree(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("not a folder\n")
    (tmp_path / "a_folder").mkdir()
    (tmp_path / "ops.json").write_text(json.dumps(OPS))
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "not_nalsm").mkdir()
    (tmp_path / "not_nalsm" / "results.json").write_text(json.dumps({"acc": 0.9, "config": {"method": "hlop"}}))
    return tmp_path


CAM = ["cam", "run", "ops.json", "--cue-size", "2", "--content-size", "2"]
PROBES = [   # (argv, words the one line must hold)
    (["demo", "--out", "a_file"], ["--out a_file", "not a folder"]),
    (["demo", "--out", "a_file/sub"], ["a_file", "is a file"]),
    (["demo", "--out", "/proc/snn-results"], ["/proc"]),
    (["demo", "--out", "/sys/snn-results"], ["/sys"]),
    (["nalsm", "--out", "a_file"], ["--out a_file"]),
    (["continual", "--data-dir", "a_folder", "--out", "a_file"], ["--out a_file"]),
    (["export", "stdp_relay", "--target", "script", "--out", "a_file"], ["--out a_file"]),
    (["export", "stdp_relay", "--target", "spinnaker", "--machine", "no-such-board.invalid", "--out", "sp"],
     ["no-such-board.invalid"]),
    (["fidelity", "liquid-accuracy", "--out", "a_file/x"], ["a_file"]),
    (CAM + ["--out", "r.json", "--plot", "raster.foo"], ["--plot raster.foo", ".png"]),
    (CAM + ["--out", "r.json", "--plot", "a_folder"], ["--plot a_folder", "folder"]),
    (CAM + ["--out", "a_folder", "--plot", "p.png"], ["--out a_folder", "folder"]),
    (CAM + ["--out", "a_file/r.json"], ["a_file", "is a file"]),
    (["cam", "replay", "deep.json"], ["deep.json", "nested"]),
    (["cam", "replay", "missing.json"], ["missing.json"]),
    (["nalsm-readout", "not_nalsm"], ["not_nalsm/results.json", "snn nalsm"]),
    (["nalsm-readout", "no_such_run"], ["no_such_run/results.json"]),
    (["nalsm-readout", "not_nalsm", "--out", "a_folder"], ["--out a_folder"]),
]


@pytest.mark.parametrize("argv,words", PROBES, ids=[" ".join(a) for a, _ in PROBES])
def test_probe_fails_in_one_line_before_any_work(folder, capsys, argv, words):
    before = _tree(folder)
    assert cli_main(argv) == 2
    err = capsys.readouterr().err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert err.startswith(f"snn {argv[0]}: error: ")
    for w in words:
        assert w in err, f"{w!r} not in {err!r}"
    assert _tree(folder) == before, "a result file was written"


def test_read_only_output_folder(folder, capsys, monkeypatch):
    """A folder the user may not write in. As root every folder is writable, so there the kernel's answer for
    this one folder is replaced by a refusal (what access(2) says to a user without permission)."""
    ro = folder / "read_only"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):
            import snn.outputs
            real = os.access
            monkeypatch.setattr(snn.outputs.os, "access",
                                lambda p, mode: False if os.path.abspath(p) == str(ro) else real(p, mode))
        for argv in (["demo", "--out", "read_only/run"], ["demo", "--out", "read_only"],
                     CAM + ["--out", "read_only/r.json"]):
            assert cli_main(argv) == 2
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and "no permission to write" in err and "read_only" in err, err
        assert not any(ro.iterdir())
    finally:
        ro.chmod(0o700)


def test_plot_name_without_extension_reports_the_file_written(folder, capsys):
    """matplotlib appends .png to a bare name: the message names that file, and a missing folder is made."""
    assert cli_main(CAM + ["--plot", "figs/raster", "--out", "runs/r.json"]) == 0
    out = capsys.readouterr().out
    assert "wrote figs/raster.png" in out and (folder / "figs" / "raster.png").is_file()
    assert "wrote runs/r.json" in out and (folder / "runs" / "r.json").is_file()


def test_os_error_naming_a_file_is_one_line_and_a_bug_keeps_its_traceback(folder, capsys, monkeypatch):
    """The top level: an OSError about a path (a disk that filled up mid-run) is a user's problem, exit 2; an
    exception that is not about the user's input is a bug and propagates (a traceback, exit 1)."""
    from snn.experiments import demo

    def full_disk(args):
        raise OSError(28, "No space left on device", "runs/demo/results.json")
    monkeypatch.setattr(demo, "main", full_disk)
    assert cli_main(["demo"]) == 2
    err = capsys.readouterr().err
    assert err == "snn demo: error: runs/demo/results.json: No space left on device\n"

    def bug(args):
        raise KeyError("oops")
    monkeypatch.setattr(demo, "main", bug)
    with pytest.raises(KeyError):
        cli_main(["demo"])


def test_the_real_command_exits_2_with_one_line(folder):
    """Through ``python -m snn`` (the installed entry point's code path), not only ``cli.main``."""
    before = _tree(folder)
    proc = subprocess.run([sys.executable, "-m", "snn", "demo", "--out", "a_file"], capture_output=True, text=True,
                          cwd=folder, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "a_file" in proc.stderr and "Traceback" not in proc.stderr
    assert _tree(folder) == before


def test_a_huge_value_echoed_in_an_error_is_shortened(folder, capsys):
    """A 900-deep list where a content bit belongs: one line, both ends kept, at most cli.MAX_LINE characters."""
    from snn.experiments.cli import MAX_LINE
    (folder / "nested.json").write_text(json.dumps([{"op": "learn", "cue": 0, "content": json.loads("[" * 900 +
                                                                                                   "]" * 900)}]))
    assert cli_main(["cam", "run", "nested.json", "--cue-size", "2", "--content-size", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) <= MAX_LINE + len("snn cam: error: \n")
    assert "nested.json: operation 0 (learn): content bit=" in err and err.rstrip().endswith("must be an integer")


def test_snn_demo_does_not_write_into_the_folder_of_make_run():
    """`make run` writes runs/default (Makefile's OUT); `snn demo` must not overwrite its results.json."""
    import re
    from pathlib import Path
    from snn.experiments.cli import build_parser
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    make_out = re.search(r"^OUT\s*\?=\s*(\S+)", makefile, re.M).group(1)
    demo_out = build_parser().parse_args(["demo"]).out
    assert demo_out == "runs/demo" and make_out == "runs/default"
