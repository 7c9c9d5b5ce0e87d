"""The Halmos completion ``U = [[W, D_W*], [D_W, -W^T]]`` and exact orthogonality checks (math.md section 2).

:func:`unitary_completion` embeds a non-expansive ``W`` in an orthogonal
``2n x 2n`` matrix from its defect operators (:mod:`urnn_sym.construct.defects`);
:func:`orthogonality_check` decides ``U^T U = I`` exactly, by simplification
modulo the square roots' defining relations (:func:`radical_free_zero`), or
reports the float64 residual.

Examples
--------
>>> unitary_completion([["3/5"]]).U.tolist()
[[3/5, 4/5], [4/5, -3/5]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from urnn_sym.construct.defects import RationalSVD, defect_operators
from urnn_sym.evidence import Check
from urnn_sym.numbers.arith import arith, is_rational, system_of
from urnn_sym.numbers.native import square_of

__all__ = ["Completion", "orthogonality_check", "radical_free_zero", "unitary_completion"]


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
        G = U.T @ U  # numpy computes U^T U as a symmetric rank-k update
        G = G.astype(np.result_type(G, np.float64), copy=False)
        return _residual_check(_max_off_identity(G, diagonal=True))
    if is_rational(U):
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


def _max_off_identity(G: np.ndarray, *, diagonal: bool) -> float:
    """``max|G - I|`` (``diagonal``) or ``max|G|`` of a square product G, overwriting G (no identity matrix)."""
    if diagonal:
        G.flat[:: G.shape[1] + 1] -= 1.0
    return float(np.abs(G, out=G).max()) if G.size else 0.0


def _residual_check(resid: float) -> Check:
    """The float64 orthogonality check reporting ``max|U^T U - I| = resid``."""
    return Check(True, "float64 residual", f"max|U^T U - I| = {resid:.3g}", {"residual": resid})


def _halmos_residual(U: np.ndarray, n: int) -> float:
    """``max|U^T U - I|`` of a float64 Halmos completion ``U`` (2n x 2n) from three n x n blocks of ``U^T U``.

    With the column blocks ``U1 = U[:, :n] = [W; D_W]`` and ``U2 = U[:, n:]``,
    ``U^T U = [[U1^T U1, U1^T U2], [U2^T U1, U2^T U2]]``.  The diagonal blocks
    are symmetric rank-k updates (half a product each) and the lower-left
    block is the transpose of the upper-right one (numpy's ``U.T @ U`` is
    exactly symmetric too), so this is ``8 n^3`` flops, a quarter of a general
    2n x 2n product, with n x n temporaries only (no 2n x 2n Gram matrix or
    identity).  Each entry is the same dot product of two columns of U as in
    ``np.abs(U.T @ U - I).max()``; only the BLAS summation order may differ.
    """
    U1, U2 = U[:, :n], U[:, n:]
    return max(
        _max_off_identity(U1.T @ U1, diagonal=True),
        _max_off_identity(U2.T @ U2, diagonal=True),
        _max_off_identity(U1.T @ U2, diagonal=False),
    )


def _float_halmos(W: np.ndarray, D: np.ndarray, D_star: np.ndarray, check: bool) -> tuple[np.ndarray, Check]:
    """``U = [[W, D_W*], [D_W, -W^T]]`` as a read-only array, and its residual check (unless ``check`` is False)."""
    n = W.shape[0]
    U = np.empty((2 * n, 2 * n), dtype=np.result_type(W, D, D_star))
    U[:n, :n] = W
    U[:n, n:] = D_star
    U[n:, :n] = D
    np.negative(W.T, out=U[n:, n:])
    U.setflags(write=False)
    if not check:
        return U, Check(
            True, "float64 residual not measured (check=False)", "max|U^T U - I| not computed", {"residual": None}
        )
    return U, _residual_check(_halmos_residual(U, n))


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


def unitary_completion(
    W: Any, *, svd: RationalSVD | None = None, assume_contractive: bool = False, check: bool = True
) -> Completion:
    """Halmos completion ``U = [[W, D_W*], [D_W, -W^T]]`` with ``U^T U = I``.

    Parameters
    ----------
    W : matrix-like
        Square, ``||W||_2 <= 1``.
    svd : RationalSVD, optional
        Known exact factors of a rational W (see :func:`defect_operators`).
    assume_contractive : bool
        Symbolic W only (see :func:`defect_operators`).
    check : bool, default True
        float64 W only: measure ``max|U^T U - I|`` (roughly a third of the
        time of the SVD at n = 1024).  With False the check holds without a
        measurement and ``data["residual"]`` is None.  Exact and symbolic
        completions are always checked (the check is their proof).

    Returns
    -------
    Completion
        float64: ``U``, ``D`` and ``D_star`` are read-only arrays.

    Notes
    -----
    The four blocks of ``U^T U`` are ``W^T W + D_W^2 = I``,
    ``W^T D_W* - D_W W^T = 0``, its transpose and ``D_W*^2 + W W^T = I``
    (math.md section 2).  The float64 residual is computed from the three
    distinct n x n blocks of ``U^T U``, with column blocks of U as operands.

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
    M, ar, _ = square_of("W", W)
    d = defect_operators(M, svd=svd, assume_contractive=assume_contractive)
    if isinstance(M, np.ndarray):
        D, D_star = d.D, d.D_star
        D.setflags(write=False)
        D_star.setflags(write=False)
        U, orthogonal = _float_halmos(M, D, D_star, check)
        return Completion(U, D, D_star, d.method, orthogonal)
    U = ar.block([[M, d.D_star], [d.D, ar.neg(ar.transpose(M))]])  # exact or symbolic: block mixes flint and sympy
    return Completion(U, d.D, d.D_star, d.method, orthogonality_check(U, symbolic=ar.is_symbolic))
