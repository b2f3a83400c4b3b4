"""docs/cli.md is generated from the argparse parser: the committed file must equal what the generator prints."""
from pathlib import Path

from snn.experiments.cli_doc import render

REPO = Path(__file__).resolve().parents[2]


def test_cli_reference_is_up_to_date():
    committed = (REPO / "docs" / "cli.md").read_text()
    assert committed == render(), "docs/cli.md is stale: run `python -m snn.experiments.cli_doc > docs/cli.md`"


def test_cli_reference_names_every_command_and_option():
    from snn.experiments.cli import COMMANDS
    text = render()
    for name in COMMANDS:
        assert f"## `snn {name}`" in text
    for option in ("--dataset", "--w-A", "--cue-size", "--target", "--against", "--method"):
        assert f"`{option}`" in text
