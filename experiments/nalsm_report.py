"""What ``snn nalsm`` reports: the readouts trained on the liquid's features, their summary, and the figure."""
import time

from snn.models.nalsm import FEATURE_MS
from snn.readout import train_logistic_readout, train_paper_readout


def train_readouts(cfg, train, val, test, progress=False):
    """{name: (ReadoutResult, seconds)} of the readouts ``cfg['readout']`` asks for, the reported one first."""
    names = ("paper", "logreg") if cfg["readout"] == "both" else (cfg["readout"],)
    out = {}
    for name in names:
        t = time.perf_counter()
        if name == "paper":
            ro = train_paper_readout(train, val, test, batch_size=cfg["readout_batch"], epochs=cfg["epochs"],
                                     patience=cfg["patience"], progress=progress)
        else:
            ro = train_logistic_readout(train, val, test)
        out[name] = (ro, time.perf_counter() - t)
    return out


def readout_summary(name, ro):
    s = {"test_accuracy": ro.test_accuracy, "val_accuracy": ro.val_accuracy, "train_accuracy": ro.train_accuracy}
    if name == "paper":              # its epochs; logistic regression has the C chosen on validation instead
        s.update(best_epoch=ro.best_epoch, epochs_run=ro.epochs_run)
    else:
        s.update(C=ro.history.get("C"))
    return s


def _figure(path, raster_one, net, feats, labels, predictions, bf, cfg):
    """Raster of one sample, liquid rate histogram, confusion matrix on the test split."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from snn.plot import confusion_matrix, raster, rate_histogram
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    n_exc = net.population("exc").size
    if raster_one is not None:
        t, i = raster_one
        exc = i < n_exc
        raster(axes[0], {"exc": (t[exc], i[exc]), "inh": (t[~exc], i[~exc] - n_exc)},
               sizes={"exc": n_exc, "inh": net.population("inh").size})
    bf_text = "n/a" if bf != bf else f"{bf:.2f}"
    axes[0].set_title(f"{cfg['variant']} liquid, one sample (branching factor {bf_text})")
    rate_histogram(axes[1], feats.mean(axis=0) * 1000.0 / FEATURE_MS)
    axes[1].set_title("liquid firing rates (mean over samples)")
    if len(labels):
        confusion_matrix(axes[2], labels, predictions)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
