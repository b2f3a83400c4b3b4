"""What ``snn fidelity`` prints by default: a few lines a person can read, each ending in a verdict, instead of
the raw JSON object (which ``--json`` still prints).

The verdicts use the bands the project states elsewhere, not new ones:
* CAM: a recording is reproduced when no spike differs (``snn cam replay``'s mismatch count is 0);
* rates (CUBA, the frozen liquid): engine and NEST agree within ``RATE_BAND`` per population, the band of
  tests/backends/test_fidelity.py (float rounding can flip a spike, which then spreads in a chaotic network);
* accuracies (liquid-accuracy, continual): the deployed variant keeps the reference's accuracy when the gap is
  within two binomial standard errors of an accuracy measured on that many test images (sampling noise alone).
"""
import math

RATE_BAND = 0.05


def _two_se(acc, n):
    """Two standard errors of an accuracy ``acc`` measured on ``n`` images (the binomial sampling noise)."""
    return 2.0 * math.sqrt(max(acc * (1.0 - acc), 1e-12) / max(n, 1))


def _accuracy_verdict(name, ref, dep, n):
    gap, band = dep - ref, _two_se(ref, n)
    word = "keeps" if gap >= -band else "loses"
    return (f"verdict: the {name} {word} the accuracy ({100 * gap:+.1f} points; two standard errors on {n} test "
            f"images: {100 * band:.1f})")


def cam(out):
    lines = []
    for recording, backends in out.items():
        for backend, r in backends.items():
            verdict = "reproduces the recording" if r["mismatches"] == 0 else "does not reproduce the recording"
            lines.append(f"{recording} on {backend}: {r['mismatches']} spikes missing or extra against "
                         f"{r['recorded']} recorded ({r['mismatches_at_best_latency']} at each population's best "
                         f"latency); "
                         f"{r['ops_right']} of {r['operations']} operations decoded as on SpiNNaker -> {verdict}")
    return lines


def rates(out, what):
    engine, nest = out["engine"], out["nest"]
    lines, agree = [], True
    for label in engine:
        e, n = engine[label], nest.get(label, float("nan"))
        rel = abs(e - n) / n if n else (0.0 if e == n else float("inf"))
        agree &= rel <= RATE_BAND
        lines.append(f"{label}: engine {e:.3f} Hz, NEST {n:.3f} Hz ({100 * rel:.1f} % apart)")
    extra = f", weights {out['weights']}" if "weights" in out else ""
    head = f"{what}, {out['duration_ms']:g} ms, seed {out['seed']}{extra}:"
    verdict = (f"verdict: engine and NEST agree (every population within {100 * RATE_BAND:.0f} %)" if agree else
               f"verdict: engine and NEST differ (a population beyond {100 * RATE_BAND:.0f} %)")
    return [head, *("  " + line for line in lines), verdict]


def liquid_accuracy(out):
    n = out["sizes"]["test"]
    return [f"NALSM: test accuracy {out['nalsm_test_accuracy']:.4f}, liquid {out['nalsm_liquid_rate_hz']:.1f} Hz",
            f"frozen IF_curr_exp variant: test accuracy {out['frozen_test_accuracy']:.4f}, liquid "
            f"{out['frozen_liquid_rate_hz']:.1f} Hz",
            _accuracy_verdict("frozen variant", out["nalsm_test_accuracy"], out["frozen_test_accuracy"], n)]


def continual(out):
    lines = [f"{out['run']} ({out['method']}, {out['training']}), {out['tasks_done']} tasks, "
             f"{out['test_per_task']} test images each, {out['duration_ms']:g} ms per image:"]
    nir = "nir_accuracy" in out        # --via-nir: the deployed network after a round trip through a NIR file
    for k, (t, d) in enumerate(zip(out["trained_accuracy"], out["deployed_accuracy"])):
        lines.append(f"  task {k}: trained {t:.4f}  deployed {d:.4f}" +
                     (f"  through NIR {out['nir_accuracy'][k]:.4f}" if nir else ""))
    n = out["test_per_task"] * max(out["tasks_done"], 1)
    lines.append(f"mean: trained {out['trained_mean']:.4f}, deployed {out['deployed_mean']:.4f}" +
                 (f", through NIR {out['nir_mean']:.4f}" if nir else ""))
    lines.append(_accuracy_verdict("deployed network", out["trained_mean"], out["deployed_mean"], n))
    if nir:
        lines.append(_accuracy_verdict("network read back from NIR", out["deployed_mean"], out["nir_mean"], n))
    return lines


def summary(what, out):
    """The human summary of ``snn fidelity WHAT``'s result ``out``, as text."""
    if what == "cam":
        lines = cam(out)
    elif what in ("cuba", "liquid"):
        lines = rates(out, "CUBA" if what == "cuba" else "frozen NALSM liquid")
    elif what == "liquid-accuracy":
        lines = liquid_accuracy(out)
    else:
        lines = continual(out)
    return "\n".join(lines)
