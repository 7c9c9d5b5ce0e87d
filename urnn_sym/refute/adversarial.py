"""Near misses: undersized URNNs built or trained to agree with the Theorem 2 witness as much as possible.

Every generator returns an orthogonal-recurrence ReLU RNN with ``2n - 1`` states
(one fewer than Theorem 1 needs) for :func:`urnn_sym.witnesses.lower_bound_witness`:

* :func:`shared_state_candidate` -- exact rational: Theorem 1's construction for
  the first ``n - 1`` coordinates (a state and its gate per coordinate) and one
  state with a self-loop ``U = +-1`` for the last.  It agrees with the witness on
  every input of length 1 and whenever the last coordinate of ``x(k-1)`` is
  ``<= 0``; with ``-1`` it agrees on 3/4 of the box for length 2.
* :func:`truncated_construction` -- Theorem 1's ``2n``-state URNN with one state
  removed and ``U`` projected back to the nearest orthogonal matrix (polar factor).
* :func:`trained_candidate` -- least squares on random inputs by projected
  gradient descent (Adam), ``U`` re-orthogonalised by the SVD after every step, as
  in the paper's experiment (math.md section 5).

:func:`agreement` measures how close a candidate gets: the fraction of random
inputs on which the outputs agree, and the error.

>>> c = shared_state_candidate(2)
>>> c.n, c.d, c.p
(3, 2, 2)
>>> round(agreement(c, length=2, samples=4000)["fraction"], 2)
0.75
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import scipy.linalg

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.model import RNN, simulate
from urnn_sym.numbers.arith import arith, as_fraction
from urnn_sym.validation import check_int, check_norm
from urnn_sym.witnesses import lower_bound_witness

__all__ = ["agreement", "shared_state_candidate", "trained_candidate", "truncated_construction", "witness_construction"]


def _check_n(n: int) -> int:
    return check_int("n", n, low=1)


def witness_construction(n: int, *, input_bound: Any = 1) -> RNN:
    """Theorem 1's ``2n``-state URNN for the witness, written out: ``U = [[0, I], [I, 0]]``.

    Parameters
    ----------
    n : int
        Witness size; the URNN has 2n states.
    input_bound : number
        M; inputs must satisfy ``|x_i(k)| <= M``.

    Notes
    -----
    The bottom (gate) states get bias ``-M``: their pre-activation ``h_i(k-1) - M <= 0``
    since ``0 <= h_i = relu(x_i) <= M``, so they stay 0 and the top block outputs ``relu(x)``.

    >>> witness_construction(1).matrices()["W"]
    Matrix([
    [0, 1],
    [1, 0]])
    """
    n = _check_n(n)
    M = as_fraction(input_bound, name="input_bound")
    ar = arith("exact")
    Z, eye = ar.zeros(n, n), ar.eye(n)
    U = ar.block([[Z, eye], [eye, Z]])
    G = ar.block([[eye], [Z]])
    c = [0] * n + [-M] * n
    D = ar.block([[eye, Z]])
    return RNN(U, G, c, D, system="exact")


def shared_state_candidate(n: int, *, sign: int = -1, input_bound: Any = 1) -> RNN:
    """Exact ``2n - 1``-state URNN: the construction for ``n - 1`` coordinates plus one self-loop ``sign``.

    Parameters
    ----------
    n : int
        Witness size; the candidate has ``2n - 1`` states.
    sign : {-1, 1}
        The self-loop of the shared state.
    input_bound : number
        M; the gate states get bias ``-M``.

    Notes
    -----
    The last coordinate's state computes ``h(k) = relu(sign h(k-1) + x(k))``; it
    differs from ``relu(x(k))`` only when ``h(k-1) > 0`` and the result changes.
    """
    n = _check_n(n)
    if sign not in (1, -1):
        raise InvalidArgumentError(f"sign: expected +1 or -1 but found {sign!r}")
    M = as_fraction(input_bound, name="input_bound")
    m = 2 * n - 1
    U = [[Fraction(0)] * m for _ in range(m)]
    for i in range(n - 1):
        U[i][n + i] = U[n + i][i] = Fraction(1)
    U[n - 1][n - 1] = Fraction(sign)
    G = [[Fraction(int(i == j)) for j in range(n)] for i in range(m)]
    c = [Fraction(0)] * n + [-M] * (n - 1)
    D = [[Fraction(int(i == j)) for j in range(m)] for i in range(n)]
    return RNN(U, G, c, D, system="exact")


def _polar(A: np.ndarray) -> np.ndarray:
    Q, _ = scipy.linalg.polar(A)
    return Q


def truncated_construction(n: int, *, drop: int | None = None, input_bound: Any = 1) -> RNN:
    """Theorem 1's URNN for the witness with state ``drop`` removed (default: the last gate), re-orthogonalised.

    Parameters
    ----------
    n : int
        Witness size.
    drop : int, optional
        Index of the removed state (0..2n-1).
    input_bound : number
        M of the construction.

    Notes
    -----
    float64: ``U`` is the polar factor (nearest orthogonal matrix) of the
    remaining ``(2n-1) x (2n-1)`` block.
    """
    full = witness_construction(n, input_bound=input_bound).to_float()
    m = 2 * n
    drop = m - 1 if drop is None else drop
    if not 0 <= drop < m:
        raise InvalidArgumentError(f"drop: expected a state index in 0..{m - 1} but found {drop}")
    keep = [i for i in range(m) if i != drop]
    U = _polar(np.asarray(full.W)[np.ix_(keep, keep)])
    return RNN(U, np.asarray(full.F)[keep], np.asarray(full.b)[keep], np.asarray(full.C)[:, keep])


def _inputs(rng: np.random.Generator, shape: tuple[int, ...], M: float, norm: str) -> np.ndarray:
    X = rng.uniform(-M, M, size=shape)
    if norm == "2":
        lengths = np.linalg.norm(X, axis=-1, keepdims=True)
        X = X * np.minimum(1.0, M / np.maximum(lengths, 1e-300))
    return X


def trained_candidate(
    n: int,
    *,
    m: int | None = None,
    input_bound: Any = 1,
    norm: str = "inf",
    length: int = 3,
    batch: int = 256,
    steps: int = 400,
    lr: float = 0.01,
    seed: int = 0,
) -> RNN:
    """A URNN with ``m = 2n - 1`` states fitted by least squares to the witness on random inputs.

    Parameters
    ----------
    n : int
        Witness size.
    m : int, optional
        Candidate states (default ``2n - 1``).
    input_bound, norm
        Training inputs satisfy ``||x(k)||_norm <= input_bound``.
    length, batch, steps : int
        Sequence length, sequences per step, optimisation steps.
    lr : float
        Adam learning rate.
    seed : int
        Seed of initialisation and inputs.

    Notes
    -----
    Projected Adam on the mean squared output error over fresh random input
    sequences of ``length`` steps each iteration; after each step ``U`` is
    replaced by its polar factor (``U -> P Q^T`` from the SVD), so the result is
    orthogonal to float64 accuracy.  Initialised at :func:`shared_state_candidate`
    plus noise.  Deterministic for a given seed.
    """
    n = _check_n(n)
    norm = check_norm(norm)
    m = 2 * n - 1 if m is None else m
    M = float(as_fraction(input_bound, name="input_bound"))
    rng = np.random.default_rng(seed)
    if m == 2 * n - 1:
        start = shared_state_candidate(n, input_bound=input_bound).to_float()
        params = [np.array(start.W), np.array(start.F), np.array(start.b), np.array(start.C)]
    else:
        params = [
            _polar(rng.standard_normal((m, m))),
            rng.standard_normal((m, n)),
            np.zeros(m),
            rng.standard_normal((n, m)),
        ]
    params = [p + 0.05 * rng.standard_normal(p.shape) for p in params]
    params[0] = _polar(params[0])
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    for step in range(1, steps + 1):
        X = _inputs(rng, (length, batch, n), M, norm)
        grads = _gradients(params, X)
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            m1, m2 = moments[i]
            m1 = 0.9 * m1 + 0.1 * g
            m2 = 0.999 * m2 + 0.001 * g * g
            moments[i] = (m1, m2)
            p -= lr * (m1 / (1 - 0.9**step)) / (np.sqrt(m2 / (1 - 0.999**step)) + 1e-12)
        params[0] = _polar(params[0])
    U, G, c, D = params
    return RNN(U, G, c, D)


def _gradients(params: list[np.ndarray], X: np.ndarray) -> list[np.ndarray]:
    """Gradients of ``mean ||y(k) - relu(x(k))||^2`` by backpropagation through time."""
    U, G, c, D = params
    T, B, n = X.shape
    hs, zs = [np.zeros((B, U.shape[0]))], []
    for k in range(T):
        z = hs[-1] @ U.T + X[k] @ G.T + c
        zs.append(z)
        hs.append(np.maximum(z, 0))
    gU, gG, gc, gD = (np.zeros_like(p) for p in params)
    dz_next = np.zeros((B, U.shape[0]))
    scale = 2.0 / (T * B * n)
    for k in reversed(range(T)):
        h = hs[k + 1]
        dy = scale * (h @ D.T - np.maximum(X[k], 0))
        gD += dy.T @ h
        dh = dy @ D + dz_next @ U
        dz = dh * (zs[k] > 0)
        gU += dz.T @ hs[k]
        gG += dz.T @ X[k]
        gc += dz.sum(axis=0)
        dz_next = dz
    return [gU, gG, gc, gD]


def agreement(
    candidate: RNN,
    rnn: RNN | None = None,
    *,
    input_bound: Any = 1,
    norm: str = "inf",
    length: int = 2,
    samples: int = 10000,
    tol: float = 1e-9,
    seed: int = 0,
) -> dict[str, float]:
    """How often a candidate agrees with an RNN (default: the witness) on random inputs.

    Parameters
    ----------
    candidate : RNN
        The network to measure (d = p = n for the default witness).
    rnn : RNN, optional
        The reference network; default ``lower_bound_witness(candidate.d)``.
    input_bound, norm
        Inputs satisfy ``||x(k)||_norm <= input_bound``.
    length, samples : int
        Steps per sequence and number of sequences.
    tol : float
        Largest absolute output difference counted as agreement.
    seed : int
        Seed of the input generator.

    Notes
    -----
    Draws ``samples`` input sequences of ``length`` steps uniformly from the box
    (scaled into the ball for ``norm="2"``), simulates both networks in float64
    and counts the sequences whose outputs agree within ``tol`` at every step.

    Returns
    -------
    dict
        ``fraction`` (agreeing sequences), ``max_error`` and ``rms_error``
        (over all outputs), ``samples``, ``length``.
    """
    norm = check_norm(norm)
    rnn = lower_bound_witness(candidate.d) if rnn is None else rnn
    M = float(as_fraction(input_bound, name="input_bound"))
    X = _inputs(np.random.default_rng(seed), (length, samples, candidate.d), M, norm)
    ya = simulate(rnn.to_float(), X)
    yb = simulate(candidate.to_float(), X)
    err = np.abs(ya - yb)
    per_sequence = err.max(axis=(0, 2))
    return {
        "fraction": float(np.mean(per_sequence <= tol)),
        "max_error": float(err.max()),
        "rms_error": float(np.sqrt(np.mean(err**2))),
        "samples": samples,
        "length": length,
    }
