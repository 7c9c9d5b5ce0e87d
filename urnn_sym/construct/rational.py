"""The rational-defect family and rationalisation of float64 models (math.md section 2, "Exactness").

``W = P S Q^T`` with P, Q rational orthogonal (Cayley transforms
``(I - K)(I + K)^-1`` of rational skew-symmetric K) and
``S = diag(2 t_i / (1 + t_i^2))``, so that ``sqrt(1 - s_i^2) = |1 - t_i^2| / (1 + t_i^2)``
is rational and the unitary completion of W is exactly rational.

Examples
--------
>>> inst = rational_defect_rnn(3, seed=1)
>>> from urnn_sym.construct.completion import unitary_completion
>>> bool(unitary_completion(inst.rnn.W, svd=inst.svd).orthogonal)
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import flint
import numpy as np

from urnn_sym.construct.completion import RationalSVD
from urnn_sym.errors import EntryTypeError, InvalidArgumentError, UnsupportedError
from urnn_sym.model import RNN
from urnn_sym.numbers.arith import arith, is_rational, require_numeric, to_matrix
from urnn_sym.validation import check_int

__all__ = [
    "RationalDefectInstance",
    "Rationalized",
    "cayley",
    "rational_defect_rnn",
    "rational_defect_svd",
    "rationalize",
    "svd_from_t",
]


def cayley(K: Any) -> flint.fmpq_mat:
    """The rational orthogonal matrix ``(I - K)(I + K)^-1`` of a rational skew-symmetric K.

    Parameters
    ----------
    K : matrix-like
        Rational, ``K^T = -K`` (so ``I + K`` is invertible).

    Returns
    -------
    flint.fmpq_mat

    Examples
    --------
    >>> cayley([[0, "1/2"], ["-1/2", 0]]).tolist()
    [[3/5, -4/5], [4/5, 3/5]]
    """
    M = K if is_rational(K) else to_matrix("K", K, system="exact")
    if not is_rational(M):
        raise InvalidArgumentError("K: expected rational entries")
    if M.transpose() != -M:
        raise InvalidArgumentError("K: expected a skew-symmetric matrix (K^T = -K)")
    eye = arith("exact").eye(M.nrows())
    return (eye - M) * (eye + M).inv()


def svd_from_t(P: flint.fmpq_mat, t: list[Fraction], Q: flint.fmpq_mat) -> RationalSVD:
    """Factors with ``s_i = 2 t_i / (1 + t_i^2)`` and ``c_i = |1 - t_i^2| / (1 + t_i^2)``.

    Parameters
    ----------
    P, Q : flint.fmpq_mat
        Rational orthogonal.
    t : list of Fraction
        One rational per singular value; ``|t_i| = 1`` gives ``|s_i| = 1``.

    Returns
    -------
    RationalSVD
    """
    ts = [flint.fmpq(Fraction(v).numerator, Fraction(v).denominator) for v in t]
    s = tuple(2 * v / (1 + v * v) for v in ts)
    c = tuple(abs(1 - v * v) / (1 + v * v) for v in ts)
    return RationalSVD(P, s, Q, c)


def _random_skew(rng: random.Random, n: int) -> flint.fmpq_mat:
    """Entries ``a / b`` with ``|a| <= 2``, ``b in {1, 2}``: small numbers keep P, Q's denominators moderate."""
    K = flint.fmpq_mat(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            q = flint.fmpq(rng.randint(-2, 2), rng.randint(1, 2))
            K[i, j] = q
            K[j, i] = -q
    return K


def rational_defect_svd(
    n: int, *, seed: int | None = None, unit: int = 0, max_t: Fraction = Fraction(9, 10)
) -> RationalSVD:
    """A random member of the rational-defect family, as its exact factors.

    Parameters
    ----------
    n : int
        Size, ``>= 1``.
    seed : int, optional
        Seed of the random choices (reproducible).
    unit : int
        How many singular values equal 1 (``t_i = 1``); ``||W||_2 = 1`` when > 0.
    max_t : Fraction
        The other ``t_i`` are drawn in ``[0, max_t]``, so ``||W||_2 <= 2 max_t / (1 + max_t^2) < 1``.

    Returns
    -------
    RationalSVD
        ``.W`` is the matrix.

    Examples
    --------
    >>> f = rational_defect_svd(2, seed=0, unit=1)
    >>> sorted(str(c) for c in f.c)
    ['0', '2592/6817']
    """
    check_int("n", n, 1)
    if not 0 <= unit <= n:
        raise InvalidArgumentError(f"unit: expected 0 <= unit <= n = {n} but found {unit}")
    mt = Fraction(max_t)
    if not 0 < mt < 1:
        raise InvalidArgumentError(f"max_t: expected 0 < max_t < 1 but found {mt}")
    rng = random.Random(seed)
    P, Q = cayley(_random_skew(rng, n)), cayley(_random_skew(rng, n))
    den = 97
    t = [Fraction(rng.randint(0, int(mt * den)), den) for _ in range(n - unit)] + [Fraction(1)] * unit
    rng.shuffle(t)
    return svd_from_t(P, t, Q)


class RationalDefectInstance(NamedTuple):
    """An RNN of the rational-defect family with the exact factors of its W.

    Attributes
    ----------
    rnn : RNN
        Exact, ReLU.
    svd : RationalSVD
        Factors of ``rnn.W``.
    """

    rnn: RNN
    svd: RationalSVD


def rational_defect_rnn(
    n: int, d: int = 1, p: int = 1, *, seed: int | None = None, unit: int = 0, activation: str = "relu"
) -> RationalDefectInstance:
    """A random exact RNN whose W is in the rational-defect family.

    Parameters
    ----------
    n, d, p : int
        States, inputs, outputs.
    seed : int, optional
        Reproducible random choices.
    unit : int
        Number of singular values of W equal to 1.
    activation : str
        Activation of the RNN.

    Returns
    -------
    RationalDefectInstance

    Examples
    --------
    >>> rational_defect_rnn(2, 1, 1, seed=3).rnn
    RNN(n=2, d=1, p=1, activation='relu', system='exact')
    """
    svd = rational_defect_svd(n, seed=seed, unit=unit)
    rng = random.Random(None if seed is None else seed + 1)

    def q() -> Fraction:
        return Fraction(rng.randint(-9, 9), rng.randint(1, 9))

    rnn = RNN(
        svd.W,
        [[q() for _ in range(d)] for _ in range(n)],
        [q() for _ in range(n)],
        [[q() for _ in range(n)] for _ in range(p)],
        [abs(q()) for _ in range(n)],
        activation,
        system="exact",
    )
    return RationalDefectInstance(rnn, svd)


@dataclass(frozen=True)
class Rationalized:
    """A rational-defect RNN near a given one.

    Attributes
    ----------
    rnn : RNN
        Exact; same F, b, C, h0 (their exact dyadic values), W in the family.
    svd : RationalSVD
        Factors of the new W.
    distance : float
        ``||W_new - W||_2`` (float64 SVD of the difference).
    """

    rnn: RNN
    svd: RationalSVD
    distance: float


def _rational_orthogonal_near(O: np.ndarray, den: int) -> tuple[flint.fmpq_mat, np.ndarray]:
    """A rational orthogonal ``Cayley(K) diag(signs)`` near the orthogonal O (signs make I + O E well conditioned)."""
    n = O.shape[0]
    signs = np.where(np.diag(O) < 0, -1.0, 1.0)
    Os = O * signs[None, :]
    Kf = np.linalg.solve((np.eye(n) + Os).T, (np.eye(n) - Os).T).T  # (I - O)(I + O)^-1
    Kf = (Kf - Kf.T) / 2
    K = flint.fmpq_mat(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            v = Fraction(round(float(Kf[i, j]) * den), den)
            K[i, j] = flint.fmpq(v.numerator, v.denominator)
            K[j, i] = -K[i, j]
    return cayley(K), signs


def rationalize(rnn: RNN, *, tol: float) -> Rationalized:
    """A nearby exact RNN whose W is in the rational-defect family (so Theorem 1 is exactly rational).

    Parameters
    ----------
    rnn : RNN
        float64 or exact (rational), ``||W||_2 < 1``.
    tol : float
        Wanted bound on ``||W_new - W||_2``; denominators grow until it is met.

    Returns
    -------
    Rationalized

    Raises
    ------
    UnsupportedError
        If ``tol`` is not met with denominators up to ``2^40``.

    Notes
    -----
    From a float64 SVD ``W = P S Q^T``: P and Q are replaced by Cayley
    transforms of rounded skew-symmetric matrices (times diagonal signs), and
    each ``s_i`` by ``2 t / (1 + t^2)`` with ``t`` a rounded
    ``s_i / (1 + sqrt(1 - s_i^2))``, ``|t| < 1``.

    Examples
    --------
    >>> r = rationalize(RNN([[0.5, 0.1], [0.0, 0.3]], [[1.0], [0.0]], [0.0, 0.0], [[1.0, 1.0]]), tol=1e-6)
    >>> r.distance <= 1e-6, r.rnn.system
    (True, 'exact')
    """
    if not isinstance(rnn, RNN):
        raise EntryTypeError(f"rnn: expected an RNN but found {type(rnn).__name__}")
    t_ = float(tol)
    if not t_ > 0:
        raise InvalidArgumentError(f"tol: expected a positive number but found {tol!r}")
    require_numeric("rnn", rnn.system, "rationalize")
    Wf = rnn.to_float().native("W")
    P, s, Qt = np.linalg.svd(Wf)
    if s[0] >= 1:
        raise InvalidArgumentError(f"rnn: rationalize needs ||W||_2 < 1 but sigma_max(W) = {s[0]!r}")
    exact = rnn.to_exact()
    den = 2**8
    while den <= 2**40:
        Pr, sp = _rational_orthogonal_near(P, den)
        Qr, sq = _rational_orthogonal_near(Qt.T, den)
        ts = []
        for i, si in enumerate(s):
            sgn = sp[i] * sq[i]
            tv = Fraction(round(sgn * si / (1 + np.sqrt(1 - si * si)) * den), den)
            ts.append(min(max(tv, Fraction(1 - den, den)), Fraction(den - 1, den)))
        svd = svd_from_t(Pr, ts, Qr)
        Wn = svd.W
        dist = float(np.linalg.norm(np.array([float(x) for x in Wn.entries()]).reshape(Wf.shape) - Wf, 2))
        if dist <= t_:
            return Rationalized(exact.replace(W=Wn), svd, dist)
        den *= 2**4
    raise UnsupportedError(f"tol: could not reach ||W_new - W||_2 <= {t_} with denominators up to 2^40")
