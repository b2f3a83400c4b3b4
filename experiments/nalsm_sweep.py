"""The LSM baseline's weight sweep (specs/nalsm.md 5): the same liquid run at several initial |w|.

``snn nalsm --variant lsm --w-sweep 0.4,0.7,0.8,1.0,1.2`` runs ``experiments.nalsm.run`` once per value in
``OUT/w<value>/`` (each resumable, as any run) and writes ``OUT/sweep.json`` and ``OUT/sweep.png`` (accuracy and
branching factor against |w|). The paper reports, per network, the best *test* accuracy over its sweep, a
hand-tuned upper bound; here the selected value is the one with the best *validation* accuracy, and the best
test accuracy is reported next to it for comparison with the paper.
"""
from pathlib import Path

from snn.errors import SpecError
from snn.io import write_json


def parse_values(text):
    """'0.7,1.0' -> (0.7, 1.0): distinct positive numbers."""
    try:
        values = tuple(float(v) for v in str(text).split(","))
    except ValueError:
        raise SpecError(f"w_sweep={text!r} must be comma-separated numbers, e.g. 0.7,0.8,1.0") from None
    if not values or any(not 0 < v < 1e6 for v in values) or len(set(values)) != len(values):
        raise SpecError(f"w_sweep={text!r} must list distinct values in (0, 1e6)")
    return values


def sweep(config, values, out, run, progress=True):
    """Run ``config`` once per initial |w| in ``values`` with ``run`` (``experiments.nalsm.run``, passed in so
    that this module need not import the pipeline that imports it); returns the summary written to
    ``OUT/sweep.json``."""
    if config.get("w_init") is not None:
        raise SpecError("give either --w-init or --w-sweep, not both")
    out = Path(out)
    rows = []
    for w in values:
        r = run({**config, "w_init": w}, out / f"w{w:g}", progress=progress)
        rows.append({"w_init": w, "test_accuracy": r["test_accuracy"], "val_accuracy": r["val_accuracy"],
                     "branching_factor": r["branching_factor"], "liquid_rate_hz": r.get("liquid_rate_hz"),
                     "wall_seconds": r["wall_seconds"]})
    best = max(rows, key=lambda row: row["val_accuracy"])
    summary = {"variant": config.get("variant"), "dataset": config.get("dataset"), "runs": rows,
               "selected_by_val": best, "best_test_accuracy": max(row["test_accuracy"] for row in rows),
               "wall_seconds": sum(row["wall_seconds"] for row in rows)}
    write_json(out / "sweep.json", summary)
    _figure(out / "sweep.png", rows, summary)
    return summary


def _figure(path, rows, summary):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from snn.plot import branching_curve
    w = [row["w_init"] for row in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    a.plot(w, [row["test_accuracy"] for row in rows], "o-", label="test")
    a.plot(w, [row["val_accuracy"] for row in rows], "s--", label="validation")
    a.axvline(summary["selected_by_val"]["w_init"], color="0.5", ls=":", lw=1)
    a.set_xlabel("initial |w|")
    a.set_ylabel("accuracy")
    a.legend()
    bf = [float("nan") if row["branching_factor"] is None else row["branching_factor"] for row in rows]
    branching_curve(b, w, bf, xlabel="initial |w|")
    fig.suptitle(f"{summary['variant']} on {summary['dataset']}: weight sweep")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
