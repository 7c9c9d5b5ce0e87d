"""The hypotheses of Theorem 1 as certified predicates: is W contractive, is U orthogonal.

Each answer is a :class:`~urnn_sym.evidence.Check` that names what decided it:
exact LDL^T pivots for exact matrices, a stated tolerance for float64 ones.
The norm bounds themselves live in :mod:`urnn_sym.numbers.norms`.

>>> from fractions import Fraction as Q
>>> bool(is_contractive([[Q(3, 5), 0], [0, Q(-4, 5)]])), bool(is_orthogonal([[0, 1], [1, 0]]))
(True, True)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy

from urnn_sym.errors import InvalidArgumentError, ShapeError
from urnn_sym.evidence import Check
from urnn_sym.numbers.arith import arith, as_sympy, is_rational, system_of
from urnn_sym.numbers.norms import exact_square_matrix, gram, ldl_pivots, native_matrix, sign_of

__all__ = ["is_contractive", "is_orthogonal"]


def _float_tol(name: str, tol: Any, function: str) -> float:
    if tol is None:
        raise InvalidArgumentError(
            f"tol: {function} of a float64 {name} needs an explicit tol= (the answer is then "
            f"approximate), or convert to exact first for an exact answer"
        )
    t = float(tol)
    if not (t >= 0 and math.isfinite(t)):
        raise InvalidArgumentError(f"tol: expected a finite number >= 0 but found {tol}")
    return t


def is_contractive(W: Any, *, tol: float | None = None) -> Check:
    """Return whether ``||W||_2 < 1`` (W contractive), with the evidence.

    Exact W: decided exactly (``I - W^T W`` positive definite by LDL^T over Q or
    over the algebraic numbers).  float64 W: ``tol`` is required and the answer
    is ``sigma_max(W) < 1 - tol`` by a float64 SVD, which the result states.

    Parameters
    ----------
    W : matrix-like
        A square matrix.  A numpy array or list of floats is float64; exact
        entries (ints, ``Fraction``, strings, sympy or flint numbers) are
        decided exactly.  To decide a float64 matrix exactly, convert it first
        (:func:`urnn_sym.numbers.arith.to_system`).
    tol : float, optional
        Required for float64 W, a finite number >= 0: the answer is
        ``sigma_max(W) < 1 - tol`` (strict, so ``tol=0`` rejects a computed
        ``sigma_max(W) = 1``).  Ignored for exact W.

    Returns
    -------
    Check
        Truthy when W is contractive; ``method`` names the test, ``detail`` the
        measured value or the first non-positive pivot, ``data`` the pivots
        (exact) or ``sigma_max`` and ``tol`` (float64).

    Raises
    ------
    ShapeError
        If ``W`` is not square.
    InvalidArgumentError
        If ``W`` is float64 and ``tol`` is missing, negative or not finite.
    UnsupportedError
        If ``W`` has free symbols.

    Notes
    -----
    math.md section 1 (contractive: ``||W||_2 < 1``) and section 6.

    Examples
    --------
    >>> is_contractive([[1, 0], [0, 0]]).detail
    '||W||_2 >= 1: I - W^T W is not positive definite (pivot 1 is 0)'
    >>> is_contractive([[0.5]], tol=1e-12).method
    'float64 SVD: sigma_max(W) < 1 - tol with tol=1e-12'
    """
    M = native_matrix("W", W)
    r, c = arith(system_of(M)).shape(M)
    if r != c:
        raise ShapeError(f"W: expected a square matrix but found shape ({r}, {c})")
    if system_of(M) == "float64":
        t = _float_tol("W", tol, "is_contractive")
        s = float(np.linalg.norm(M, 2))
        return Check(
            s < 1 - t,
            f"float64 SVD: sigma_max(W) < 1 - tol with tol={t:g}",
            f"sigma_max(W) = {s!r}",
            {"sigma_max": s, "tol": t},
        )
    M = exact_square_matrix("W", M)
    ar = arith("exact")
    kind, pivots = ldl_pivots(ar.sub(ar.eye(r), gram(M)), name="I - W^T W")
    method = "exact LDL^T of I - W^T W" + (
        " over Q" if is_rational(M) else " over the algebraic numbers"
    )
    if kind == "pd":
        return Check(True, method, f"all {r} pivots > 0", {"pivots": [str(p) for p in pivots]})
    k = next(i for i, q in enumerate(pivots, 1) if sign_of(q) <= 0)
    state = "is 0" if sign_of(pivots[k - 1]) == 0 else "is negative"
    return Check(
        False,
        method,
        f"||W||_2 >= 1: I - W^T W is not positive definite (pivot {k} {state})",
        {"pivots": [str(p) for p in pivots]},
    )


def is_orthogonal(W: Any, *, tol: float | None = None) -> Check:
    """Return whether ``W^T W = I`` (exactly for exact W; to ``tol`` entrywise for float64), with the evidence.

    Parameters
    ----------
    W : matrix-like
        A square matrix: float64, exact (decided with exact equality) or
        symbolic (decided with ``sympy.simplify``).
    tol : float, optional
        Required for float64 W, a finite number >= 0: the answer is
        ``max |W^T W - I| <= tol``.  Ignored for exact and symbolic W.

    Returns
    -------
    Check
        Truthy when W is orthogonal.  For symbolic W a False answer only means
        that ``W^T W - I`` did not simplify to 0 (the detail says so).

    Raises
    ------
    ShapeError
        If ``W`` is not square.
    InvalidArgumentError
        If ``W`` is float64 and ``tol`` is missing, negative or not finite.

    Notes
    -----
    math.md section 1 (URNN: W orthogonal).  For square W, ``W^T W = I``
    implies ``W W^T = I``.

    Examples
    --------
    >>> from fractions import Fraction as Q
    >>> bool(is_orthogonal([[Q(3, 5), Q(-4, 5)], [Q(4, 5), Q(3, 5)]]))
    True
    """
    M = native_matrix("W", W)
    system = system_of(M)
    r, c = arith(system).shape(M)
    if r != c:
        raise ShapeError(f"W: expected a square matrix but found shape ({r}, {c})")
    if system == "float64":
        t = _float_tol("W", tol, "is_orthogonal")
        resid = float(np.max(np.abs(M.T @ M - np.eye(r))))
        return Check(
            resid <= t,
            f"float64: max|W^T W - I| <= tol with tol={t:g}",
            f"max|W^T W - I| = {resid!r}",
            {"residual": resid, "tol": t},
        )
    ar = arith(system)
    D = ar.sub(ar.matmul(ar.transpose(M), M), ar.eye(r))
    if system == "symbolic":
        zero = all(sympy.simplify(x) == 0 for x in as_sympy(D))
        return Check(
            zero,
            "sympy simplify of W^T W - I",
            "W^T W - I simplifies to 0"
            if zero
            else "W^T W - I does not simplify to 0 (may still vanish under assumptions)",
        )
    ok = ar.equal(D, ar.zeros(r, r))
    return Check(ok, "exact W^T W == I", "W^T W == I" if ok else "W^T W != I")
