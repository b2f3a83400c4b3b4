"""PyNN 0.13.0's own system-test scenarios, fetched once by the test set-up (never by library code).

``scenarios_dir()`` returns a folder holding ``pynn013_scenarios/`` (test/system/scenarios/ of the PyNN 0.13.0
sdist from PyPI, fetched with ``pip download --no-binary :all: --no-deps PyNN==0.13.0``), cached in
``$SNN_CACHE_DIR`` (default ``~/.cache/snn``). Nothing is fetched when the cache holds it already.
"""
import os
import subprocess
import sys
import tarfile
from pathlib import Path

VERSION = "0.13.0"
PACKAGE = "pynn013_scenarios"


def cache_dir():
    return Path(os.environ.get("SNN_CACHE_DIR", Path.home() / ".cache" / "snn")) / f"pynn-{VERSION}"


def scenarios_dir():
    """The cache folder that holds the scenarios package; raises RuntimeError saying why it cannot."""
    root = cache_dir()
    target = root / PACKAGE
    if (target / "fixtures.py").is_file():
        return root
    root.mkdir(parents=True, exist_ok=True)
    sdists = sorted(root.glob("[Pp]y[Nn][Nn]-*.tar.gz"))
    if not sdists:
        cmd = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
               f"PyNN=={VERSION}", "-d", str(root), "--quiet"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        sdists = sorted(root.glob("[Pp]y[Nn][Nn]-*.tar.gz"))
        if proc.returncode or not sdists:
            raise RuntimeError(f"could not fetch PyNN {VERSION}'s sdist with pip ({' '.join(cmd)}): "
                               f"{proc.stderr.strip()[-300:]}")
    prefix = "test/system/scenarios/"
    tmp = root / (PACKAGE + ".tmp")
    tmp.mkdir(exist_ok=True)
    with tarfile.open(sdists[-1]) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/", 1)
            if len(parts) == 2 and parts[1].startswith(prefix) and member.isfile():
                name = parts[1][len(prefix):]
                if "/" not in name and name.endswith(".py"):
                    (tmp / name).write_bytes(tar.extractfile(member).read())
    if not (tmp / "fixtures.py").is_file():
        raise RuntimeError(f"{sdists[-1]} holds no {prefix}fixtures.py")
    tmp.rename(target)          # atomic: a half-extracted folder never looks complete
    return root
