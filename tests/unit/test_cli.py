"""The `snn` command: version, help, and user errors as one line on stderr with exit status 2."""
import subprocess
import sys

import pytest

from snn import __version__
from snn.experiments.cli import main


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"snn {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "demo" in capsys.readouterr().out


def test_unknown_option_is_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--no-such-flag"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1 and "--no-such-flag" in err


def test_user_error_is_one_line_without_traceback(capsys, tmp_path):
    assert main(["demo", "--duration", "-3", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("snn demo: error: duration_ms=-3.0 must be a finite number > 0")
    assert "Traceback" not in err and err.count("\n") == 1


def test_python_dash_m_snn_is_the_same_command():
    out = subprocess.run([sys.executable, "-m", "snn", "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == f"snn {__version__}"
