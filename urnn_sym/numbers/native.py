"""Private helpers shared by the completion modules (math.md section 2).

Rows of native matrices (numpy, python-flint, sympy) and back, exact zero
tests, rational square roots, and the exact test that ``I - W^T W`` is PSD,
used by :mod:`urnn_sym.construct.defects`, :mod:`urnn_sym.construct.halmos` and
:mod:`urnn_sym.construct.householder`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.errors import NotContractiveError, ShapeError
from urnn_sym.numbers.arith import Arith, arith, as_sympy, exact_sign, system_of, to_matrix
from urnn_sym.numbers.norms import is_psd, spectral_norm_bounds


def _native(name: str, W: Any) -> Any:
    if isinstance(W, (np.ndarray, flint.fmpq_mat, sympy.MatrixBase)):
        return W
    return to_matrix(name, W)


def square_of(name: str, W: Any) -> tuple[Any, Arith, int]:
    M = _native(name, W)
    ar = arith(system_of(M))
    r, c = ar.shape(M)
    if r != c or r == 0:
        raise ShapeError(f"{name}: expected a non-empty square matrix but found shape ({r}, {c})")
    return M, ar, r


def rows_of(M: Any) -> list[list[Any]]:
    """Rows of a native matrix as lists of scalars (fmpq, sympy or float)."""
    if isinstance(M, np.ndarray):
        return M.tolist()
    if isinstance(M, flint.fmpq_mat):
        return M.tolist()
    return as_sympy(M).tolist()


def from_rows(rows: list[list[Any]], like: Any) -> Any:
    """A native matrix of the same kind as ``like`` (fmpq_mat if every entry is rational)."""
    if isinstance(like, np.ndarray):
        return np.array(rows, dtype=np.float64)
    r, c = len(rows), len(rows[0]) if rows else 0
    flat = [x for row in rows for x in row]
    if all(isinstance(x, (flint.fmpq, flint.fmpz, int)) for x in flat):
        return flint.fmpq_mat(r, c, flat)
    return sympy.ImmutableMatrix(r, c, [sym_of(x) for x in flat])


def sym_of(x: Any) -> sympy.Expr:
    if isinstance(x, flint.fmpq):
        return sympy.Rational(int(x.p), int(x.q))
    return sympy.sympify(x)


def fmpq_of(x: Fraction | int) -> flint.fmpq:
    fr = Fraction(x)
    return flint.fmpq(fr.numerator, fr.denominator)


def diag_scale_cols(M: flint.fmpq_mat, c: Sequence[flint.fmpq]) -> flint.fmpq_mat:
    """``M diag(c)`` without a full matrix product."""
    n, m = M.nrows(), M.ncols()
    vals = M.entries()
    return flint.fmpq_mat(n, m, [vals[i * m + j] * c[j] for i in range(n) for j in range(m)])


def is_zero(x: Any) -> bool:
    if isinstance(x, (flint.fmpq, int, float)):
        return x == 0
    return exact_sign(sympy.nsimplify(x) if isinstance(x, sympy.Float) else x) == 0


def rational_sqrt(q: flint.fmpq) -> flint.fmpq | None:
    if q < 0:
        return None
    p, d = int(q.p), int(q.q)
    rp, rd = _isqrt_exact(p), _isqrt_exact(d)
    return None if rp is None or rd is None else flint.fmpq(rp, rd)


def _isqrt_exact(k: int) -> int | None:
    r = math.isqrt(k)
    return r if r * r == k else None


def check_nonexpansive_exact(W: Any, ar: Arith, n: int) -> None:
    A = ar.sub(ar.eye(n), ar.matmul(ar.transpose(W), W))
    if not is_psd(A, name="I - W^T W"):
        low = spectral_norm_bounds(W).lower
        raise NotContractiveError(
            f"W: the unitary completion needs ||W||_2 <= 1 but I - W^T W is not PSD (||W||_2 >= {low}, certified)"
        )
