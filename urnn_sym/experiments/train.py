"""Training RNNs and URNNs with backpropagation through time, in float64 numpy.

A *stack* of M models of the same size is trained at once (vectorised): the
parameters carry a leading model axis, ``W`` (M, n, n), ``F`` (M, n, d), ``b``
(M, n), ``C`` (M, p, n), optionally an output bias ``c`` (M, p), and the models
are independent (the loss is a sum over models).  Arrays are model-major: inputs (M, L, B, d), outputs (M, L, B, p)
for M models, L steps and B sequences per batch.  Every model starts
from ``h(-1) = 0`` (column-vector convention of the package)::

    h(k) = relu(W h(k-1) + F x(k) + b),    y(k) = C h(k)  [+ c]

Loss of model m: the mean over the unmasked steps, sequences and outputs of the
squared error.  Gradients come from :func:`loss_and_grad` (BPTT, checked against
finite differences in the tests).  The URNN is the same model with ``W`` projected
onto the orthogonal matrices after every update, ``W -> P Q^T`` for ``W = P S Q^T``
(:func:`project_orthogonal`).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> params = init_params(2, 3, 1, 1, rng)
>>> bool(np.allclose(params.W[0] @ params.W[0].T, np.eye(3)))
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.stats import ortho_group

from urnn_sym.errors import InvalidArgumentError

__all__ = [
    "Adam",
    "FitResult",
    "Params",
    "fit",
    "init_params",
    "loss_and_grad",
    "predict",
    "project_orthogonal",
    "r2_score",
    "windowed_predict",
    "windows",
]


@dataclass
class Params:
    """Parameters of a stack of M ReLU RNNs with ``h(-1) = 0`` (mutable, updated in place).

    Parameters
    ----------
    W : numpy.ndarray
        Recurrence matrices, shape (M, n, n).
    F : numpy.ndarray
        Input matrices, shape (M, n, d).
    b : numpy.ndarray
        Biases, shape (M, n).
    C : numpy.ndarray
        Output matrices, shape (M, p, n).
    c : numpy.ndarray or None
        Output biases, shape (M, p), so that ``y = C h + c``; ``None`` (the default)
        for models without an output bias.
    """

    W: np.ndarray
    F: np.ndarray
    b: np.ndarray
    C: np.ndarray
    c: np.ndarray | None = None

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The arrays in the order ``W, F, b, C`` and then ``c`` if the models have it."""
        if self.c is None:
            return self.W, self.F, self.b, self.C
        return self.W, self.F, self.b, self.C, self.c


def _haar_orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    if n == 1:
        return np.array([[1.0 if rng.random() < 0.5 else -1.0]])
    return ortho_group.rvs(n, random_state=rng)


def init_params(models: int, n: int, d: int, p: int, rng: np.random.Generator, *, output_bias: bool = False) -> Params:
    """Initial parameters: Haar-orthogonal ``W``, Glorot-uniform ``F`` and ``C``, zero ``b`` (and ``c``).

    These are the Keras ``SimpleRNN`` / ``Dense`` defaults (orthogonal recurrent
    kernel, Glorot-uniform kernels, zero bias); the same start serves RNNs and URNNs.

    Parameters
    ----------
    models : int
        Number M of models in the stack.
    n, d, p : int
        States, inputs, outputs.
    rng : numpy.random.Generator
        Source of randomness.
    output_bias : bool
        Whether the models have an output bias ``c`` (started at zero; drawing no
        random numbers, so ``W, F, b, C`` are the same either way).

    Returns
    -------
    Params
    """
    W = np.stack([_haar_orthogonal(n, rng) for _ in range(models)])
    lim_f, lim_c = np.sqrt(6.0 / (n + d)), np.sqrt(6.0 / (n + p))
    F = rng.uniform(-lim_f, lim_f, (models, n, d))
    C = rng.uniform(-lim_c, lim_c, (models, p, n))
    return Params(W, F, np.zeros((models, n)), C, np.zeros((models, p)) if output_bias else None)


def _forward(params: Params, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pre-activations and states, both (M, L, B, n)."""
    W, F, b = params.W, params.F, params.b
    M, L, B, d = X.shape
    Z = (X.reshape(M, L * B, d) @ F.transpose(0, 2, 1)).reshape(M, L, B, -1) + b[:, None, None, :]
    H = np.empty_like(Z)
    Wt = W.transpose(0, 2, 1)
    rec = np.empty((M, B, Z.shape[3]))
    np.maximum(Z[:, 0], 0.0, out=H[:, 0])
    for k in range(1, L):
        np.matmul(H[:, k - 1], Wt, out=rec)
        Z[:, k] += rec
        np.maximum(Z[:, k], 0.0, out=H[:, k])
    return Z, H


def _check_batch(params: Params, X: np.ndarray, Y: np.ndarray, mask: np.ndarray) -> None:
    M, _n, d = params.F.shape
    p = params.C.shape[1]
    if X.ndim != 4 or (X.shape[0], X.shape[3]) != (M, d):
        raise InvalidArgumentError(f"X: expected shape ({M}, L, B, {d}) but found {X.shape}")
    if Y.shape != (*X.shape[:3], p):
        raise InvalidArgumentError(f"Y: expected shape {(*X.shape[:3], p)} but found {Y.shape}")
    if mask.shape != X.shape[1:3]:
        raise InvalidArgumentError(f"mask: expected shape {X.shape[1:3]} but found {mask.shape}")
    if params.c is not None and params.c.shape != (M, p):
        raise InvalidArgumentError(f"c: expected shape {(M, p)} but found {params.c.shape}")


def _add_output_bias(params: Params, Yhat: np.ndarray) -> np.ndarray:
    """``Yhat + c`` (in place) for outputs ``C h`` of shape (M, ..., p); ``Yhat`` if there is no ``c``."""
    if params.c is not None:
        Yhat += params.c.reshape(Yhat.shape[0], *([1] * (Yhat.ndim - 2)), -1)
    return Yhat


def loss_and_grad(params: Params, X: np.ndarray, Y: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, Params]:
    """Per-model MSE and its gradient by backpropagation through time.

    ``loss_m = sum_{k, s, j} mask[k, s] (yhat_m(k, s)_j - Y[m, k, s, j])^2 / (p sum mask)``
    with ``yhat = C h`` (``C h + c`` if ``params.c`` is set).

    Parameters
    ----------
    params : Params
        A stack of M models.
    X : numpy.ndarray
        Inputs, shape (M, L, B, d): model m reads B sequences of L steps.
    Y : numpy.ndarray
        Targets, shape (M, L, B, p).
    mask : numpy.ndarray
        Weights of the steps in the loss, shape (L, B) (0 for warm-up steps).

    Returns
    -------
    loss : numpy.ndarray
        Shape (M,).
    grad : Params
        Gradient of ``loss_m`` with respect to model m's parameters (with ``c``
        exactly when ``params`` has it).

    Notes
    -----
    ReLU's derivative is taken as ``[z > 0]``; the loss is differentiable wherever
    no pre-activation is exactly zero.
    """
    X, Y, mask = np.asarray(X, float), np.asarray(Y, float), np.asarray(mask, float)
    _check_batch(params, X, Y, mask)
    W, C = params.W, params.C
    M, L, B, d = X.shape
    n, p = W.shape[1], C.shape[1]
    Z, H = _forward(params, X)
    weight = mask[None, :, :, None] / (p * mask.sum())
    E = _add_output_bias(params, (H.reshape(M, L * B, n) @ C.transpose(0, 2, 1)).reshape(M, L, B, p)) - Y
    loss = (E * weight * E).sum(axis=(1, 2, 3))
    dY = (2.0 * weight * E).reshape(M, L * B, p)
    Hf = H.reshape(M, L * B, n)
    dC = dY.transpose(0, 2, 1) @ Hf
    dZ = (dY @ C).reshape(M, L, B, n)
    active = Z > 0.0
    g = np.empty((M, B, n))
    dZ[:, -1] *= active[:, -1]
    for k in range(L - 2, -1, -1):
        np.matmul(dZ[:, k + 1], W, out=g)
        dZ[:, k] += g
        dZ[:, k] *= active[:, k]
    dW = dZ[:, 1:].reshape(M, -1, n).transpose(0, 2, 1) @ H[:, :-1].reshape(M, -1, n)
    dZf = dZ.reshape(M, L * B, n).transpose(0, 2, 1)
    dF = dZf @ X.reshape(M, L * B, d)
    db = dZf.sum(axis=2)
    dc = None if params.c is None else dY.sum(axis=1)
    return loss, Params(dW, dF, db, dC, dc)


def predict(params: Params, x: np.ndarray) -> np.ndarray:
    """Outputs ``y(0..T-1)`` of every model from ``h(-1) = 0``.

    Parameters
    ----------
    params : Params
        A stack of M models.
    x : numpy.ndarray
        Inputs, shape (M, T, d) (model m reads ``x[m]``).

    Returns
    -------
    numpy.ndarray
        Shape (M, T, p).
    """
    _, H = _forward(params, np.asarray(x, float)[:, :, None, :])
    return _add_output_bias(params, H[:, :, 0, :] @ params.C.transpose(0, 2, 1))


def project_orthogonal(W: np.ndarray) -> np.ndarray:
    """Nearest orthogonal matrix in the Frobenius norm: ``P Q^T`` for ``W = P S Q^T``.

    Parameters
    ----------
    W : numpy.ndarray
        Square matrix (n, n) or a stack (..., n, n).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> project_orthogonal(np.array([[2.0, 0.0], [0.0, -0.5]]))
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    P, _, Qt = np.linalg.svd(np.asarray(W, float))
    return P @ Qt


class Adam:
    """Adam (Kingma and Ba) on a :class:`Params` stack; each model has its own moments.

    Parameters
    ----------
    params : Params
        The parameters to update in place.
    lr : float
        Step size (0.01 in the paper's experiment).
    beta1, beta2, eps : float
        The usual Adam constants.
    """

    def __init__(
        self, params: Params, lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, lr, beta1, beta2, eps
        self.m = [np.zeros_like(a) for a in params.arrays()]
        self.v = [np.zeros_like(a) for a in params.arrays()]
        self.t = 0

    def step(self, grad: Params) -> None:
        """Apply one update with gradient ``grad``.

        Parameters
        ----------
        grad : Params
            Gradient, same shapes as the parameters.
        """
        self.t += 1
        c1, c2 = 1.0 - self.beta1**self.t, 1.0 - self.beta2**self.t
        for a, g, m, v in zip(self.params.arrays(), grad.arrays(), self.m, self.v, strict=True):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            a -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


def r2_score(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """``R^2 = 1 - sum (y - yhat)^2 / sum (y - mean(y))^2``, pooled over the outputs.

    Parameters
    ----------
    y, yhat : numpy.ndarray
        Shape (..., T, p); the sums run over time (axis -2) and outputs (axis -1),
        the mean over time per output.

    Returns
    -------
    numpy.ndarray
        Shape of the leading axes (a float for (T, p)).

    Examples
    --------
    >>> float(r2_score(np.array([[0.0], [2.0]]), np.array([[0.5], [1.5]])))
    0.75
    """
    y, yhat = np.asarray(y, float), np.asarray(yhat, float)
    sse = ((y - yhat) ** 2).sum(axis=(-2, -1))
    sst = ((y - y.mean(axis=-2, keepdims=True)) ** 2).sum(axis=(-2, -1))
    return 1.0 - sse / sst


def windows(first: int, last: int, count: int, washout: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` sequences whose loss regions tile the steps ``first .. last-1``.

    Region j is ``[e_j, e_{j+1})`` (``e`` evenly spaced); its sequence starts
    ``washout`` steps earlier (or at step 0), so that a model started at state 0
    has forgotten its start before the region begins.  All sequences have the
    same length L; steps outside a sequence's region have mask 0.  The same cut
    serves training (the loss) and testing (the predictions).

    Parameters
    ----------
    first, last : int
        The steps to cover.
    count : int
        Number of sequences (for training: the batch size).
    washout : int
        Warm-up steps before each region.

    Returns
    -------
    starts : numpy.ndarray
        First step of each sequence, shape (count,).
    mask : numpy.ndarray
        Shape (L, count), 1 on the sequence's region.

    Examples
    --------
    >>> starts, mask = windows(0, 12, count=3, washout=2)
    >>> starts.tolist(), mask.shape, mask.sum(axis=0).tolist()
    ([0, 2, 6], (6, 3), [4.0, 4.0, 4.0])
    """
    if count < 1 or washout < 0 or not 0 <= first <= last - count:
        raise InvalidArgumentError(f"count: cannot cut {count} sequences from steps {first} .. {last - 1}")
    edges = np.round(np.linspace(first, last, count + 1)).astype(int)
    starts = np.maximum(edges[:-1] - washout, 0)
    L = int(np.max(edges[1:] - starts))
    starts = np.minimum(starts, last - L)
    mask = np.zeros((L, count))
    for j in range(count):
        mask[edges[j] - starts[j] : edges[j + 1] - starts[j], j] = 1.0
    return starts, mask


def windowed_predict(params: Params, x: np.ndarray, first: int, last: int, count: int, washout: int) -> np.ndarray:
    """Predictions for steps ``first .. last-1``, each from its :func:`windows` sequence.

    Parameters
    ----------
    params : Params
        A stack of M models.
    x : numpy.ndarray
        Inputs, shape (M, T, d).
    first, last, count, washout : int
        As in :func:`windows`.

    Returns
    -------
    numpy.ndarray
        Shape (M, last - first, p).
    """
    starts, mask = windows(first, last, count, washout)
    idx = starts[None, :] + np.arange(mask.shape[0])[:, None]
    _, H = _forward(params, np.asarray(x, float)[:, idx])
    Yhat = _add_output_bias(params, H @ params.C.transpose(0, 2, 1)[:, None])
    rows, cols = np.nonzero(mask.T)
    return Yhat[:, cols, rows]


@dataclass(frozen=True)
class FitResult:
    """Trained models of one size and their scores.

    Parameters
    ----------
    params : Params
        The trained stack, with ``C`` (and ``c``) in the units of the data.
    unitary : numpy.ndarray
        Boolean, shape (M,): which models are URNNs.
    test_r2, train_r2 : numpy.ndarray
        Shape (M,).
    """

    params: Params
    unitary: np.ndarray
    test_r2: np.ndarray
    train_r2: np.ndarray


def fit(
    x: np.ndarray,
    y: np.ndarray,
    n_train: int,
    n: int,
    unitary: np.ndarray,
    seeds: list[list[int]],
    *,
    epochs: int,
    lr: float = 0.01,
    batch: int = 10,
    washout: int = 100,
    test_windows: int = 4,
    progress: Callable[[int], None] | None = None,
    output_bias: bool = False,
) -> FitResult:
    """Train M models of size n with Adam and BPTT, each on its own data set.

    Every epoch is one Adam step on the full batch of ``batch`` training sequences
    from :func:`windows`; after every step the URNNs' ``W`` is replaced by
    :func:`project_orthogonal` of it.  Targets are divided by their training RMS
    during training (an exact rescaling of ``C``, undone in the result).  Train and
    test R^2 use predictions made the same way as in training: by sequences that
    start ``washout`` steps before the predicted steps, from state 0.

    Parameters
    ----------
    x : numpy.ndarray
        Inputs, shape (M, T, d).
    y : numpy.ndarray
        Observed outputs, shape (M, T, p).
    n_train : int
        Steps ``0 .. n_train-1`` train, the rest test.
    n : int
        Hidden units.
    unitary : numpy.ndarray
        Boolean, shape (M,).
    seeds : list of list of int
        One ``numpy.random.SeedSequence`` entropy per model (its initialisation).
    epochs : int
        Number of updates.
    lr : float
        Adam step size.
    batch : int
        Sequences per batch.
    washout : int
        Warm-up steps of each training and test sequence.
    test_windows : int
        Number of sequences that cover the test steps (see :func:`windowed_predict`).
    progress : callable, optional
        Called with the number of epochs done, every 25 epochs and at the end.
    output_bias : bool
        Train models ``y = C h + c`` with an output bias (started at 0) instead of
        ``y = C h``.

    Returns
    -------
    FitResult
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    _M, T, d = x.shape
    p = y.shape[2]
    unitary = np.asarray(unitary, bool)
    parts = [
        init_params(1, n, d, p, np.random.default_rng(np.random.SeedSequence(s)), output_bias=output_bias)
        for s in seeds
    ]
    params = Params(*(np.concatenate(a) for a in zip(*(q.arrays() for q in parts), strict=True)))
    params.W[unitary] = project_orthogonal(params.W[unitary])
    scale = np.sqrt((y[:, :n_train] ** 2).mean(axis=(1, 2)))
    starts, mask = windows(0, n_train, batch, washout)
    idx = starts[None, :] + np.arange(mask.shape[0])[:, None]
    X = x[:, idx]
    Y = (y / scale[:, None, None])[:, idx]
    opt = Adam(params, lr)
    for epoch in range(1, epochs + 1):
        _, grad = loss_and_grad(params, X, Y, mask)
        opt.step(grad)
        if unitary.any():
            params.W[unitary] = project_orthogonal(params.W[unitary])
        if progress is not None and (epoch % 25 == 0 or epoch == epochs):
            progress(epoch)
    params.C *= scale[:, None, None]
    if params.c is not None:
        params.c *= scale[:, None]
    test = windowed_predict(params, x, n_train, T, test_windows, washout)
    train = windowed_predict(params, x, 0, n_train, batch, washout)
    return FitResult(params, unitary, r2_score(y[:, n_train:], test), r2_score(y[:, :n_train], train))
