"""The LDL^T completion: an orthogonal U with W as its top-left block, for every strict contraction W.

Theorem 1 needs *some* orthogonal ``U = [[W, X], [B, Y]]``; the Halmos
completion (:mod:`urnn_sym.construct.halmos`) uses PSD square roots, whose entries are
nested radicals for a generic rational W.  Scalar square roots suffice
(docs/tutorials/theorem1.md, "The LDL^T route"):

* ``P = I - W^T W = L_P Λ_P L_P^T`` and ``Q = I - W W^T = L_Q Λ_Q L_Q^T`` (exact
  LDL^T, L unit lower triangular).  All pivots positive *is* the certificate
  that ``||W||_2 < 1``.
* ``B = Λ_P^(1/2) L_P^T``, ``X = L_Q Λ_Q^(1/2)``, ``Y = -B^-T W^T X``.
* ``U = S1 R S2`` with ``S1 = diag(I, Λ_P^(1/2))``, ``S2 = diag(I, Λ_Q^(1/2))`` and
  the matrix ``R = [[W, L_Q], [L_P^T, -Λ_P^-1 L_P^-1 W^T L_Q]]``, rational for
  rational W.  ``U^T U = I`` iff ``R^T diag(I, Λ_P) R = diag(I, Λ_Q^-1)``: an
  identity over Q, checked with python-flint, so every entry of U is a rational
  times the square root of a rational (one radical, never nested).

The same formulas run over sympy for symbolic W (the hypothesis "every pivot
> 0" is shown from the symbols' assumptions or stated by the caller) and over
float64 (two Cholesky factorisations; the SVD route stays the float default).

Examples
--------
>>> c = ldl_completion([["1/2", 0], [0, "3/5"]])
>>> c.U.tolist()
[[1/2, 0, sqrt(3)/2, 0], [0, 3/5, 0, 4/5], [sqrt(3)/2, 0, -1/2, 0], [0, 4/5, 0, -3/5]]
>>> bool(c.orthogonal), c.pivots_P
(True, (3/4, 16/25))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.errors import HypothesisNotMetError, NotContractiveError
from urnn_sym.evidence import Check
from urnn_sym.numbers.arith import arith, arith_of, is_float, is_rational
from urnn_sym.numbers.native import rational_sqrt, square_of
from urnn_sym.numbers.norms import ldl_pivots
from urnn_sym.numbers.parsing import radical as _radical
from urnn_sym.numbers.parsing import root_parts

__all__ = ["LDLCompletion", "ldl_completion", "ldl_factor", "one_radical"]


@dataclass(frozen=True)
class LDLCompletion:
    """The orthogonal ``U = [[W, X], [B, Y]] = S1 R S2`` of the LDL^T route (2n x 2n).

    Attributes
    ----------
    U : native matrix
        The completion: ``fmpq_mat`` when every pivot is a rational square, else
        an immutable sympy matrix whose entries are each ``q*sqrt(s)`` with q, s
        rational (exact W); sympy expressions (symbolic W); float64.
    R : native matrix
        ``[[W, L_Q], [L_P^T, -Λ_P^-1 L_P^-1 W^T L_Q]]`` (rational for rational W).
    pivots_P, pivots_Q : tuple
        The pivots ``λ_i`` of ``I - W^T W`` and ``μ_j`` of ``I - W W^T``; row i of
        the bottom block is ``sqrt(λ_i)`` times row i of ``L_P^T``.
    method : str
        How U was built.
    orthogonal : Check
        ``U^T U = I``, decided by the identity over the field of R.
    hypotheses : tuple of str
        Symbolic W: what was assumed (empty when everything was shown).
    """

    U: Any
    R: Any
    pivots_P: tuple[Any, ...]
    pivots_Q: tuple[Any, ...]
    method: str
    orthogonal: Check
    hypotheses: tuple[str, ...] = field(default=())

    @property
    def n(self) -> int:
        """The size of W."""
        return len(self.pivots_P)

    @property
    def extra_states(self) -> int:
        """Number of added states (``n``)."""
        return self.n

    @property
    def Y(self) -> Any:
        """The block ``B = Λ_P^(1/2) L_P^T`` that feeds the extra states (``U[n:, :n]``)."""
        return arith_of(self.U).sub_matrix(self.U, range(self.n, 2 * self.n), range(self.n))

    @property
    def rows(self) -> Any:
        """``L_P^T`` (``R[n:, :n]``): row i of :attr:`Y` is ``sqrt(pivots_P[i])`` times row i of it."""
        return arith_of(self.R).sub_matrix(self.R, range(self.n, 2 * self.n), range(self.n))


# ------------------------------------------------------------------------------
# one radical: q * sqrt(s) without sympy's factoring of big radicands
# ------------------------------------------------------------------------------


def _rat(x: Any) -> sympy.Rational:
    if isinstance(x, flint.fmpq):
        return sympy.Rational(int(x.p), int(x.q))
    if isinstance(x, sympy.Rational):
        return x
    return sympy.Rational(str(x)) if isinstance(x, str) else sympy.Rational(x)


def one_radical(q: Any, s: Any) -> sympy.Expr:
    """The exact number ``q * sqrt(s)`` for rationals q and ``s >= 0``, in the form ``c*sqrt(m)`` (m an integer).

    sympy's own square root factors its radicand, which takes seconds beyond a
    few hundred digits; here small square factors are moved out by trial
    division and the radical is built unevaluated, so radicands of thousands of
    digits cost microseconds.

    Parameters
    ----------
    q, s : rational
        ``fmpq``, ``Fraction``, int or a sympy Rational; ``s >= 0``.

    Returns
    -------
    sympy.Expr
        A sympy Rational when ``s`` is a rational square, else ``c*sqrt(m)``.

    Examples
    --------
    >>> one_radical(3, "3/4"), one_radical("1/2", 8), one_radical(5, "4/9")
    (3*sqrt(3)/2, sqrt(2), 10/3)
    """
    qq, ss = _rat(q), _rat(s)
    if ss < 0:
        raise HypothesisNotMetError(f"s: a real square root needs s >= 0 but found {ss}")
    coef, m = _root_parts(flint.fmpq(int(ss.p), int(ss.q)))
    return _radical(qq * sympy.Rational(int(coef.p), int(coef.q)), m)


# ------------------------------------------------------------------------------
# LDL^T factorisations in the three systems
# ------------------------------------------------------------------------------


def _not_pd(name: str, A: Any) -> NotContractiveError:
    _, pivots = ldl_pivots(A, name=name)
    bad = [k for k, p in enumerate(pivots, 1) if not p > 0]
    return NotContractiveError(
        f"W: the LDL^T completion needs ||W||_2 < 1, i.e. {name} positive definite, but its pivot {bad[0]} is "
        f"{pivots[bad[0] - 1]} (||W||_2 >= 1; use the Halmos or minimal completion for ||W||_2 = 1)"
        if bad
        else f"W: {name} is positive definite but its fraction-free factorisation failed"
    )


def _ldl_exact(A: flint.fmpq_mat, name: str) -> tuple[flint.fmpq_mat, list[flint.fmpq]]:
    """``A = L diag(piv) L^T`` for a rational positive definite A by flint's fraction-free LU (else NotContractive).

    Without row exchanges the k-th diagonal entry of the fraction-free U is the
    leading principal minor ``Δ_k`` of the integer matrix ``den A``; the pivots
    are ``Δ_k / (Δ_(k-1) den)`` and row k of ``L^T`` is row k of U over ``Δ_k``.
    """
    n = A.nrows()
    num, den = A.numer_denom()
    perm, _L, _D, U = num.fflu()
    diag = [U[k, k] for k in range(n)]
    if not perm.is_one() or any(d <= 0 for d in diag):
        raise _not_pd(name, A)
    minors = [flint.fmpz(1), *diag]
    piv = [flint.fmpq(minors[k + 1], minors[k] * den) for k in range(n)]
    Lt = flint.fmpq_mat(n, n, [flint.fmpq(U[k, j], diag[k]) for k in range(n) for j in range(n)])
    return Lt.transpose(), piv


def simplest(e: sympy.Expr) -> sympy.Expr:
    """The shortest of a few equivalent forms (cancelled, factored, expanded) of a rational function."""
    c = sympy.cancel(e)
    forms = [c, sympy.factor(c), sympy.expand(c)]
    return min(forms, key=sympy.count_ops)


def _ldl_symbolic(A: sympy.Matrix) -> tuple[sympy.Matrix, list[sympy.Expr]]:
    n = A.rows
    a = [[sympy.cancel(A[i, j]) for j in range(n)] for i in range(n)]
    L = sympy.eye(n)
    piv: list[sympy.Expr] = []
    for k in range(n):
        p = sympy.cancel(a[k][k])
        if p == 0:
            raise HypothesisNotMetError(
                f"W: the symbolic LDL^T completion needs every pivot of I - W^T W nonzero, but pivot {k + 1} is 0"
            )
        piv.append(simplest(p))
        for i in range(k + 1, n):
            f = sympy.cancel(a[i][k] / p)
            L[i, k] = simplest(f)
            for j in range(k + 1, n):
                a[i][j] = sympy.cancel(a[i][j] - f * a[k][j])
    return L, piv


def _ldl_float(A: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        C = np.linalg.cholesky(A)
    except np.linalg.LinAlgError as exc:
        raise NotContractiveError(
            f"W: the LDL^T completion needs ||W||_2 < 1, but the float64 Cholesky factorisation of {name} failed "
            "(not numerically positive definite)"
        ) from exc
    d = np.diag(C)
    return C / d[None, :], d * d


def ldl_factor(A: Any, *, name: str = "A") -> tuple[Any, list[Any]]:
    """``A = L diag(pivots) L^T`` with L unit lower triangular, for a positive definite A.

    Parameters
    ----------
    A : native matrix
        Symmetric; ``fmpq_mat`` (flint's fraction-free LU, C speed), a sympy
        matrix (symbolic; pivots simplified) or float64 (Cholesky).
    name : str
        The matrix's name in error messages.

    Returns
    -------
    (L, pivots)

    Raises
    ------
    NotContractiveError
        A rational or float64 A is not positive definite (the message gives the
        first non-positive pivot).
    HypothesisNotMetError
        A symbolic pivot is identically 0.

    Examples
    --------
    >>> L, piv = ldl_factor(flint.fmpq_mat([[4, 2], [2, 5]]))
    >>> L.tolist(), piv
    ([[1, 0], [1/2, 1]], [4, 4])
    """
    if is_rational(A):
        return _ldl_exact(A, name)
    if is_float(A):
        L, d = _ldl_float(A, name)
        return L, list(d)
    L, piv = _ldl_symbolic(sympy.Matrix(A))
    return L, piv


# ------------------------------------------------------------------------------
# the completion
# ------------------------------------------------------------------------------


_DIRECT_CHECK_MAX_N = 24  # the one-product identity check costs about n^5 (mixed denominators); chained beyond


def _scale_rows(d: Sequence[Any], M: flint.fmpq_mat) -> flint.fmpq_mat:
    r, c = M.nrows(), M.ncols()
    return flint.fmpq_mat(r, c, [d[i] * M[i, j] for i in range(r) for j in range(c)])


def _certified_ldl(A: flint.fmpq_mat, A_inv: flint.fmpq_mat, L: flint.fmpq_mat, piv: list[Any]) -> bool:
    """``A = L diag(piv) L^T`` via ``Linv L = I`` and ``A Linv^T = L diag(piv)`` with ``Linv = diag(piv) L^T A^-1``.

    Each product has a common denominator per row of its left factor or per
    column of its right one, so flint multiplies without denominator blow-up.
    """
    n = A.nrows()
    eye = arith("exact").eye(n)
    Lt = L.transpose()
    L_inv = _scale_rows(piv, Lt) * A_inv
    return bool(L_inv * L == eye and A * L_inv.transpose() == _scale_rows(piv, Lt).transpose())


def _exact_completion(
    W: flint.fmpq_mat, P: flint.fmpq_mat, Q: flint.fmpq_mat, L_P: Any, lam: list[Any], L_Q: Any, mu: list[Any]
) -> LDLCompletion:
    n = W.nrows()
    Wt = W.transpose()
    eye = arith("exact").eye(n)
    P_inv = P.solve(eye, algorithm="dixon")  # type: ignore[call-arg]
    Q_inv = Q.solve(eye, algorithm="dixon")  # type: ignore[call-arg]
    X = P_inv * Wt  # P^-1 W^T
    # -Λ_P^-1 L_P^-1 = -L_P^T P^-1, so the block is -L_P^T X L_Q
    Yr = -(L_P.transpose() * X * L_Q)
    R = flint.fmpq_mat(
        [[*(W[i, j] for j in range(n)), *(L_Q[i, j] for j in range(n))] for i in range(n)]
        + [[*(L_P[j, i] for j in range(n)), *(Yr[i, j] for j in range(n))] for i in range(n)]
    )
    positive = all(x > 0 for x in lam + mu)
    chain = {
        "I - W^T W = L_P Λ_P L_P^T": _certified_ldl(P, P_inv, L_P, lam),
        "I - W W^T = L_Q Λ_Q L_Q^T": _certified_ldl(Q, Q_inv, L_Q, mu),
        "P X = W^T": Wt == P * X,
        "Q + W X Q = I (push-through)": eye == Q + W * X * Q,
        "every pivot > 0": positive,
    }
    if n <= _DIRECT_CHECK_MAX_N:
        ar = arith("exact")
        G = R.transpose() * ar.diag([flint.fmpq(1)] * n + list(lam)) * R
        chain["R^T diag(I, Λ_P) R = diag(I, Λ_Q^-1)"] = ar.diag([flint.fmpq(1)] * n + [1 / m for m in mu]) == G
    how = "exact identities over Q (python-flint), docs/tutorials/theorem1.md section 7"
    failed = [k for k, v in chain.items() if not v]
    ok = not failed
    check = Check(
        ok,
        how,
        "U^T U == I" if ok else f"U^T U != I: {failed[0]} fails",
        {"identities": list(chain), "pivots_P": [str(x) for x in lam], "pivots_Q": [str(x) for x in mu]},
    )
    U = _assemble_exact(W, R, lam, mu)
    radical = "rational (every pivot a rational square)" if is_rational(U) else "q*sqrt(s)"
    method = f"LDL^T completion: I - W^T W = L_P Λ_P L_P^T, I - W W^T = L_Q Λ_Q L_Q^T over Q; entries {radical}"
    return LDLCompletion(U, R, tuple(lam), tuple(mu), method, check)


def _symbolic_hypotheses(piv: list[sympy.Expr], which: str, assume: bool) -> list[str]:
    """The pivots sympy cannot show positive: an error, or stated hypotheses when ``assume``."""
    unshown = [p for p in piv if not p.is_positive]
    if unshown and not assume:
        raise HypothesisNotMetError(
            f"W: the symbolic LDL^T completion needs every pivot of {which} > 0, but sympy cannot show "
            f"{unshown[0]} > 0 from the symbols' assumptions; give the symbols assumptions (e.g. "
            "positive=True with a parametrisation) or pass assume_contractive=True (the hypothesis ||W||_2 < 1)"
        )
    return [f"{p} > 0 (pivot of {which})" for p in unshown]


def _root_parts(s: flint.fmpq) -> tuple[flint.fmpq, int]:
    """``sqrt(s) = c * sqrt(m)`` with c rational and m a positive integer (``numbers.parsing.root_parts``)."""
    k, den, m = root_parts(int(s.p), int(s.q))
    return flint.fmpq(k, den), m


def _assemble_exact(W: flint.fmpq_mat, R: flint.fmpq_mat, lam: list[Any], mu: list[Any]) -> Any:
    """``U = diag(I, Λ_P^1/2) R diag(I, Λ_Q^1/2)``: fmpq_mat if every pivot is a square, else one radical per entry."""
    n = W.nrows()
    roots_l = [rational_sqrt(x) for x in lam]
    roots_m = [rational_sqrt(x) for x in mu]
    if all(r is not None for r in roots_l + roots_m):
        s: list[Any] = [flint.fmpq(1)] * n
        left, right = s + roots_l, s + roots_m
        return flint.fmpq_mat(2 * n, 2 * n, [left[i] * R[i, j] * right[j] for i in range(2 * n) for j in range(2 * n)])
    one = (flint.fmpq(1), 1)
    left_p = [one] * n + [_root_parts(x) for x in lam]
    right_p = [one] * n + [_root_parts(x) for x in mu]
    cells = []
    for i in range(2 * n):
        ci, mi = left_p[i]
        for j in range(2 * n):
            q = R[i, j]
            if q == 0:
                cells.append(sympy.Integer(0))
                continue
            cj, mj = right_p[j]
            g = math.gcd(mi, mj)
            coef = q * ci * cj * g
            cells.append(_radical(sympy.Rational(int(coef.p), int(coef.q)), (mi // g) * (mj // g)))
    return sympy.ImmutableMatrix(2 * n, 2 * n, cells)


def ldl_completion(W: Any, *, assume_contractive: bool = False) -> LDLCompletion:
    """The orthogonal 2n x 2n completion of a strict contraction W by two LDL^T factorisations.

    Parameters
    ----------
    W : matrix-like
        Square, ``||W||_2 < 1``: rational (exact), symbolic or float64.
    assume_contractive : bool
        Symbolic W only: take every pivot > 0 (that is, ``||W||_2 < 1``) as a
        hypothesis when sympy cannot show it; the hypotheses are recorded.

    Returns
    -------
    LDLCompletion

    Raises
    ------
    NotContractiveError
        ``||W||_2 >= 1``: some pivot of ``I - W^T W`` is not positive (exact: the
        first such pivot is given; it certifies ``||W||_2 >= 1``).
    HypothesisNotMetError
        Symbolic W whose pivots sympy cannot show positive (and not assumed).

    Notes
    -----
    docs/tutorials/theorem1.md, "The LDL^T route".  A rational W takes the fast path
    (python-flint); algebraic entries go through sympy like symbols.

    Examples
    --------
    >>> c = ldl_completion([["3/5"]])
    >>> c.U.tolist(), c.orthogonal.method
    ([[3/5, 4/5], [4/5, -3/5]], 'exact identities over Q (python-flint), docs/tutorials/theorem1.md section 7')
    >>> import sympy
    >>> a, b = sympy.symbols("a b", real=True)
    >>> s = ldl_completion(sympy.diag(a, b), assume_contractive=True)
    >>> s.U[0, 2], s.U[2, 2], s.hypotheses[0]
    (sqrt(1 - a**2), -a, '1 - a**2 > 0 (pivot of I - W^T W)')
    """
    M, ar, n = square_of("W", W)
    if not (is_rational(M) or is_float(M)):
        ar = arith("symbolic")  # symbols or algebraic numbers: the same formulas over sympy
        M = sympy.ImmutableMatrix(M)
    Wt = ar.transpose(M)
    eye = ar.eye(n)
    P = ar.sub(eye, ar.matmul(Wt, M))
    Q = ar.sub(eye, ar.matmul(M, Wt))
    P, Q = ar.expand(P), ar.expand(Q)
    L_P, lam = ldl_factor(P, name="I - W^T W")
    L_Q, mu = ldl_factor(Q, name="I - W W^T")
    hyps: list[str] = []
    if ar.is_symbolic:
        hyps = _symbolic_hypotheses(lam, "I - W^T W", assume_contractive)
        hyps += _symbolic_hypotheses(mu, "I - W W^T", assume_contractive)
    # R's bottom-right block: -Λ_P^-1 L_P^-1 W^T L_Q
    if is_rational(M):
        return _exact_completion(M, P, Q, L_P, lam, L_Q, mu)
    if is_float(M):
        Yr = -np.linalg.solve(L_P, Wt @ L_Q) / np.asarray(lam)[:, None]
        R = np.block([[M, L_Q], [L_P.T, Yr]])
        s1 = np.concatenate([np.ones(n), np.sqrt(lam)])
        s2 = np.concatenate([np.ones(n), np.sqrt(mu)])
        U = s1[:, None] * R * s2[None, :]
        resid = float(np.max(np.abs(U.T @ U - np.eye(2 * n))))
        check = Check(True, "float64 residual", f"max|U^T U - I| = {resid:.3g}", {"residual": resid})
        how = "LDL^T completion: two float64 Cholesky factorisations"
        return LDLCompletion(U, R, tuple(lam), tuple(mu), how, check)
    S = sympy.Matrix(M)
    Yr = sympy.Matrix(n, n, lambda i, j: 0)
    Z = L_P.LUsolve(S.T * L_Q)
    for i in range(n):
        for j in range(n):
            Yr[i, j] = simplest(-Z[i, j] / lam[i])
    R = sympy.Matrix(sympy.BlockMatrix([[S, L_Q], [L_P.T, Yr]]))
    lam_r = [sympy.sqrt(x) for x in lam]
    mu_r = [sympy.sqrt(x) for x in mu]
    left_r = [sympy.Integer(1)] * n + lam_r
    right_r = [sympy.Integer(1)] * n + mu_r
    U = sympy.ImmutableMatrix(2 * n, 2 * n, lambda i, j: simplest(left_r[i] * R[i, j] * right_r[j]))
    G = R.T * sympy.diag(*([1] * n + lam)) * R - sympy.diag(*([1] * n + [1 / m for m in mu]))
    ok = all(sympy.cancel(x) == 0 for x in G)
    check = Check(
        ok,
        "symbolic identity: R^T diag(I, Λ_P) R - diag(I, Λ_Q^-1) cancels to 0 (rational functions), "
        "U = diag(I, Λ_P^1/2) R diag(I, Λ_Q^1/2)",
        "U^T U == I" + (" under the stated hypotheses" if hyps else "") if ok else "U^T U != I",
    )
    how = "symbolic" + (" (assuming every pivot > 0)" if hyps else "")
    return LDLCompletion(
        U,
        sympy.ImmutableMatrix(R),
        tuple(lam),
        tuple(mu),
        f"LDL^T completion, {how}: I - W^T W = L_P Λ_P L_P^T, I - W W^T = L_Q Λ_Q L_Q^T",
        check,
        tuple(hyps),
    )
