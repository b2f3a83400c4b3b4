"""What every result file records so that a number can be traced: seed, config, versions, git commit."""
import functools
import hashlib
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from snn import __version__

_PACKAGES = ("numpy", "numba", "scipy", "scikit-learn", "brian2", "PyNN", "nest-simulator", "sPyNNaker")


def versions():
    out = {"snn": __version__, "python": sys.version.split()[0], "platform": platform.platform()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


@functools.lru_cache(maxsize=1)
def git_commit():
    """The commit of the source tree snn runs from (with '+dirty' when it has uncommitted changes), or None.
    Read once per process: a long run reports the code it started with, not what HEAD is when it ends."""
    here = Path(__file__).resolve().parent
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10)
        if sha.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return sha.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def code_files(*extra):
    """The Python sources of the simulator (snn: engine, kernels, data) and of the models, then ``extra``."""
    import snn
    import snn.models
    files = []
    for root in (Path(snn.__file__).parent, Path(snn.models.__file__).parent):
        for folder, dirs, names in os.walk(root):        # links (to other packages) are not followed
            dirs[:] = sorted(d for d in dirs if not d.startswith("__"))
            files += [Path(folder, n) for n in sorted(names) if n.endswith(".py")]
    return files + [Path(f) for f in extra]


@functools.lru_cache(maxsize=None)
def code_digest(*extra):
    """sha256 of ``code_files(*extra)``: what an array they compute depends on. A cache keyed on it survives
    commits elsewhere (docs, tests, other experiments) and notices uncommitted edits, which the commit does not."""
    h = hashlib.sha256()
    for f in code_files(*extra):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def provenance(config, seed):
    return {"config": config, "seed": seed, "versions": versions(), "commit": git_commit()}
