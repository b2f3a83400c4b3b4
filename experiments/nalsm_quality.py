"""Kernel quality of a NALSM liquid (specs/nalsm.md 5, the paper's Fig. 3B): SP = mean rank of the spike-count
matrix of class-balanced draws of test samples, AP = the same on noisy versions of those inputs (a second feature
pass), and their difference; a liquid that separates different inputs (high SP) while mapping noisy variants
alike (low AP) scores high. The paper min-max rescales SP and AP across its models before taking SP - AP; one
run has nothing to rescale against, so the raw ranks are reported.
"""
from snn.analysis import kernel_rank

KQ_PIXEL_SIGMA = 125 / 255      # images: pixel-noise sd as a fraction of the pixel range (MNIST: 125 of 255)
KQ_SHIFT_MS = 10.0              # N-MNIST: sd of the one time shift of a whole recording (ms)


def kernel_quality(clean, noisy, labels, per_class, resamples, rng):
    """SP and AP of test features ``clean`` and ``noisy`` (n_test, n_liquid), same samples in the same order:
    each the mean rank over ``resamples`` draws of ``per_class`` samples per class (``snn.analysis.kernel_rank``;
    the paper: 100 per class, 1000 draws). Returns the dict written to results.json."""
    sp = kernel_rank(clean, labels, per_class, resamples, rng)
    ap = kernel_rank(noisy, labels, per_class, resamples, rng)
    return {"sp": sp.mean, "ap": ap.mean, "sp_minus_ap": sp.mean - ap.mean, "samples": int(sp.draws.shape[1]),
            "per_class": int(per_class), "resamples": int(resamples),
            "noise": {"pixel_sigma_of_range": KQ_PIXEL_SIGMA, "event_shift_sd_ms": KQ_SHIFT_MS}}
