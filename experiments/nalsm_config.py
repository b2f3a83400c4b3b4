"""The settings of ``snn nalsm``: ``DEFAULTS`` is the one list of its config keys (the argument parser, the
checks in ``experiments/checks.py`` and ``run`` read it), with the choices some of them take."""

DATASETS = ("digits", "mnist", "fashion-mnist", "nmnist")
# both: the paper's readout (reported at the top level) and logistic regression (cheap) beside it
READOUTS = ("both", "paper", "logreg")
# what the image test set's rates are divided by (specs 2.1, 7.7): its own max of x/sum(x), as the authors' code
# does, or the training set's, so that train and test images deliver the same input pulses per ms
TEST_SCALES = ("test", "train")
DEFAULTS = dict(dataset="digits", data_dir=None, neurons=1000, variant="nalsm", init_samples=None, train=None,
                val=None, test=None, seed=0, readout="both", epochs=5000, patience=500, readout_batch=None,
                w_A=None, w_init=None, astro_density=1.0, theta_C=None, dC=None, bf_samples=20, chunk=250,
                val_start_id=50_001, workers=None, scheduler=None, kernel_quality=False, kq_per_class=20,
                kq_resamples=50, test_scale="test")
# the paper readout's batch (specs 3.3, 4: one Adadelta step and one max-normalisation per batch): the authors'
# 250 for 1000-neuron liquids and 50 for 8000; here 250 up to 1000 neurons, 50 above
PAPER_BATCH = ((1000, 250), (None, 50))


def paper_batch(neurons):
    return next(b for n, b in PAPER_BATCH if n is None or neurons <= n)


# lsm-apstdp calcium windows (theta_C, dC) by dataset (specs 3.5: N-MNIST theta 10, dC 2-3); others: MNIST's
APSTDP_WINDOWS = {"nmnist": (10.0, 2.5)}


def config_from_args(args):
    """The config dict of parsed arguments: every key of ``DEFAULTS`` the parser has."""
    return {k: getattr(args, k) for k in DEFAULTS if hasattr(args, k)}
