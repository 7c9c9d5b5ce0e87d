"""The minimal completion and Householder completion of an isometry (math.md section 2, refinements).

:func:`minimal_completion` embeds a non-expansive ``W`` in an orthogonal
``(n + r) x (n + r)`` matrix with ``r = rank(I - W^T W)``: a ``Y`` (r x n) with
``Y^T Y = I - W^T W`` (known factors, exact ``L D L^T``, or float64 ``eigh``),
then :func:`householder_completion` of the isometry ``[W; Y]`` by Householder
reflections, rational for rational data.

Examples
--------
>>> minimal_completion([[1, 0], [0, 0]]).rank
1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.construct.defects import FLOAT_NORM_SLACK, RationalSVD
from urnn_sym.construct.halmos import orthogonality_check
from urnn_sym.errors import InvalidArgumentError, NotContractiveError, ShapeError, UnsupportedError
from urnn_sym.evidence import Check
from urnn_sym.numbers.arith import arith, is_float, is_rational, require_numeric
from urnn_sym.numbers.native import (
    check_nonexpansive_exact,
    from_rows,
    is_zero,
    rational_sqrt,
    rows_of,
    square_of,
    sym_of,
)

__all__ = ["MinimalCompletion", "householder_completion", "minimal_completion"]


def householder_completion(V: Any, *, check: bool = True) -> Any:
    """An orthogonal ``m x m`` matrix whose first k columns are the orthonormal columns of ``V`` (m x k).

    Reflections ``H_j = I - 2 v_j v_j^T / (v_j^T v_j)`` with ``v_j = x_j - e_j``
    map each column ``x_j`` of ``H_{j-1} ... H_1 V`` to ``e_j`` (skipped when
    ``x_j = e_j`` already); since ``v_j^T v_j = 2 - 2 x_jj`` they are rational
    for rational V, and ``U = H_1 ... H_k`` is ``[V, Z]`` exactly.

    Parameters
    ----------
    V : native matrix
        ``m x k`` with ``V^T V = I`` (float64: approximately).
    check : bool
        For rational V, first check ``V^T V = I`` exactly (default).  Callers
        that check the completed matrix's orthogonality themselves pass False.

    Returns
    -------
    native matrix
        ``[V, Z]``; for float64 Z comes from a complete QR factorisation.

    Raises
    ------
    ShapeError
        If a rational ``V`` has more columns than rows.
    InvalidArgumentError
        If a rational ``V`` does not have orthonormal columns (``V^T V != I``;
        with ``check=False``, seen only when the exact inverse meets a singular
        matrix).

    Notes
    -----
    For rational V (``flint.fmpq_mat``) the product of the reflections is
    formed in closed form with a few python-flint matrix operations instead of
    reflecting entry by entry.  Write ``A = [I_k; 0] - V`` and ``U = I - Y T Y^T``
    (compact WY form: the columns of Y are the active ``v_j``, T upper
    triangular).  Then ``U [I_k; 0] = V`` gives ``A = Y T Y_1^T``, with ``Y_1``
    the top k rows of Y.  The active reflections are the pivot columns J of
    the top block ``A_1 = I - V_1``: the Schur complement of column j is a
    multiple of ``v_j``, which vanishes exactly when ``x_j = e_j``.  With
    ``G = Y[J, :]`` lower triangular and invertible, ``A_J = Y T G^T`` and
    ``A_JJ = G T G^T``, so

        ``U = I - A_J A_JJ^{-T} A_J^T``,

    the same matrix as the reflection loop: one ``|J| x |J|`` inverse and
    matrix products (the largest ``(m - k) x |J|`` times ``|J| x (m - k)``).  The sympy path keeps the
    reflection loop.

    Examples
    --------
    >>> from urnn_sym.numbers.arith import to_matrix
    >>> householder_completion(to_matrix("V", [["3/5"], ["4/5"]])).tolist()
    [[3/5, 4/5], [4/5, -3/5]]
    >>> householder_completion(to_matrix("V", [[1, 0], [0, 0], [0, 1]])).tolist()
    [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    """
    if isinstance(V, np.ndarray):
        k = V.shape[1]
        Qf, _ = np.linalg.qr(V, mode="complete")
        return np.hstack([V, Qf[:, k:]])
    if is_rational(V):
        if check and V.ncols() <= V.nrows():  # a wider V gets its ShapeError from the completion
            _check_isometry(V)
        return _householder_rational(V)
    return _householder_lists(V)


def _check_isometry(V: flint.fmpq_mat) -> None:
    """Raise unless ``V^T V = I`` exactly, naming the first entry that differs."""
    G = V.transpose() * V
    k = G.nrows()
    for i in range(k):
        for j in range(k):
            if G[i, j] != (1 if i == j else 0):
                raise InvalidArgumentError(
                    f"V: expected orthonormal columns (V^T V = I) but (V^T V)[{i}, {j}] = {G[i, j]}"
                )


def _householder_lists(V: Any) -> Any:
    """The reflection loop on Python lists of entries (sympy V; the reference for rational V)."""
    cols = [list(c) for c in zip(*rows_of(V), strict=True)]
    m, k = len(cols[0]), len(cols)
    zero = 0 if is_rational(V) else sympy.Integer(0)
    reflections: list[list[Any] | None] = []
    for j in range(k):
        x = cols[j]
        for v in reflections:
            x = _reflect(v, x)
        v = [x[i] - (1 if i == j else 0) for i in range(m)]
        if all(is_zero(t) for t in v):
            reflections.append(None)
            continue
        reflections.append(v)
    extra = []
    for j in range(k, m):
        z = [zero + (1 if i == j else 0) for i in range(m)]
        for v in reversed(reflections):
            z = _reflect(v, z)
        extra.append(z)
    rows = [cols_row + [z[i] for z in extra] for i, cols_row in enumerate(rows_of(V))]
    return from_rows(rows, V)


def _reflect(v: list[Any] | None, x: list[Any]) -> list[Any]:
    if v is None:
        return x
    vv = sum((t * t for t in v[1:]), v[0] * v[0])
    f = 2 * sum((a * b for a, b in zip(v[1:], x[1:], strict=True)), v[0] * x[0]) / vv
    out = [a - f * b for a, b in zip(x, v, strict=True)]
    return out if all(isinstance(t, flint.fmpq) for t in out) else [sympy.radsimp(sympy.expand(t)) for t in out]


def _eye_q(n: int) -> flint.fmpq_mat:
    eye = flint.fmpq_mat(n, n)
    for i in range(n):
        eye[i, i] = 1
    return eye


def _pivot_columns(A: flint.fmpq_mat) -> list[int]:
    """Pivot columns of the reduced row echelon form of A."""
    R, rank = A.rref()
    c = A.ncols()
    vals = R.entries()
    pivots = []
    for r in range(rank):
        row = vals[r * c : (r + 1) * c]
        pivots.append(next(j for j, x in enumerate(row) if x != 0))
    return pivots


def _columns_q(A: flint.fmpq_mat, cols: list[int]) -> flint.fmpq_mat:
    c = A.ncols()
    vals = A.entries()
    return flint.fmpq_mat(A.nrows(), len(cols), [vals[i * c + j] for i in range(A.nrows()) for j in cols])


def _householder_rational(V: flint.fmpq_mat) -> flint.fmpq_mat:
    """``U = H_1 ... H_k`` for rational V as ``I - A_J A_JJ^{-T} A_J^T`` (see householder_completion, Notes)."""
    m, k = V.nrows(), V.ncols()
    if k > m:
        raise ShapeError(
            f"V: expected orthonormal columns, so at most as many columns as rows, but found shape ({m}, {k})"
        )
    if k == m:
        return flint.fmpq_mat(V)
    vals = V.entries()
    V1 = flint.fmpq_mat(k, k, vals[: k * k])
    Vb = flint.fmpq_mat(m - k, k, vals[k * k :])
    A1 = _eye_q(k) - V1
    try:
        # an inverse and a product beat a solve with m - k right-hand sides (python-flint 0.9)
        X = A1.inv().transpose() * Vb.transpose()
        A1J, VbJ = A1, Vb
    except ZeroDivisionError:
        # Some reflection is skipped (x_j = e_j): keep the pivot columns J of A_1 only.
        J = _pivot_columns(A1)
        A1J, VbJ = _columns_q(A1, J), _columns_q(Vb, J)
        AJJ = flint.fmpq_mat(len(J), len(J), [A1J[j, i] for j in J for i in range(len(J))])
        try:
            X = AJJ.inv().transpose() * VbJ.transpose() if J else flint.fmpq_mat(0, m - k)
        except ZeroDivisionError:
            _require_isometry(V)
            raise
    active = X.nrows() > 0
    Z_top = A1J * X if active else flint.fmpq_mat(k, m - k)
    Z_bot = _eye_q(m - k) - VbJ * X if active else _eye_q(m - k)
    zt, zb, w = Z_top.entries(), Z_bot.entries(), m - k
    out: list[flint.fmpq] = []
    for i in range(k):
        out += vals[i * k : (i + 1) * k]
        out += zt[i * w : (i + 1) * w]
    for i in range(w):
        out += vals[(k + i) * k : (k + i + 1) * k]
        out += zb[i * w : (i + 1) * w]
    return flint.fmpq_mat(m, m, out)


def _require_isometry(V: flint.fmpq_mat) -> None:
    k = V.ncols()
    G = V.transpose() * V
    for i in range(k):
        for j in range(k):
            want = 1 if i == j else 0
            if G[i, j] != want:
                raise InvalidArgumentError(
                    f"V: expected orthonormal columns (V^T V = I) but (V^T V)[{i}, {j}] = {G[i, j]}"
                )


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
    a = rows_of(A)
    n = len(a)
    rows: list[list[Any]] = []
    rational = True
    for k in range(n):
        p = a[k][k]
        if is_zero(p):
            continue
        root = rational_sqrt(p) if isinstance(p, flint.fmpq) else None
        if root is None:
            rational = False
            root = sympy.sqrt(sym_of(p))
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
    M, ar, n = square_of("W", W)
    require_numeric("W", ar.system, "the minimal completion")
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
        check_nonexpansive_exact(M, ar, n)
        A = ar.sub(ar.eye(n), ar.matmul(ar.transpose(M), M))
        rows, rational = _ldl_gram_factor(A)
        if not rational and len(rows) > 2:
            raise UnsupportedError(
                f"W: rank(I - W^T W) = {len(rows)} and the L D L^T pivots are not rational squares; exact algebraic "
                "minimal completion is implemented for rank <= 2; pass svd= factors, use rationalize, or float64"
            )
        Y = from_rows(rows, M) if rows else flint.fmpq_mat(0, n)
        method = "exact " + ("rational" if rational else "algebraic") + ": Y from the L D L^T factorisation"
    r = ar.shape(Y)[0] if not isinstance(Y, np.ndarray) else Y.shape[0]
    if r == 0:
        U = M
    else:
        sys_ar = ar if is_float(M) or is_rational(Y) else arith("exact")
        U = householder_completion(sys_ar.block([[M], [Y]]), check=False)  # orthogonality_check(U) below
    return MinimalCompletion(U, Y, r, method + f"; rank r = {r}", orthogonality_check(U))
