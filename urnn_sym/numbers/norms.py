"""Certified norm bounds and exact PSD tests (the predicates on them: :mod:`urnn_sym.construct.hypotheses`).

Exact inputs get exact answers (math.md section 6):

* ``A`` is PSD iff exact symmetric elimination ``A = L D L^T`` over Q (or over
  the algebraic numbers) meets no negative pivot, and a zero pivot only with a
  zero column below it.
* A rational upper bound ``r >= ||W||_2`` is certified by ``r^2 I - W^T W`` PSD;
  a failed test certifies the lower bound ``||W||_2 > r``.  Bisection between the
  two, seeded by a float64 SVD estimate, makes the bound as tight as asked.
* Row norms get rational upper bounds from integer square roots.

A float64 matrix is an exact dyadic rational, so ``W.to_exact()``-style
conversion (:func:`urnn_sym.numbers.arith.to_system`) gives exact answers about
float models.

>>> from fractions import Fraction as Q
>>> W = [[Q(3, 5), 0], [0, Q(-4, 5)]]
>>> spectral_norm_upper_bound(W)
Fraction(4, 5)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.errors import InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.numbers.arith import (
    arith,
    as_fraction,
    entries,
    exact_sign,
    fmpq_to_fraction,
    system_of,
    to_matrix,
)

__all__ = [
    "NormBounds",
    "is_psd",
    "ldl_pivots",
    "quick_norm_upper_bound",
    "row_norm_upper_bounds",
    "spectral_norm_bounds",
    "spectral_norm_upper_bound",
    "sqrt_upper",
    "vector_norm_upper_bound",
]


def native_matrix(name: str, W: Any) -> Any:
    if isinstance(W, (np.ndarray, flint.fmpq_mat, sympy.MatrixBase)):
        return W
    return to_matrix(name, W)


def exact_square_matrix(name: str, W: Any) -> Any:
    """``W`` as an exact native matrix (floats converted exactly), square-checked."""
    M = native_matrix(name, W)
    system = system_of(M)
    if system == "symbolic":
        raise UnsupportedError(
            f"{name}: has free symbols {sorted(map(str, M.free_symbols))}; certified norms need numeric entries"
        )
    if system == "float64":
        M = to_matrix(name, M, system="exact")
    return M


def _sym_rows(A: Any) -> list[list[Any]]:
    ar = arith("exact")
    r, c = ar.shape(A)
    vals = entries(A)
    return [vals[i * c : (i + 1) * c] for i in range(r)]


def sign_of(x: Any) -> int:
    if isinstance(x, flint.fmpq):
        return (x > 0) - (x < 0)
    return exact_sign(x)


def _fflu_pivots(M: flint.fmpq_mat) -> list[flint.fmpq] | None:
    """LDL^T pivots of a rational symmetric matrix from flint's fraction-free LU.

    Without row exchanges the diagonal of U holds the leading principal minors
    ``Delta_k`` of the integer-scaled matrix, and the LDL^T pivots are
    ``Delta_k / Delta_(k-1)``.  Returns None when a row exchange was needed (a
    leading principal minor vanished); the caller then eliminates in Python.
    """
    num, _den = M.numer_denom()
    n = M.nrows()
    P, _L, _D, U = num.fflu()
    if not P.is_one() or any(U[k, k] == 0 for k in range(n)):
        return None
    scale = flint.fmpq(1, int(_den))
    minors = [flint.fmpq(1)] + [flint.fmpq(U[k, k]) for k in range(n)]
    return [minors[k + 1] / minors[k] * scale for k in range(n)]


def ldl_pivots(A: Any, *, name: str = "A") -> tuple[str, list[Any]]:
    """Return the class of A (pd / psd / not psd) and the pivots ``D`` of the exact elimination ``A = L D L^T``.

    Parameters
    ----------
    A : matrix-like
        A square symmetric matrix with numeric entries (any form accepted by
        :func:`urnn_sym.numbers.arith.to_matrix`).  float64 entries are converted
        exactly to their dyadic rational values.
    name : str, default "A"
        The argument name used as the prefix of error messages.

    Returns
    -------
    tuple of (str, list)
        ``(kind, pivots)`` with kind ``"pd"`` (all pivots > 0), ``"psd"``
        (pivots >= 0, zero pivots only with zero columns) or ``"not psd"`` (the
        pivots computed up to and including the violation).  Pivots are
        ``flint.fmpq`` for rational A and sympy numbers for algebraic A.

    Raises
    ------
    ShapeError
        If ``A`` is not square.
    InvalidArgumentError
        If ``A`` is not exactly symmetric.
    UnsupportedError
        If ``A`` has free symbols.

    Notes
    -----
    math.md section 6.  Rational matrices use python-flint's fraction-free LU
    (C speed): without row exchanges the pivots are ratios of consecutive
    leading principal minors.  When a leading minor vanishes, and for algebraic
    matrices, the elimination runs in Python with exact signs
    (:func:`urnn_sym.numbers.arith.exact_sign`).

    Examples
    --------
    >>> ldl_pivots([[2, 1], [1, 2]])
    ('pd', [2, 3/2])
    >>> ldl_pivots([[1, 1], [1, 1]])[0], ldl_pivots([[1, 2], [2, 1]])[0]
    ('psd', 'not psd')
    """
    M = exact_square_matrix(name, A)
    r, c = arith("exact").shape(M)
    if r != c:
        raise ShapeError(f"{name}: expected a square matrix but found shape ({r}, {c})")
    if not arith("exact").equal(M, arith("exact").transpose(M)):
        raise InvalidArgumentError(f"{name}: expected a symmetric matrix")
    if isinstance(M, flint.fmpq_mat):
        fast = _fflu_pivots(M)
        if fast is not None:
            for k, p in enumerate(fast):
                if p < 0:
                    return "not psd", fast[: k + 1]
            return "pd", fast
    return _ldl_python(M)


def _ldl_python(M: Any) -> tuple[str, list[Any]]:
    a = _sym_rows(M)
    rational = isinstance(M, flint.fmpq_mat)
    if not rational:
        a = [[sympy.expand(x) for x in row] for row in a]
    n = len(a)
    pivots: list[Any] = []
    kind = "pd"
    for k in range(n):
        p = a[k][k]
        s = sign_of(p)
        pivots.append(p)
        if s < 0:
            return "not psd", pivots
        if s == 0:
            if any(sign_of(a[i][k]) != 0 for i in range(k + 1, n)):
                return "not psd", pivots
            kind = "psd"
            continue
        for i in range(k + 1, n):
            if sign_of(a[i][k]) == 0:
                continue
            f = a[i][k] / p
            row_i, row_k = a[i], a[k]
            for j in range(k + 1, n):
                row_i[j] = row_i[j] - f * row_k[j]
            if not rational:
                a[i] = [sympy.expand(x) for x in row_i]
    return kind, pivots


def _is_pd(A: Any) -> bool:
    return ldl_pivots(A, name="r^2 I - W^T W")[0] == "pd"


def is_psd(A: Any, *, name: str = "A") -> bool:
    """Return whether ``x^T A x >= 0`` for all x, decided exactly for a symmetric matrix.

    Parameters
    ----------
    A : matrix-like
        A square symmetric matrix with numeric entries (float64 entries are
        taken as their exact dyadic values).
    name : str, default "A"
        The argument name used as the prefix of error messages.

    Returns
    -------
    bool
        True when the exact LDL^T elimination of :func:`ldl_pivots` classifies
        A as ``"pd"`` or ``"psd"``.

    Raises
    ------
    ShapeError
        If ``A`` is not square.
    InvalidArgumentError
        If ``A`` is not exactly symmetric.
    UnsupportedError
        If ``A`` has free symbols.

    Notes
    -----
    math.md section 6.

    Examples
    --------
    >>> is_psd([[1, 1], [1, 1]]), is_psd([[1, 2], [2, 1]])
    (True, False)
    """
    return ldl_pivots(A, name=name)[0] != "not psd"


def gram(M: Any) -> Any:
    ar = arith("exact")
    return ar.matmul(ar.transpose(M), M)


def _shifted(G: Any, r2: Fraction) -> Any:
    """``r2 I - G``."""
    ar = arith("exact")
    n = ar.shape(G)[0]
    return ar.sub(ar.scale(r2, ar.eye(n)), G)


@dataclass(frozen=True)
class NormBounds:
    """Certified rational bounds ``lower <= ||W||_2 <= upper``, as returned by :func:`spectral_norm_bounds`.

    Parameters
    ----------
    lower : fractions.Fraction
        A certified lower bound on the spectral norm.
    upper : fractions.Fraction
        A certified upper bound on the spectral norm.
    method : str
        How the bounds were established (e.g. bisection with exact LDL^T PSD
        tests of ``r^2 I - W^T W``).

    Attributes
    ----------
    width : fractions.Fraction
        ``upper - lower``.
    """

    lower: Fraction
    upper: Fraction
    method: str

    @property
    def width(self) -> Fraction:
        """``upper - lower``."""
        return self.upper - self.lower


def _dyadic_up(x: float, bits: int) -> Fraction:
    return Fraction(math.ceil(x * 2**bits), 2**bits)


def _dyadic_down(x: float, bits: int) -> Fraction:
    return Fraction(max(0, math.floor(x * 2**bits)), 2**bits)


def spectral_norm_bounds(W: Any, *, precision: Fraction | float = Fraction(1, 2**30)) -> NormBounds:
    """Return certified rational bounds ``lower <= ||W||_2 <= upper`` with ``upper - lower <= precision``.

    ``upper`` is certified by ``upper^2 I - W^T W`` positive definite (exact
    LDL^T), so ``||W||_2 < upper``; ``lower`` by ``lower^2 I - W^T W`` not positive
    definite, so ``||W||_2 >= lower``.  When the norm is a rational r with
    denominator at most 10^6 near the float64 estimate and ``r^2 I - W^T W`` is
    PSD and singular, both bounds equal r.  float64 matrices are bounded exactly
    as the dyadic rationals they are.

    Parameters
    ----------
    W : matrix-like
        A matrix with numeric (rational or real algebraic) entries; it need
        not be square (the bound uses the Gram matrix ``W^T W``).
    precision : Fraction or float, default 2**-30
        The largest allowed width ``upper - lower``; must be > 0.  Converted
        exactly with :func:`urnn_sym.numbers.arith.as_fraction`.

    Returns
    -------
    NormBounds
        The bounds and the method that certified them.  ``W = 0`` gives
        ``lower = upper = 0``.

    Raises
    ------
    InvalidArgumentError
        If ``precision`` is not positive or not a rational number.
    UnsupportedError
        If ``W`` has free symbols.

    Notes
    -----
    math.md section 6: bisection between the certified bounds, seeded by a
    float64 SVD estimate; each step is one exact PSD test.

    Examples
    --------
    >>> b = spectral_norm_bounds([[1, 1], [0, 1]], precision=Fraction(1, 1000))
    >>> b.lower < Fraction(1618034, 10**6) < b.upper, b.width <= Fraction(1, 1000)
    (True, True)
    """
    prec = as_fraction(precision, name="precision")
    if prec <= 0:
        raise InvalidArgumentError(f"precision: expected a positive number but found {prec}")
    M = exact_square_matrix("W", W)
    G = gram(M)
    method = "bisection with exact LDL^T PSD tests of r^2 I - W^T W"
    if all(sign_of(x) == 0 for x in entries(G)):
        return NormBounds(Fraction(0), Fraction(0), method + " (W = 0)")
    est = float(np.linalg.norm(_to_float(M), 2))
    simple = Fraction(est).limit_denominator(10**6)
    if not _is_pd(_shifted(G, simple * simple)) and ldl_pivots(_shifted(G, simple * simple))[0] == "psd":
        # simple^2 I - W^T W is PSD and singular: simple^2 is the largest eigenvalue of W^T W
        return NormBounds(simple, simple, method + " (exact: r^2 I - W^T W is PSD and singular)")
    bits = max(8, -math.floor(math.log2(float(prec))) + 2)
    lo: Fraction = Fraction(0)
    step = max(est * 1e-12, 2.0**-bits)
    hi = _dyadic_up(est + step, bits)
    while not _is_pd(_shifted(G, hi * hi)):
        lo = hi
        step *= 16
        hi = _dyadic_up(est + step, bits)
    cand = _dyadic_down(est - step, bits)
    if cand > lo:
        if _is_pd(_shifted(G, cand * cand)):
            hi = cand
        else:
            lo = cand
    while hi - lo > prec:
        mid = (lo + hi) / 2
        if _is_pd(_shifted(G, mid * mid)):
            hi = mid
        else:
            lo = mid
    return NormBounds(lo, hi, method)


def quick_norm_upper_bound(W: Any, *, bits: Sequence[int] = (48, 36, 24, 12)) -> Fraction:
    """Return a certified rational ``r >= ||W||_2`` from a float64 estimate and one exact PSD test per try.

    The candidates ``r = est (1 + 2^-k) + 2^-k`` (dyadic, rounded up) for the
    given k are tested in turn by one exact LDL^T of ``r^2 I - W^T W``; the
    first positive definite one is returned.  If none is (an ill-conditioned
    estimate), the bisection of :func:`spectral_norm_bounds` decides.

    Parameters
    ----------
    W : matrix-like
        Numeric (rational or real algebraic) entries.
    bits : sequence of int
        The relative margins ``2^-k`` tried, tightest first.

    Returns
    -------
    fractions.Fraction

    Notes
    -----
    docs/tutorials/theorem1.md, "The LDL^T route": one LDL^T instead of a bisection of
    dozens, so the Theorem 1 state bound costs one factorisation.

    Examples
    --------
    >>> r = quick_norm_upper_bound([["3/5", 0], [0, "1/2"]])
    >>> Fraction(3, 5) <= r < Fraction(3, 5) + Fraction(1, 10**9)
    True
    """
    M = exact_square_matrix("W", W)
    G = gram(M)
    if all(sign_of(x) == 0 for x in entries(G)):
        return Fraction(0)
    est = float(np.linalg.norm(_to_float(M), 2))
    simple = Fraction(est).limit_denominator(10**6)
    if simple > 0 and ldl_pivots(_shifted(G, simple * simple))[0] != "not psd":
        return simple  # simple^2 I - W^T W is PSD: ||W||_2 <= simple (equality for a rational norm)
    for k in bits:
        r = _dyadic_up(est * (1 + 2.0**-k) + 2.0**-k, k + 8)
        if _is_pd(_shifted(G, r * r)):
            return r
    return spectral_norm_bounds(M).upper


def _to_float(M: Any) -> np.ndarray:
    ar = arith("exact")
    r, c = ar.shape(M)
    vals = [float(fmpq_to_fraction(x)) if isinstance(x, flint.fmpq) else float(sympy.N(x, 20)) for x in entries(M)]
    return np.array(vals, dtype=np.float64).reshape(r, c)


def spectral_norm_upper_bound(W: Any, *, precision: Fraction | float = Fraction(1, 2**30)) -> Fraction:
    """Return a certified rational ``r >= ||W||_2`` with ``r - ||W||_2 <= precision``.

    Parameters
    ----------
    W : matrix-like
        A matrix with numeric (rational or real algebraic) entries; float64
        entries are taken as their exact dyadic values.
    precision : Fraction or float, default 2**-30
        The largest allowed gap ``r - ||W||_2``; must be > 0.

    Returns
    -------
    fractions.Fraction
        ``spectral_norm_bounds(W, precision=precision).upper``.

    Raises
    ------
    InvalidArgumentError
        If ``precision`` is not positive or not a rational number.
    UnsupportedError
        If ``W`` has free symbols.

    Notes
    -----
    math.md section 6; used for the state bound H of Theorem 1 (section 2).

    Examples
    --------
    >>> spectral_norm_upper_bound([[0, 2], [0, 0]])
    Fraction(2, 1)
    """
    return spectral_norm_bounds(W, precision=precision).upper


def sqrt_upper(q: Any, *, precision_bits: int = 40) -> Fraction:
    """Return a rational ``r >= sqrt(q)`` with ``r - sqrt(q) < 1 / (den(q) 2^precision_bits)``, from ``math.isqrt``.

    Parameters
    ----------
    q : number
        A rational number ``>= 0`` (anything :func:`urnn_sym.numbers.arith.as_fraction`
        accepts; floats are taken exactly).
    precision_bits : int, default 40
        The bound is ``ceil(sqrt(num den 4^bits)) / (den 2^bits)`` for
        ``q = num / den``; it is exact when ``q`` is the square of a rational.
        Must be a non-negative integer (not validated: a negative value raises
        ``TypeError`` from ``math.isqrt``).

    Returns
    -------
    fractions.Fraction
        The upper bound.

    Raises
    ------
    InvalidArgumentError
        If ``q`` is negative or not rational.

    Notes
    -----
    math.md section 6 (row norms from an integer square root).

    Examples
    --------
    >>> sqrt_upper(Fraction(9, 4)), sqrt_upper(2, precision_bits=4)
    (Fraction(3, 2), Fraction(23, 16))
    """
    fq = as_fraction(q, name="q")
    if fq < 0:
        raise InvalidArgumentError(f"q: expected a non-negative number but found {fq}")
    num, den = fq.numerator, fq.denominator
    scale = 4**precision_bits
    root = math.isqrt(num * den * scale)
    if root * root < num * den * scale:
        root += 1
    return Fraction(root, den * 2**precision_bits)


def row_norm_upper_bounds(M: Any, *, precision_bits: int = 40) -> list[Fraction]:
    """Return a rational upper bound on ``||M[i, :]||_2`` for every row i (exact for rational squares).

    Parameters
    ----------
    M : matrix-like
        A matrix with numeric (rational or real algebraic) entries; float64
        entries are taken as their exact dyadic values.
    precision_bits : int, default 40
        Passed to :func:`sqrt_upper`: for a rational row the bound exceeds the
        row norm by less than ``2**-precision_bits``; algebraic rows get a
        looser (still certified) bound.

    Returns
    -------
    list of fractions.Fraction
        One bound per row, in order.

    Raises
    ------
    UnsupportedError
        If ``M`` has free symbols.

    Notes
    -----
    math.md sections 2 and 6: the bounds ``c_i`` on the rows of ``D_W`` that
    set the bias ``b2_i <= -c_i H`` of the Theorem 1 construction.  For an
    algebraic squared norm a rational upper bound is first certified with
    :func:`urnn_sym.numbers.arith.exact_sign`.

    Examples
    --------
    >>> row_norm_upper_bounds([[3, 4], [0, "1/2"]])
    [Fraction(5, 1), Fraction(1, 2)]
    """
    A = native_matrix("M", M)
    if system_of(A) == "float64":
        A = to_matrix("M", A, system="exact")
    if system_of(A) == "symbolic":
        raise UnsupportedError("M: has free symbols; certified norms need numeric entries")
    rows = _sym_rows(A)
    out = []
    for row in rows:
        sq = sum((x * x for x in row), flint.fmpq(0) if isinstance(A, flint.fmpq_mat) else sympy.Integer(0))
        if isinstance(sq, flint.fmpq):
            out.append(sqrt_upper(fmpq_to_fraction(sq), precision_bits=precision_bits))
        else:
            out.append(_algebraic_upper(sympy.expand(sq), precision_bits))
    return out


def _algebraic_upper(x: sympy.Expr, bits: int) -> Fraction:
    """Certified rational upper bound on sqrt of an algebraic number x >= 0."""
    if x.is_Rational:
        return sqrt_upper(Fraction(int(x.p), int(x.q)), precision_bits=bits)
    cand = Fraction(math.ceil(float(sympy.N(x, 30)) * 2**bits) + 1, 2**bits)
    while exact_sign(sympy.Rational(cand.numerator, cand.denominator) - x) < 0:
        cand += Fraction(1, 2**bits)
    return sqrt_upper(cand, precision_bits=bits)


def vector_norm_upper_bound(v: Any, *, precision_bits: int = 40) -> Fraction:
    """Return a rational upper bound on ``||v||_2``.

    Parameters
    ----------
    v : vector-like
        A list or tuple of numbers, or a native vector / matrix (all of its
        entries are used, row-major); float64 entries are taken as their exact
        dyadic values.
    precision_bits : int, default 40
        Passed to :func:`sqrt_upper` (see :func:`row_norm_upper_bounds`).

    Returns
    -------
    fractions.Fraction
        The upper bound.

    Raises
    ------
    UnsupportedError
        If ``v`` has free symbols (the message names ``M``, not ``v``).
    ShapeError
        If ``v`` is empty.

    Examples
    --------
    >>> vector_norm_upper_bound([3, 4])
    Fraction(5, 1)
    """
    col = to_matrix("v", [[x] for x in (entries(v) if not isinstance(v, (list, tuple)) else v)])
    if system_of(col) == "float64":
        col = to_matrix("v", col, system="exact")
    return row_norm_upper_bounds(arith("exact").transpose(col), precision_bits=precision_bits)[0]
