"""The true systems of the paper's synthetic experiment (poster Figures 2 and 3).

A realisation is a random contractive ReLU RNN with 4 states, driven by Gaussian
i.i.d. input, observed through additive Gaussian output noise (math.md section 5)::

    h(k) = relu(W h(k-1) + F x(k) + b),   y(k) = C h(k) + e(k),   h(-1) = 0
    W = I - eps A^T A / ||A||_2^2,        eps = 0.01

``A``, ``F``, ``C`` and the initial ``b`` are i.i.d. standard Gaussian; ``b`` is then
shifted unit by unit until every hidden unit is active (``h_i(k) > 0``) in 60% of
the ``T = 1000`` steps of *this* realisation's input; the noise is scaled so that
the SNR realised over the whole sequence is exactly the requested one.  The first
70% of the steps are for training, the last 30% for testing.

Examples
--------
>>> trial = make_trial(20.0, seed=0, realization=0)
>>> trial.x.shape, trial.y.shape, trial.n_train
((1000, 2), (1000, 2), 700)
>>> round(realised_snr_db(trial), 6)
20.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from urnn_sym.errors import InvalidArgumentError

__all__ = ["Trial", "activity", "adjust_biases", "make_trial", "make_trials", "realised_snr_db", "true_recurrence"]


@dataclass(frozen=True)
class Trial:
    """One realisation: a true system ``(W, F, b, C)``, its input and its noisy output.

    Parameters
    ----------
    W, F, b, C : numpy.ndarray
        The true ReLU RNN (column-vector convention, ``h(-1) = 0``).
    x : numpy.ndarray
        Input, shape (T, d).
    y_clean : numpy.ndarray
        Noiseless output ``C h(k)``, shape (T, p).
    y : numpy.ndarray
        Observed output ``y_clean + noise``, shape (T, p).
    n_train : int
        Steps ``0 .. n_train-1`` are for training, the rest for testing.
    snr_db : float
        The requested (and realised) signal-to-noise ratio in dB.
    """

    W: np.ndarray
    F: np.ndarray
    b: np.ndarray
    C: np.ndarray
    x: np.ndarray
    y_clean: np.ndarray
    y: np.ndarray
    n_train: int
    snr_db: float


def true_recurrence(A: np.ndarray, eps: float = 0.01) -> np.ndarray:
    """``W = I - eps A^T A / ||A||_2^2``: symmetric, eigenvalues in ``[1 - eps, 1)``.

    Parameters
    ----------
    A : numpy.ndarray
        Square matrix; ``W`` is contractive exactly when ``A`` is invertible.
    eps : float
        Smallest decay rate (time constant about ``1/eps`` steps).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> true_recurrence(np.array([[2.0, 0.0], [0.0, 1.0]]), eps=0.5)
    array([[0.5  , 0.   ],
           [0.   , 0.875]])
    """
    A = np.asarray(A, dtype=float)
    return np.eye(A.shape[0]) - eps * (A.T @ A) / np.linalg.norm(A, 2) ** 2


def _states(W: np.ndarray, drive: np.ndarray) -> np.ndarray:
    """States of a batch of ReLU RNNs: ``W`` (R, n, n), ``drive`` (T, R, n) -> (T, R, n)."""
    T, R, n = drive.shape
    hs = np.empty((T, R, n))
    h = np.zeros((R, n, 1))
    for k in range(T):
        h = np.maximum(W @ h + drive[k, :, :, None], 0.0)
        hs[k] = h[:, :, 0]
    return hs


def activity(W: np.ndarray, F: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Fraction of the steps at which each hidden unit is active, ``mean_k [h_i(k) > 0]``.

    Parameters
    ----------
    W, F, b : numpy.ndarray
        A ReLU RNN (shapes (n, n), (n, d), (n,)), or a batch of R of them
        (shapes (R, n, n), (R, n, d), (R, n)).
    x : numpy.ndarray
        Input, shape (T, d), or (T, R, d) for a batch.

    Returns
    -------
    numpy.ndarray
        Shape (n,), or (R, n) for a batch.

    Examples
    --------
    >>> activity(np.zeros((1, 1)), np.ones((1, 1)), np.zeros(1), np.array([[1.0], [-1.0]]))
    array([0.5])
    """
    single = np.ndim(W) == 2
    W, F, b, x = (np.asarray(a, dtype=float) for a in (W, F, b, x))
    if single:
        W, F, b, x = W[None], F[None], b[None], x[:, None, :]
    drive = np.einsum("rnd,trd->trn", F, x) + b
    act = (_states(W, drive) > 0).mean(axis=0)
    return act[0] if single else act


def _bisect(
    W: np.ndarray, drive0: np.ndarray, b: np.ndarray, unit: int | None, target: float, half_width: np.ndarray
) -> np.ndarray:
    """Bisection of the activity of unit ``unit`` (all units at once if None) in ``b +- half_width``."""
    lo, hi = b - half_width, b + half_width
    cols = slice(None) if unit is None else slice(unit, unit + 1)
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        trial = b.copy()
        trial[:, cols] = mid[:, cols]
        up = (_states(W, drive0 + trial) > 0).mean(axis=0) < target
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    out = b.copy()
    out[:, cols] = 0.5 * (lo + hi)[:, cols]
    return out


def adjust_biases(
    W: np.ndarray, F: np.ndarray, b: np.ndarray, x: np.ndarray, target: float = 0.6, *, tol: float = 0.004
) -> np.ndarray:
    """Shift each bias so that its unit is active in a fraction ``target`` of the steps.

    First a bisection on every unit at once (Jacobi), then, for the systems where
    the coupling through ``W`` spoiled it, sweeps of one-unit bisections
    (Gauss-Seidel) until every unit's activity on the input ``x`` is within ``tol``
    of ``target``.  Each system's result does not depend on the others in the batch.

    Parameters
    ----------
    W, F, b : numpy.ndarray
        A batch of R ReLU RNNs, shapes (R, n, n), (R, n, d), (R, n); ``b`` is the start.
    x : numpy.ndarray
        Input, shape (T, R, d).
    target : float
        Wanted activity, strictly between 0 and 1.
    tol : float
        Accepted deviation.

    Returns
    -------
    numpy.ndarray
        The adjusted biases, shape (R, n).
    """
    drive0 = np.einsum("rnd,trd->trn", F, x)
    half_width = 4.0 * np.linalg.norm(F, axis=2) + 1e-12
    b = _bisect(W, drive0, np.array(b, dtype=float), None, target, half_width)

    def missed(rows: np.ndarray) -> np.ndarray:
        act = (_states(W[rows], drive0[:, rows] + b[rows]) > 0).mean(axis=0)
        return rows[np.any(np.abs(act - target) > tol, axis=1)]

    rows = missed(np.arange(b.shape[0]))
    for _ in range(20):
        if rows.size == 0:
            return b
        for i in range(b.shape[1]):
            b[rows] = _bisect(W[rows], drive0[:, rows], b[rows], i, target, half_width[rows])
        rows = missed(rows)
    if rows.size == 0:
        return b
    raise InvalidArgumentError(
        f"target: bias adjustment did not reach activity {target} +- {tol} for systems {rows.tolist()}"
    )


def make_trials(
    snr_db: float,
    realizations: int,
    seed: int = 0,
    *,
    n: int = 4,
    d: int = 2,
    p: int = 2,
    T: int = 1000,
    eps: float = 0.01,
    target_activity: float = 0.6,
    test_fraction: float = 0.3,
) -> list[Trial]:
    """Realisations ``0 .. realizations-1`` of the true system (vectorised).

    Realisation ``r`` depends only on ``(seed, r)`` (``numpy.random.SeedSequence([seed, r])``),
    not on how many are made, and not on ``snr_db`` except through the noise scale.

    Parameters
    ----------
    snr_db : float
        Output signal-to-noise ratio in dB: ``mean_j var(y_clean_j) / mean_j var(e_j)``
        over the whole sequence.
    realizations : int
        How many true systems.
    seed : int
        Base seed.
    n, d, p : int
        States, inputs and outputs of the true system (4, 2, 2).
    T : int
        Sequence length.
    eps : float
        See :func:`true_recurrence`.
    target_activity : float
        Activity of every hidden unit after bias adjustment.
    test_fraction : float
        Fraction of the steps, at the end, kept for testing.

    Returns
    -------
    list of Trial
    """
    if realizations < 1:
        raise InvalidArgumentError(f"realizations: expected at least 1 but found {realizations}")
    if not 0.0 < test_fraction < 1.0:
        raise InvalidArgumentError(f"test_fraction: expected a number in (0, 1) but found {test_fraction}")
    if not np.isfinite(snr_db):
        raise InvalidArgumentError(f"snr_db: expected a finite number but found {snr_db}")
    rngs = [np.random.default_rng(np.random.SeedSequence([seed, r])) for r in range(realizations)]
    draws = []
    for rng in rngs:
        A = rng.standard_normal((n, n))
        draws.append(
            (true_recurrence(A, eps), rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal((p, n)))
        )
    W, F, b0, C = (np.stack(a) for a in zip(*draws, strict=True))
    x = np.stack([rng.standard_normal((T, d)) for rng in rngs], axis=1)
    noise = np.stack([rng.standard_normal((T, p)) for rng in rngs])
    b = adjust_biases(W, F, b0, x, target_activity)
    y_clean = np.einsum("rpn,trn->rtp", C, _states(W, np.einsum("rnd,trd->trn", F, x) + b))
    signal = y_clean.var(axis=1).mean(axis=1)
    noise *= np.sqrt(signal / (10.0 ** (snr_db / 10.0)) / noise.var(axis=1).mean(axis=1))[:, None, None]
    n_train = round(T * (1.0 - test_fraction))
    return [
        Trial(W[r], F[r], b[r], C[r], x[:, r].copy(), y_clean[r], y_clean[r] + noise[r], n_train, float(snr_db))
        for r in range(realizations)
    ]


def make_trial(snr_db: float, seed: int = 0, realization: int = 0) -> Trial:
    """Realisation ``realization`` of :func:`make_trials` (same data, made alone).

    Parameters
    ----------
    snr_db : float
        Output SNR in dB.
    seed : int
        Base seed.
    realization : int
        Index of the realisation.

    Returns
    -------
    Trial
    """
    return make_trials(snr_db, realization + 1, seed)[realization]


def realised_snr_db(trial: Trial) -> float:
    """``10 log10(mean_j var(y_clean_j) / mean_j var(y_j - y_clean_j))`` over the whole sequence.

    Parameters
    ----------
    trial : Trial

    Returns
    -------
    float
    """
    noise = trial.y - trial.y_clean
    return float(10.0 * np.log10(trial.y_clean.var(axis=0).mean() / noise.var(axis=0).mean()))
