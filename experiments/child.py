"""Python code run in a fresh interpreter (NEST's OpenMP runtime and numba's threads do not share a process
well), its answer printed on stdout as one tagged JSON line."""
import json
import subprocess
import sys

TAG = "SNN-CHILD-JSON "


def run_json(code, what, timeout=3600):
    """Run ``code`` (which ends by calling ``answer(obj)``) in a new interpreter; returns ``obj``. ``what`` names
    the job in the error raised when the child fails or answers nothing."""
    prelude = f"import json\ndef answer(obj):\n    print({TAG!r} + json.dumps(obj))\n"
    proc = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=timeout)
    lines = [x for x in proc.stdout.splitlines() if x.startswith(TAG)]
    if proc.returncode or not lines:
        raise RuntimeError(f"{what} failed: {proc.stderr[-2000:]}")
    return json.loads(lines[-1][len(TAG):])
