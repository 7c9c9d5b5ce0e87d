"""Defect operators of a contraction and exact spectra (math.md section 2).

For a non-expansive ``W`` the defect operators ``D_W = (I - W^T W)^(1/2)`` and
``D_W* = (I - W W^T)^(1/2)`` are found per number system (see
:mod:`urnn_sym.construct.completion`): one SVD in float64; known rational factors
(:class:`RationalSVD`) or the exact rational spectrum of ``I - W^T W`` for
exact W, else closed-form algebraic square roots for ``n <= 2``; the same closed
forms for symbolic W.

Examples
--------
>>> defect_operators([["3/5"]]).D.tolist()
[[4/5]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.errors import HypothesisNotMetError, NotContractiveError, UnsupportedError
from urnn_sym.numbers.arith import arith, as_sympy, exact_sign, is_rational
from urnn_sym.numbers.native import check_nonexpansive_exact, diag_scale_cols, fmpq_of, rational_sqrt, square_of

__all__ = ["FLOAT_NORM_SLACK", "Defects", "RationalSVD", "defect_operators"]

FLOAT_NORM_SLACK = 1e-12
"""float64: ``sigma_max(W) <= 1 + FLOAT_NORM_SLACK`` counts as non-expansive (singular values are clipped to 1)."""

# --------------------------------------------------------------------------
# known factors
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RationalSVD:
    """``W = P diag(s) Q^T`` with P, Q rational orthogonal and ``c_i = sqrt(1 - s_i^2)`` rational.

    Attributes
    ----------
    P, Q : flint.fmpq_mat
        Rational orthogonal ``n x n`` factors.
    s : tuple of flint.fmpq
        The diagonal of S, ``|s_i| <= 1`` (signs allowed).
    c : tuple of flint.fmpq
        ``c_i >= 0`` with ``c_i^2 + s_i^2 = 1``: the singular values of ``D_W``.

    Examples
    --------
    >>> from urnn_sym.numbers.arith import arith
    >>> I = arith("exact").eye(1)
    >>> f = RationalSVD(I, (flint.fmpq(3, 5),), I, (flint.fmpq(4, 5),))
    >>> f.W, f.verify(f.W)
    ([3/5], None)
    """

    P: flint.fmpq_mat
    s: tuple[flint.fmpq, ...]
    Q: flint.fmpq_mat
    c: tuple[flint.fmpq, ...]

    @property
    def W(self) -> flint.fmpq_mat:
        """``P diag(s) Q^T``."""
        return diag_scale_cols(self.P, self.s) * self.Q.transpose()

    def verify(self, W: Any) -> None:
        """Raise :class:`HypothesisNotMetError` unless these factors are exact for ``W``.

        Parameters
        ----------
        W : flint.fmpq_mat
            The matrix the factors claim to decompose.
        """
        n = self.P.nrows()
        eye = arith("exact").eye(n)
        problems = []
        if not (is_rational(W) and W.nrows() == n and W.ncols() == n):
            problems.append(f"W is not a rational {n} x {n} matrix")
        elif len(self.s) != n or len(self.c) != n:
            problems.append(f"expected {n} values in s and c but found {len(self.s)} and {len(self.c)}")
        elif self.P.transpose() * self.P != eye or self.Q.transpose() * self.Q != eye:
            problems.append("P or Q is not orthogonal (P^T P != I or Q^T Q != I)")
        elif any(c < 0 or c * c + s * s != 1 for s, c in zip(self.s, self.c, strict=True)):
            problems.append("some c_i < 0 or c_i^2 + s_i^2 != 1")
        elif self.W != W:
            problems.append("P diag(s) Q^T != W")
        if problems:
            raise HypothesisNotMetError(f"svd: the factors do not decompose W exactly: {problems[0]}")


# --------------------------------------------------------------------------
# defect operators
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Defects:
    """The defect operators ``D_W = (I - W^T W)^(1/2)`` and ``D_W* = (I - W W^T)^(1/2)``.

    Attributes
    ----------
    D, D_star : native matrix
        Symmetric PSD square roots, in the number system of W (sympy matrices
        when they are algebraic irrationals).
    method : str
        How they were found.
    """

    D: Any
    D_star: Any
    method: str


def _float_defects(W: np.ndarray) -> Defects:
    P, s, Qt = np.linalg.svd(W)
    if s[0] > 1 + FLOAT_NORM_SLACK:
        raise NotContractiveError(
            f"W: the unitary completion needs ||W||_2 <= 1 but the float64 SVD gives sigma_max = {float(s[0])!r}"
        )
    c = np.sqrt(1.0 - np.minimum(s, 1.0) ** 2)
    # D = (Q c^(1/2)) (Q c^(1/2))^T: numpy computes R @ R.T as a symmetric rank-k update (half a product),
    # and the result is exactly symmetric
    r = np.sqrt(c)
    R = Qt.T * r
    R_star = P * r
    return Defects(R @ R.T, R_star @ R_star.T, "float64: one SVD W = P S Q^T, D_W = Q sqrt(I - S^2) Q^T")


_MINPOLY_MAX_N = 24
_SPECTRAL_MAX_N = 24  # beyond this the exact interpolation p(A) costs seconds; pass svd= factors instead


def _guess_spectrum(A: flint.fmpq_mat) -> list[flint.fmpq]:
    """Distinct eigenvalues of the symmetric PSD A guessed in float64 as squares ``c^2`` of small-denominator c."""
    n = A.nrows()
    Af = np.array([float(x) for x in A.entries()]).reshape(n, n)
    out: list[Fraction] = []
    for lam in np.linalg.eigvalsh(Af):
        c = Fraction(math.sqrt(max(float(lam), 0.0))).limit_denominator(10**6)
        if not any(abs(c - g) < Fraction(1, 10**7) for g in out):
            out.append(c)
    return [fmpq_of(c * c) for c in out]


def _interpolate(points: list[tuple[flint.fmpq, flint.fmpq]]) -> flint.fmpq_poly:
    """The polynomial of degree < k through the k points (Lagrange)."""
    x = flint.fmpq_poly([0, 1])
    total = flint.fmpq_poly([0])
    for i, (xi, yi) in enumerate(points):
        term = flint.fmpq_poly([yi])
        for j, (xj, _) in enumerate(points):
            if j != i:
                term = term * (x - xj) / (xi - xj)
        total = total + term
    return total


def _poly_of(p: flint.fmpq_poly, A: flint.fmpq_mat) -> flint.fmpq_mat:
    """``p(A)`` by Horner's rule."""
    n = A.nrows()
    eye = arith("exact").eye(n)
    coeffs = p.coeffs() or [flint.fmpq(0)]
    out = eye * coeffs[-1]
    for a in reversed(coeffs[:-1]):
        out = out * A + eye * a
    return out


def _exact_spectrum(A: flint.fmpq_mat) -> list[flint.fmpq] | None:
    """The distinct eigenvalues of the symmetric rational A if all are rational, else None (proved exactly).

    Small n: the roots of the exact minimal polynomial (it splits over Q iff the
    spectrum is rational).  Large n: float64 guesses with small denominators,
    accepted only if ``prod (A - lambda_i I) = 0`` exactly (then the spectrum
    lies in the guessed set, A being diagonalisable).
    """
    n = A.nrows()
    if n <= _MINPOLY_MAX_N:
        m = A.minpoly()
        roots = m.roots()
        return [r for r, _ in roots] if len(roots) == m.degree() else None
    if n > _SPECTRAL_MAX_N:
        return None
    lams = _guess_spectrum(A)
    probe = flint.fmpq_mat(n, 1, [flint.fmpq(k % 7 + 1, k % 5 + 1) for k in range(n)])
    v = probe
    for lam in lams:
        v = A * v - v * lam
    if v != flint.fmpq_mat(n, 1):
        return None
    prod = arith("exact").eye(n)
    for lam in lams:
        prod = prod * A - prod * lam
    return lams if prod == flint.fmpq_mat(n, n) else None


def _spectral_defects(W: flint.fmpq_mat) -> Defects | None:
    """Rational D_W, D_W* from the exact spectrum of ``I - W^T W``, or None."""
    n = W.nrows()
    ar = arith("exact")
    Wt = W.transpose()
    A = ar.eye(n) - Wt * W
    lams = _exact_spectrum(A)
    if lams is None:
        return None
    roots = [rational_sqrt(lam) for lam in lams]
    if any(r is None for r in roots):
        return None
    p = _interpolate(list(zip(lams, roots, strict=True)))  # type: ignore[arg-type]
    D = _poly_of(p, A)
    D_star = _poly_of(p, ar.eye(n) - W * Wt)
    if D * D != A or D_star * D_star != ar.eye(n) - W * Wt:
        return None
    return Defects(D, D_star, f"exact rational: spectrum of I - W^T W ({len(lams)} eigenvalues, rational squares)")


def _psd_sqrt_small(A: sympy.Matrix, symbolic: bool) -> sympy.ImmutableMatrix:
    """PSD square root of a PSD 1 x 1 or 2 x 2 matrix in closed form."""
    if A.shape == (1, 1):
        return sympy.ImmutableMatrix([[sympy.sqrt(A[0, 0])]])
    s = sympy.sqrt(A.det())
    t2 = A.trace() + 2 * s
    zero = (sympy.simplify(t2) == 0) if symbolic else exact_sign(t2) == 0
    if zero:
        return sympy.ImmutableMatrix(sympy.zeros(2, 2))
    R = (A + s * sympy.eye(2)) / sympy.sqrt(t2)
    # symbolic: keep the closed form as is, so the identities hold for every branch of the roots
    return sympy.ImmutableMatrix(R if symbolic else R.applyfunc(sympy.radsimp))


def _psd_conditions(A: sympy.Matrix) -> list[sympy.Expr]:
    """Expressions whose non-negativity is equivalent to ``A`` PSD (n <= 2)."""
    if A.shape == (1, 1):
        return [A[0, 0]]
    return [A.trace(), A.det()]


def _small_defects(W: Any, n: int, symbolic: bool, assume_contractive: bool) -> Defects:
    S = as_sympy(W)
    A = sympy.eye(n) - S.T * S
    A_star = sympy.eye(n) - S * S.T
    if symbolic:
        if not assume_contractive:
            for cond in _psd_conditions(A):
                ok = sympy.factor(sympy.expand(cond)).is_nonnegative
                if not ok:
                    raise HypothesisNotMetError(
                        f"W: the symbolic completion needs I - W^T W PSD, but sympy cannot show "
                        f"{sympy.factor(sympy.expand(cond))} >= 0 from the symbols' assumptions; "
                        "parametrise W (e.g. w = 2*t/(1 + t**2)) or pass assume_contractive=True"
                    )
        A, A_star = A.applyfunc(sympy.expand), A_star.applyfunc(sympy.expand)
    method = "closed form sqrt(A) = (A + sqrt(det A) I) / sqrt(tr A + 2 sqrt(det A))" if n == 2 else "sqrt(1 - w^2)"
    how = "symbolic" if symbolic else "exact algebraic"
    if symbolic and assume_contractive:
        how += " (assuming I - W^T W PSD)"
    return Defects(_psd_sqrt_small(A, symbolic), _psd_sqrt_small(A_star, symbolic), f"{how}: {method}")


def defect_operators(W: Any, *, svd: RationalSVD | None = None, assume_contractive: bool = False) -> Defects:
    """The defect operators ``D_W = (I - W^T W)^(1/2)``, ``D_W* = (I - W W^T)^(1/2)`` of a non-expansive W.

    Parameters
    ----------
    W : matrix-like
        Square, ``||W||_2 <= 1``; float64, exact or symbolic.
    svd : RationalSVD, optional
        Known exact factors of a rational W (verified exactly before use).
    assume_contractive : bool
        Symbolic W only: take ``I - W^T W`` PSD as an assumption when sympy
        cannot derive it from the symbols' assumptions (the method says so).

    Returns
    -------
    Defects

    Raises
    ------
    NotContractiveError
        ``||W||_2 > 1`` (certified for exact W).
    UnsupportedError
        Exact ``n > 2`` with irrational defect operators, or symbolic ``n > 2``.
    HypothesisNotMetError
        Symbolic W whose contractivity does not follow from its assumptions.

    Notes
    -----
    math.md section 2; both equal ``f(W^T W)``-type functions of the SVD, so
    ``W D_W = D_W* W`` (intertwining).

    Examples
    --------
    >>> defect_operators([["3/5", 0], [0, 0]]).D.tolist()
    [[4/5, 0], [0, 1]]
    >>> defect_operators([[1, 1], [0, 1]])
    Traceback (most recent call last):
    ...
    urnn_sym.errors.NotContractiveError: W: the unitary completion needs ||W||_2 <= 1 but ...
    """
    M, ar, n = square_of("W", W)
    system = ar.system
    if system == "float64":
        return _float_defects(M)
    if system == "symbolic":
        if n > 2:
            raise UnsupportedError(
                f"W: symbolic defect operators are implemented for n <= 2 but W is {n} x {n}; substitute numbers"
            )
        return _small_defects(M, n, True, assume_contractive)
    if svd is not None:
        svd.verify(M)
        return Defects(
            diag_scale_cols(svd.Q, svd.c) * svd.Q.transpose(),
            diag_scale_cols(svd.P, svd.c) * svd.P.transpose(),
            "exact rational: known factors W = P S Q^T (verified), D_W = Q sqrt(I - S^2) Q^T",
        )
    check_nonexpansive_exact(M, ar, n)
    if is_rational(M):
        found = _spectral_defects(M)
        if found is not None:
            return found
    if n <= 2:
        return _small_defects(M, n, False, False)
    why = (
        "are irrational (the eigenvalues of I - W^T W are not all rational squares)"
        if n <= _SPECTRAL_MAX_N
        else f"are not searched for exactly when n > {_SPECTRAL_MAX_N} without known factors"
    )
    raise UnsupportedError(
        f"W: the defect operators of this {n} x {n} exact W {why}, and exact algebraic completion is implemented "
        "for n <= 2; pass svd= factors, use urnn_sym.construct.rational.rationalize for a nearby rational-defect W, "
        "or convert to float64"
    )
