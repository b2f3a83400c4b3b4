"""Linear readouts over spike-count features.

- :func:`train_paper_readout`: the NALSM readout (specs/nalsm.md 4), its loops in numba over sparse features
  (snn/kernels/readout.py): per-sample L1 normalisation then
  division by the maximum of each batch, a zero-initialised linear layer, softmax cross-entropy against soft
  targets softmax(+1 true / -1 other), L2 (beta/2 sum W^2), Adadelta (lr 0.1, rho 0.95, eps 1e-8; TF1's form),
  one step per batch in a fixed order, accuracy on validation after each epoch; the reported test accuracy is the
  one at the best validation epoch (first such epoch), with early stopping after ``patience`` epochs without a
  better validation accuracy.
- :func:`train_logistic_readout`: a fast alternative, scikit-learn's multinomial logistic regression on the
  L1-normalised counts, C chosen on validation.
"""
from contextlib import nullcontext
from dataclasses import dataclass, field
import functools

import numpy as np

from .errors import SpecError


def _one_blas_thread(fn):
    """Run ``fn`` with BLAS on one thread: these matrices are small, and a multi-threaded BLAS on a busy machine
    (or next to numba's threads) was measured 70x slower than one thread."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            from threadpoolctl import threadpool_limits
            ctx = threadpool_limits(1)
        except ImportError:
            ctx = nullcontext()
        with ctx:
            return fn(*args, **kwargs)
    return wrapper


@dataclass
class ReadoutResult:
    train_accuracy: float
    val_accuracy: float
    test_accuracy: float
    best_epoch: int
    epochs_run: int
    history: dict = field(default_factory=dict, repr=False)
    model: object = field(default=None, repr=False)     # (W, b) of the selected epoch, or the fitted classifier
    test_predictions: np.ndarray = field(default=None, repr=False)   # predicted class of every test sample


def l1_normalise(counts):
    """Each sample divided by its spike total (an all-silent sample stays 0; the original code gives NaN)."""
    x = np.asarray(counts, np.float64)
    s = x.sum(axis=1, keepdims=True)
    return np.divide(x, s, out=np.zeros_like(x), where=s > 0)


def normalise_batches(counts, batch_size):
    """L1 per sample, then each consecutive batch of ``batch_size`` samples divided by its own maximum; returned
    as a float64 CSR matrix (spike counts are mostly zeros)."""
    from scipy import sparse
    x = sparse.csr_matrix(np.asarray(counts)).astype(np.float64)
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    x.data /= np.asarray(x.sum(axis=1)).ravel()[rows]        # a row with entries has a positive sum
    for a in range(0, x.shape[0], batch_size):
        seg = x.data[x.indptr[a]:x.indptr[min(a + batch_size, x.shape[0])]]
        if seg.size and seg.max() > 0:
            seg /= seg.max()
    return x


def soft_targets(labels, n_classes):
    t = -np.ones((len(labels), n_classes))
    t[np.arange(len(labels)), labels] = 1.0
    e = np.exp(t - t.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _predict(x, W, b):
    from .kernels.readout import predict
    return predict(x.indptr, x.indices, x.data, W, b)


def _accuracy(x, y, W, b):
    return float(np.mean(_predict(x, W, b) == y)) if len(y) else float("nan")


def _check_splits(splits, n_classes):
    """What the kernels assume (they do not check bounds): 2-D non-negative counts with one feature count across
    the non-empty splits, one label per sample, labels in [0, n_classes)."""
    features = None
    for name, (counts, labels) in zip(("train", "val", "test"), splits):
        counts, labels = np.asarray(counts), np.asarray(labels)
        if counts.ndim != 2 or labels.ndim != 1 or len(counts) != len(labels):
            raise SpecError(f"readout {name}: counts {counts.shape} and labels {labels.shape} must be (samples, "
                            f"features) and (samples,)")
        if len(labels) == 0:
            if name != "test":
                raise SpecError("the readout needs at least one training and one validation sample")
            continue
        if features is None:
            features = counts.shape[1]
        if counts.shape[1] != features:
            raise SpecError(f"readout {name}: {counts.shape[1]} features, the training split has {features}")
        if not np.all(np.isfinite(counts)) or counts.min() < 0:
            raise SpecError(f"readout {name}: counts must be finite and >= 0")
        if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0 or labels.max() >= n_classes:
            raise SpecError(f"readout {name}: labels must be integers in [0, {n_classes})")


def train_paper_readout(train, val, test, n_classes=10, batch_size=250, epochs=5000, patience=500, lr=0.1,
                        rho=0.95, eps=1e-8, beta=5e-10, progress=False):
    """``train``/``val``/``test``: (counts (n, features), labels (n,)) pairs. Returns a ReadoutResult."""
    for name, v, lo in (("batch_size", batch_size, 1), ("epochs", epochs, 1), ("patience", patience, 0)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
            raise SpecError(f"readout {name}={v!r} must be an integer >= {lo}")
    for name, v in (("lr", lr), ("rho", rho), ("eps", eps), ("beta", beta)):
        if not (isinstance(v, (int, float, np.floating)) and np.isfinite(v) and v >= 0):
            raise SpecError(f"readout {name}={v!r} must be a finite number >= 0")
    _check_splits((train, val, test), n_classes)
    (xtr, ytr), (xva, yva), (xte, yte) = [(normalise_batches(c, batch_size), np.asarray(y, np.int64))
                                          for c, y in (train, val, test)]
    from .kernels.readout import adadelta_epoch
    W, b = np.zeros((xtr.shape[1], n_classes)), np.zeros(n_classes)
    state = (np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b))   # Adadelta accumulators
    q = soft_targets(ytr, n_classes)
    hist = {"val": []}
    best, best_epoch, since = -1.0, -1, 0
    best_state = (W.copy(), b.copy())
    bar = _epoch_bar(epochs, progress)
    for epoch in range(epochs):
        adadelta_epoch(xtr.indptr, xtr.indices, xtr.data, q, W, b, state, batch_size, lr, rho, eps, beta)
        va = _accuracy(xva, yva, W, b)
        hist["val"].append(va)
        if va > best:
            best, best_epoch, since = va, epoch, 0
            best_state = (W.copy(), b.copy())
        else:
            since += 1
        bar.update()
        bar.set_postfix(val=f"{va:.4f}", best=f"{best:.4f}@{best_epoch}", refresh=False)
        if since >= max(patience, 1):      # only after an epoch without improvement
            break
    bar.close()
    W, b = best_state
    return ReadoutResult(_accuracy(xtr, ytr, W, b), best, _accuracy(xte, yte, W, b), best_epoch, epoch + 1, hist,
                         (W, b), _predict(xte, W, b) if len(yte) else np.zeros(0, np.int64))


def _epoch_bar(epochs, progress):
    from tqdm.auto import tqdm
    return tqdm(total=epochs, unit="epoch", desc="readout", disable=not progress)


@_one_blas_thread
def train_logistic_readout(train, val, test, Cs=(0.1, 1.0, 10.0, 100.0, 1000.0), max_iter=2000, progress=False):
    """Multinomial logistic regression on L1-normalised counts scaled by the training maximum; C by validation.
    ``progress``: a bar over the values of C (one fit each)."""
    from sklearn.linear_model import LogisticRegression
    from tqdm.auto import tqdm

    xtr = l1_normalise(train[0])
    scale = xtr.max(initial=0.0) or 1.0
    xtr, xva, xte = xtr / scale, l1_normalise(val[0]) / scale, l1_normalise(test[0]) / scale
    best = None
    bar = tqdm(Cs, unit="fit", desc="readout (logreg, C)", disable=not progress)
    for C in bar:
        clf = LogisticRegression(C=C, max_iter=max_iter)
        clf.fit(xtr, train[1])
        va = float(np.mean(clf.predict(xva) == val[1]))
        if best is None or va > best[0]:
            best = (va, C, clf)
        bar.set_postfix(C=C, val=f"{va:.4f}", refresh=False)
    va, C, clf = best
    return ReadoutResult(float(np.mean(clf.predict(xtr) == train[1])), va, float(np.mean(clf.predict(xte) == test[1])),
                         best_epoch=-1, epochs_run=0, history={"C": C}, model=clf,
                         test_predictions=clf.predict(xte) if len(test[1]) else np.zeros(0, np.int64))
