"""Defect operators and unitary completions of a contraction (math.md section 2).

For a contraction ``W`` the defect operators ``D_W = (I - W^T W)^(1/2)`` and
``D_W* = (I - W W^T)^(1/2)`` make the Halmos block matrix

    U = [[W, D_W*], [D_W, -W^T]]

orthogonal.  How the square roots are found depends on the number system:

``float64``
    one SVD ``W = P S Q^T``: ``D_W = Q sqrt(I - S^2) Q^T``, ``D_W* = P sqrt(I - S^2) P^T``.
``exact``
    rational defect operators when they exist: from known factors
    (:class:`RationalSVD`, e.g. the rational-defect family of
    :mod:`urnn_sym.rational`), or found from the exact spectrum of ``I - W^T W``
    (float guesses of the eigenvalues, verified by the exact identity
    ``prod (A - lambda_i I) = 0``; then ``D_W = p(A)`` for the interpolating
    polynomial ``p(lambda_i) = sqrt(lambda_i)``).  Otherwise algebraic numbers
    for ``n <= 2`` (closed form ``sqrt(A) = (A + sI) / sqrt(tr A + 2s)``,
    ``s = sqrt(det A)``), else :class:`UnsupportedError`.
``symbolic``
    the same closed forms for ``n <= 2`` when sympy can show ``I - W^T W`` PSD
    from the symbols' assumptions (or ``assume_contractive=True``).

The minimal completion adds only ``r = rank(I - W^T W)`` rows and columns: a
``Y`` (r x n) with ``Y^T Y = I - W^T W`` and an orthonormal completion of the
isometry ``[W; Y]`` by Householder reflections (rational for rational data).

Examples
--------
>>> from fractions import Fraction as Q
>>> c = unitary_completion([[Q(3, 5), 0], [0, Q(4, 5)]])
>>> c.U.tolist()
[[3/5, 0, 4/5, 0], [0, 4/5, 0, 3/5], [4/5, 0, -3/5, 0], [0, 3/5, 0, -4/5]]
>>> bool(c.orthogonal), c.method
(True, 'exact rational: spectrum of I - W^T W (2 eigenvalues, rational squares)')
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

from .arith import Arith, arith, as_sympy, exact_sign, system_of, to_matrix
from .errors import HypothesisNotMetError, InvalidArgumentError, NotContractiveError, ShapeError, UnsupportedError
from .evidence import Check
from .norms import is_psd, spectral_norm_bounds

__all__ = [
    "Completion",
    "Defects",
    "MinimalCompletion",
    "RationalSVD",
    "defect_operators",
    "householder_completion",
    "minimal_completion",
    "orthogonality_check",
    "unitary_completion",
]

FLOAT_NORM_SLACK = 1e-12
"""float64: ``sigma_max(W) <= 1 + FLOAT_NORM_SLACK`` counts as non-expansive (singular values are clipped to 1)."""

# --------------------------------------------------------------------------
# small helpers on native matrices
# --------------------------------------------------------------------------


def _native(name: str, W: Any) -> Any:
    if isinstance(W, (np.ndarray, flint.fmpq_mat, sympy.MatrixBase)):
        return W
    return to_matrix(name, W)


def _square(name: str, W: Any) -> tuple[Any, Arith, int]:
    M = _native(name, W)
    ar = arith(system_of(M))
    r, c = ar.shape(M)
    if r != c or r == 0:
        raise ShapeError(f"{name}: expected a non-empty square matrix but found shape ({r}, {c})")
    return M, ar, r


def _rows(M: Any) -> list[list[Any]]:
    """Rows of a native matrix as lists of scalars (fmpq, sympy or float)."""
    if isinstance(M, np.ndarray):
        return M.tolist()
    if isinstance(M, flint.fmpq_mat):
        return M.tolist()
    return as_sympy(M).tolist()


def _from_rows(rows: list[list[Any]], like: Any) -> Any:
    """A native matrix of the same kind as ``like`` (fmpq_mat if every entry is rational)."""
    if isinstance(like, np.ndarray):
        return np.array(rows, dtype=np.float64)
    r, c = len(rows), len(rows[0]) if rows else 0
    flat = [x for row in rows for x in row]
    if all(isinstance(x, (flint.fmpq, flint.fmpz, int)) for x in flat):
        return flint.fmpq_mat(r, c, flat)
    return sympy.ImmutableMatrix(r, c, [_sym(x) for x in flat])


def _sym(x: Any) -> sympy.Expr:
    if isinstance(x, flint.fmpq):
        return sympy.Rational(int(x.p), int(x.q))
    return sympy.sympify(x)


def _q(x: Fraction | int) -> flint.fmpq:
    fr = Fraction(x)
    return flint.fmpq(fr.numerator, fr.denominator)


def _diag_scale_cols(M: flint.fmpq_mat, c: Sequence[flint.fmpq]) -> flint.fmpq_mat:
    """``M diag(c)`` without a full matrix product."""
    n, m = M.nrows(), M.ncols()
    vals = M.entries()
    return flint.fmpq_mat(n, m, [vals[i * m + j] * c[j] for i in range(n) for j in range(m)])


def _is_zero(x: Any) -> bool:
    if isinstance(x, (flint.fmpq, int, float)):
        return x == 0
    return exact_sign(sympy.nsimplify(x) if isinstance(x, sympy.Float) else x) == 0


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
    >>> from urnn_sym.arith import arith
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
        return _diag_scale_cols(self.P, self.s) * self.Q.transpose()

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
        if not (isinstance(W, flint.fmpq_mat) and W.nrows() == n and W.ncols() == n):
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
    c = np.sqrt(np.clip(1.0 - np.minimum(s, 1.0) ** 2, 0.0, None))
    Q = Qt.T
    return Defects((Q * c) @ Qt, (P * c) @ P.T, "float64: one SVD W = P S Q^T, D_W = Q sqrt(I - S^2) Q^T")


def _check_nonexpansive_exact(W: Any, ar: Arith, n: int) -> None:
    A = ar.sub(ar.eye(n), ar.matmul(ar.transpose(W), W))
    if not is_psd(A, name="I - W^T W"):
        low = spectral_norm_bounds(W).lower
        raise NotContractiveError(
            f"W: the unitary completion needs ||W||_2 <= 1 but I - W^T W is not PSD (||W||_2 >= {low}, certified)"
        )


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
    return [_q(c * c) for c in out]


def _rational_sqrt(q: flint.fmpq) -> flint.fmpq | None:
    if q < 0:
        return None
    p, d = int(q.p), int(q.q)
    rp, rd = _isqrt_exact(p), _isqrt_exact(d)
    return None if rp is None or rd is None else flint.fmpq(rp, rd)


def _isqrt_exact(k: int) -> int | None:
    r = math.isqrt(k)
    return r if r * r == k else None


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
    roots = [_rational_sqrt(lam) for lam in lams]
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
    M, ar, n = _square("W", W)
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
            _diag_scale_cols(svd.Q, svd.c) * svd.Q.transpose(),
            _diag_scale_cols(svd.P, svd.c) * svd.P.transpose(),
            "exact rational: known factors W = P S Q^T (verified), D_W = Q sqrt(I - S^2) Q^T",
        )
    _check_nonexpansive_exact(M, ar, n)
    if isinstance(M, flint.fmpq_mat):
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
        "for n <= 2; pass svd= factors, use urnn_sym.rational.rationalize for a nearby rational-defect W, "
        "or convert to float64"
    )


# --------------------------------------------------------------------------
# completions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """The Halmos completion ``U = [[W, D_W*], [D_W, -W^T]]`` (2n x 2n, orthogonal).

    Attributes
    ----------
    U : native matrix
        The completion; ``U[:n, :n] = W`` exactly.
    D, D_star : native matrix
        The defect operators.
    method : str
        How the defect operators were found.
    orthogonal : Check
        ``U^T U = I``: exact for exact systems, simplification for symbolic,
        the residual ``max|U^T U - I|`` for float64.
    """

    U: Any
    D: Any
    D_star: Any
    method: str
    orthogonal: Check

    @property
    def Y(self) -> Any:
        """The block ``D_W`` that feeds the extra states (``U[n:, :n]``)."""
        return self.D

    @property
    def extra_states(self) -> int:
        """Number of added states (``n``)."""
        return arith(system_of(self.D)).shape(self.D)[0]


def orthogonality_check(U: Any, *, symbolic: bool = False) -> Check:
    """``U^T U = I``: exact (flint or algebraic), simplified (symbolic) or measured (float64).

    Parameters
    ----------
    U : native matrix
        Square.
    symbolic : bool
        Decide by sympy simplification (entries with symbols).

    Returns
    -------
    Check
        float64 always holds and reports the residual in ``data["residual"]``.
    """
    if isinstance(U, np.ndarray):
        resid = float(np.max(np.abs(U.T @ U - np.eye(U.shape[0]))))
        return Check(True, "float64 residual", f"max|U^T U - I| = {resid:.3g}", {"residual": resid})
    if isinstance(U, flint.fmpq_mat):
        ok = U.transpose() * U == arith("exact").eye(U.nrows())
        return Check(ok, "exact rational U^T U == I (python-flint)", "U^T U == I" if ok else "U^T U != I")
    ar = arith("symbolic" if symbolic else "exact")
    m = ar.shape(U)[0]
    G = ar.sub(ar.matmul(ar.transpose(U), U), ar.eye(m))
    if symbolic:
        ok = all(radical_free_zero(x) for x in G)
        how = "sympy: U^T U - I reduces to 0 modulo the defining relations of its square roots"
    else:
        ok = ar.equal(G, ar.zeros(m, m))
        how = "exact algebraic U^T U == I (minimal polynomials)"
    return Check(ok, how, "U^T U == I" if ok else "U^T U != I")


def radical_free_zero(expr: Any) -> bool:
    """Whether ``expr`` is 0 as a rational function of its symbols and square roots.

    Each square root ``sqrt(a)`` becomes a new symbol ``r`` with the relation
    ``r^2 = a`` (inner roots first); the numerator of ``expr`` is reduced modulo
    these relations, outermost first, and must vanish.  This proves the
    identity for every choice of the square roots' signs, and needs no
    assumption on the symbols (the relations hold wherever the roots are taken).

    Parameters
    ----------
    expr : sympy expression

    Returns
    -------
    bool

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> radical_free_zero(sympy.sqrt(1 - x**2)**2 + x**2 - 1), radical_free_zero(sympy.sqrt(x**2) - x)
    (True, False)
    """
    e = sympy.sympify(expr)
    relations: list[tuple[sympy.Symbol, sympy.Expr]] = []
    while True:
        roots = [p for p in e.atoms(sympy.Pow) if p.exp.is_Rational and p.exp.q == 2]
        if not roots:
            break
        inner = min(roots, key=lambda p: sympy.count_ops(p.base))
        r = sympy.Dummy("r")
        relations.append((r, inner.base))
        e = e.replace(
            lambda p, b=inner.base: isinstance(p, sympy.Pow) and p.base == b and p.exp.is_Rational and p.exp.q == 2,
            lambda p, r=r: r ** int(2 * p.exp),
        )
        relations = [
            (
                s,
                a.replace(
                    lambda p, b=inner.base: (
                        isinstance(p, sympy.Pow) and p.base == b and p.exp.is_Rational and p.exp.q == 2
                    ),
                    lambda p, r=r: r ** int(2 * p.exp),
                ),
            )
            for s, a in relations
        ]
    num = sympy.numer(sympy.together(sympy.expand(e)))
    for r, a in reversed(relations):
        an, ad = sympy.fraction(sympy.together(a))
        num = sympy.expand(num)
        num = sympy.rem(sympy.Poly(num, r), sympy.Poly(ad * r**2 - an, r)).as_expr()
        num = sympy.numer(sympy.together(num))
    return sympy.expand(num) == 0


def unitary_completion(W: Any, *, svd: RationalSVD | None = None, assume_contractive: bool = False) -> Completion:
    """Halmos completion ``U = [[W, D_W*], [D_W, -W^T]]`` with ``U^T U = I``.

    Parameters
    ----------
    W : matrix-like
        Square, ``||W||_2 <= 1``.
    svd : RationalSVD, optional
        Known exact factors of a rational W (see :func:`defect_operators`).
    assume_contractive : bool
        Symbolic W only (see :func:`defect_operators`).

    Returns
    -------
    Completion

    Notes
    -----
    The four blocks of ``U^T U`` are ``W^T W + D_W^2 = I``,
    ``W^T D_W* - D_W W^T = 0``, its transpose and ``D_W*^2 + W W^T = I``
    (math.md section 2).

    Examples
    --------
    >>> import sympy
    >>> w = sympy.Symbol("w", real=True)
    >>> c = unitary_completion(sympy.Matrix([[w]]), assume_contractive=True)
    >>> c.U
    Matrix([
    [             w, sqrt(1 - w**2)],
    [sqrt(1 - w**2),             -w]])
    >>> bool(c.orthogonal)
    True
    """
    M, ar, _ = _square("W", W)
    d = defect_operators(M, svd=svd, assume_contractive=assume_contractive)
    if not isinstance(d.D, type(M)) and not isinstance(M, np.ndarray):
        ar = arith("symbolic" if ar.system == "symbolic" else "exact")
    U = ar.block([[M, d.D_star], [d.D, ar.neg(ar.transpose(M))]])
    return Completion(U, d.D, d.D_star, d.method, orthogonality_check(U, symbolic=ar.system == "symbolic"))


def householder_completion(V: Any) -> Any:
    """An orthogonal ``m x m`` matrix whose first k columns are the orthonormal columns of ``V`` (m x k).

    Reflections ``H = I - 2 v v^T / (v^T v)`` with ``v = x - e_j`` map each
    (reflected) column ``x`` to ``e_j``; since ``v^T v = 2 - 2 x_j`` they are
    rational for rational V, so the completion is exact.

    Parameters
    ----------
    V : native matrix
        ``m x k`` with ``V^T V = I`` (float64: approximately).

    Returns
    -------
    native matrix
        ``[V, Z]``; for float64 Z comes from a complete QR factorisation.

    Examples
    --------
    >>> from urnn_sym.arith import to_matrix
    >>> householder_completion(to_matrix("V", [["3/5"], ["4/5"]])).tolist()
    [[3/5, 4/5], [4/5, -3/5]]
    """
    if isinstance(V, np.ndarray):
        m, k = V.shape
        Qf, _ = np.linalg.qr(V, mode="complete")
        return np.hstack([V, Qf[:, k:]])
    cols = [list(c) for c in zip(*_rows(V), strict=True)]
    m, k = len(cols[0]), len(cols)
    zero = 0 if isinstance(V, flint.fmpq_mat) else sympy.Integer(0)
    reflections: list[list[Any] | None] = []
    for j in range(k):
        x = cols[j]
        for v in reflections:
            x = _reflect(v, x)
        v = [x[i] - (1 if i == j else 0) for i in range(m)]
        if all(_is_zero(t) for t in v):
            reflections.append(None)
            continue
        reflections.append(v)
    extra = []
    for j in range(k, m):
        z = [zero + (1 if i == j else 0) for i in range(m)]
        for v in reversed(reflections):
            z = _reflect(v, z)
        extra.append(z)
    rows = [cols_row + [z[i] for z in extra] for i, cols_row in enumerate(_rows(V))]
    return _from_rows(rows, V)


def _reflect(v: list[Any] | None, x: list[Any]) -> list[Any]:
    if v is None:
        return x
    vv = sum((t * t for t in v[1:]), v[0] * v[0])
    f = 2 * sum((a * b for a, b in zip(v[1:], x[1:], strict=True)), v[0] * x[0]) / vv
    out = [a - f * b for a, b in zip(x, v, strict=True)]
    return out if all(isinstance(t, flint.fmpq) for t in out) else [sympy.radsimp(sympy.expand(t)) for t in out]


@dataclass(frozen=True)
class MinimalCompletion:
    """An orthogonal ``(n + r) x (n + r)`` U with W as its top-left block, ``r = rank(I - W^T W)``.

    Attributes
    ----------
    U : native matrix
        ``[[W, X], [Y, Z]]`` orthogonal.
    Y : native matrix
        ``r x n`` with ``Y^T Y = I - W^T W``; zero on the columns where
        ``I - W^T W`` vanishes.
    rank : int
        ``r``.
    method : str
        How Y was found and the rank decided (float64 states its tolerance).
    orthogonal : Check
        ``U^T U = I`` as in :class:`Completion`.
    """

    U: Any
    Y: Any
    rank: int
    method: str
    orthogonal: Check

    @property
    def extra_states(self) -> int:
        """Number of added states (``r``)."""
        return self.rank


def _float_gram_factor(W: np.ndarray, tol: float) -> tuple[np.ndarray, str]:
    n = W.shape[0]
    s_max = float(np.linalg.norm(W, 2))
    if s_max > 1 + FLOAT_NORM_SLACK:
        raise NotContractiveError(f"W: the minimal completion needs ||W||_2 <= 1 but sigma_max(W) = {s_max!r}")
    A = np.eye(n) - W.T @ W
    support = [j for j in range(n) if A[j, j] > tol]
    Y = np.zeros((0, n))
    if support:
        lam, V = np.linalg.eigh(A[np.ix_(support, support)])
        keep = lam > tol
        Y = np.zeros((int(keep.sum()), n))
        Y[:, support] = np.sqrt(lam[keep])[:, None] * V[:, keep].T
    return Y, f"float64: eigh of I - W^T W on its support, rank = #(eigenvalues > tol) with tol={tol:g}"


def _ldl_gram_factor(A: Any) -> tuple[list[list[Any]], bool]:
    """Rows of Y with ``Y^T Y = A`` (A PSD) from ``A = L D L^T``; bool: all entries rational."""
    a = _rows(A)
    n = len(a)
    rows: list[list[Any]] = []
    rational = True
    for k in range(n):
        p = a[k][k]
        if _is_zero(p):
            continue
        root = _rational_sqrt(p) if isinstance(p, flint.fmpq) else None
        if root is None:
            rational = False
            root = sympy.sqrt(_sym(p))
        col = [a[i][k] for i in range(n)]
        rows.append([(col[i] / p) * root if i >= k else 0 * p for i in range(n)])
        for i in range(k + 1, n):
            f = a[i][k] / p
            for j in range(k + 1, n):
                a[i][j] = a[i][j] - f * a[k][j]
    return rows, rational


def minimal_completion(W: Any, *, svd: RationalSVD | None = None, tol: float = 1e-9) -> MinimalCompletion:
    """Orthogonal completion of W with only ``r = rank(I - W^T W)`` extra states.

    Parameters
    ----------
    W : matrix-like
        Square, ``||W||_2 <= 1`` (float64 or exact).
    svd : RationalSVD, optional
        Known exact factors: ``Y`` = the rows ``c_i q_i^T`` with ``c_i != 0``.
    tol : float
        float64 only: eigenvalues of ``I - W^T W`` at most ``tol`` count as 0.

    Returns
    -------
    MinimalCompletion

    Notes
    -----
    math.md section 2 (refinements).  Exact Y comes from the known factors, or
    from the exact ``L D L^T`` factorisation of ``I - W^T W`` (rational when the
    pivots are rational squares, algebraic when ``r <= 2``); the isometry
    ``[W; Y]`` is completed by :func:`householder_completion`.

    Examples
    --------
    >>> m = minimal_completion([[1, 0], [0, "3/5"]])
    >>> m.rank, m.U.tolist()
    (1, [[1, 0, 0], [0, 3/5, 4/5], [0, 4/5, -3/5]])
    """
    M, ar, n = _square("W", W)
    if ar.system == "symbolic":
        raise UnsupportedError("W: the minimal completion needs numeric entries (float64 or exact)")
    Y: Any
    if isinstance(M, np.ndarray):
        if not (tol >= 0):
            raise InvalidArgumentError(f"tol: expected a number >= 0 but found {tol}")
        Y, method = _float_gram_factor(M, float(tol))
    elif svd is not None:
        svd.verify(M)
        keep = [i for i, c in enumerate(svd.c) if c != 0]
        Qt = svd.Q.transpose().tolist()
        Y = flint.fmpq_mat([[svd.c[i] * x for x in Qt[i]] for i in keep]) if keep else flint.fmpq_mat(0, n)
        method = "exact rational: Y = rows c_i q_i^T of the known factors (verified)"
    else:
        _check_nonexpansive_exact(M, ar, n)
        A = ar.sub(ar.eye(n), ar.matmul(ar.transpose(M), M))
        rows, rational = _ldl_gram_factor(A)
        if not rational and len(rows) > 2:
            raise UnsupportedError(
                f"W: rank(I - W^T W) = {len(rows)} and the L D L^T pivots are not rational squares; exact algebraic "
                "minimal completion is implemented for rank <= 2; pass svd= factors, use rationalize, or float64"
            )
        Y = _from_rows(rows, M) if rows else flint.fmpq_mat(0, n)
        method = "exact " + ("rational" if rational else "algebraic") + ": Y from the L D L^T factorisation"
    r = ar.shape(Y)[0] if not isinstance(Y, np.ndarray) else Y.shape[0]
    if r == 0:
        U = M
    else:
        sys_ar = ar if isinstance(M, np.ndarray) or isinstance(Y, flint.fmpq_mat) else arith("exact")
        U = householder_completion(sys_ar.block([[M], [Y]]))
    return MinimalCompletion(U, Y, r, method + f"; rank r = {r}", orthogonality_check(U))
