"""The three number systems and the conversions between them.

urnn-sym computes in one of three *number systems*:

``"float64"``
    numpy ``float64`` arrays; vectors are 1-D arrays.
``"exact"``
    rationals, held as ``flint.fmpq_mat`` (fast C arithmetic), or, when some
    entry is an algebraic irrational such as ``sqrt(2)/2``, as an immutable sympy
    matrix of exact numbers.  Vectors are ``n x 1`` columns.
``"symbolic"``
    immutable sympy matrices whose entries may contain symbols.

Each algorithm is written once against the small matrix interface of
:class:`Arith` (``eye``, ``zeros``, ``matmul``, ``add``, ``sub``, ``neg``,
``transpose``, ``block``, ``equal``); :func:`arith` returns the adapter of a
system.  Converting float64 to exact is exact: every double is a dyadic
rational and ``fractions.Fraction(x)`` recovers it without rounding.

Examples
--------
>>> parse_number("3/5") + parse_number("0.125")
29/40
>>> parse_number("sqrt(2)/2")
sqrt(2)/2
>>> A = to_matrix("A", [[0.5, 0.25]])
>>> arith_of(A).system
'float64'
>>> E = to_matrix("E", [[0.5, 0.25]], system="exact")
>>> as_sympy(E)
Matrix([[1/2, 1/4]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.numbers.matrices import (
    SYSTEMS,
    as_sympy,
    entries,
    infer_system,
    system_of,
    to_matrix,
    to_system,
    to_vector,
)
from urnn_sym.numbers.parsing import parse_number
from urnn_sym.numbers.scalars import (
    arb_enclosure,
    as_fraction,
    as_fractions,
    exact_sign,
    fmpq_to_fraction,
    working_precision,
)

__all__ = [
    "SYSTEMS",
    "Arith",
    "arb_enclosure",
    "arith",
    "arith_of",
    "as_fraction",
    "as_fractions",
    "as_sympy",
    "entries",
    "exact_sign",
    "fmpq_to_fraction",
    "infer_system",
    "parse_number",
    "system_of",
    "to_matrix",
    "to_system",
    "to_vector",
    "working_precision",
]


# --------------------------------------------------------------------------
# the matrix interface
# --------------------------------------------------------------------------


class Arith:
    """Matrix operations (``eye``, ``matmul``, ``block``, ``equal``, ...) of one number system, on native matrices.

    Use :func:`arith` or :func:`arith_of` to get the shared adapter of a system
    rather than constructing one.

    Parameters
    ----------
    system : {"float64", "exact", "symbolic"}
        The number system whose native matrices the methods create and combine.

    Attributes
    ----------
    system : str
        The number system.

    Raises
    ------
    InvalidArgumentError
        If ``system`` is not one of the three systems.

    Notes
    -----
    Binary operations on two ``fmpq_mat`` or two numpy arrays stay in that
    type; any other mix is computed on sympy matrices.  ``equal`` is ``==`` on
    the entries for float64 (so ``0.0 == -0.0``), exact for exact matrices, and
    ``sympy.simplify(a - b) == 0`` entrywise for symbolic ones.

    Examples
    --------
    >>> A = arith("exact")
    >>> M = A.matrix([[1, 2], [3, 4]])
    >>> A.equal(A.matmul(M, A.eye(2)), M)
    True
    """

    def __init__(self, system: str) -> None:
        if system not in SYSTEMS:
            raise InvalidArgumentError(f"system: expected one of {', '.join(SYSTEMS)} but found {system!r}")
        self.system = system

    def __repr__(self) -> str:
        return f"arith({self.system!r})"

    # construction -----------------------------------------------------------
    def matrix(self, rows: Any, name: str = "matrix") -> Any:
        """A native matrix of this system from rows (exact conversion from float)."""
        return to_matrix(name, rows, system=self.system)

    def eye(self, n: int) -> Any:
        """The ``n x n`` identity."""
        if self.system == "float64":
            return np.eye(n)
        if self.system == "exact":
            return flint.fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])
        return sympy.ImmutableMatrix(sympy.eye(n))

    def zeros(self, r: int, c: int) -> Any:
        """The ``r x c`` zero matrix."""
        if self.system == "float64":
            return np.zeros((r, c))
        if self.system == "exact":
            return flint.fmpq_mat(r, c)
        return sympy.ImmutableMatrix(sympy.zeros(r, c))

    def column(self, vector: Any) -> Any:
        """A vector as an ``n x 1`` matrix."""
        if isinstance(vector, np.ndarray):
            return vector.reshape(-1, 1)
        return vector

    # algebra ------------------------------------------------------------------
    def _pair(self, a: Any, b: Any) -> tuple[Any, Any]:
        if isinstance(a, flint.fmpq_mat) and isinstance(b, flint.fmpq_mat):
            return a, b
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            return a, b
        return as_sympy(a), as_sympy(b)

    def matmul(self, a: Any, b: Any) -> Any:
        """Matrix product ``a b``."""
        a, b = self._pair(a, b)
        return a @ b if isinstance(a, np.ndarray) else a * b

    def add(self, a: Any, b: Any) -> Any:
        """Sum ``a + b``."""
        a, b = self._pair(a, b)
        return a + b

    def sub(self, a: Any, b: Any) -> Any:
        """Difference ``a - b``."""
        a, b = self._pair(a, b)
        return a - b

    def neg(self, a: Any) -> Any:
        """Negation ``-a``."""
        return -a

    def scale(self, c: Any, a: Any) -> Any:
        """Scalar multiple ``c a``."""
        if isinstance(a, np.ndarray):
            return float(c) * a
        if isinstance(a, flint.fmpq_mat):
            fr = as_fraction(c) if not isinstance(c, sympy.Basic) or c.is_Rational else None
            if fr is not None:
                return a * flint.fmpq(fr.numerator, fr.denominator)
            return as_sympy(a) * c
        return a * (parse_number(c, name="c") if isinstance(c, str) else sympy.sympify(c, strict=True))

    def transpose(self, a: Any) -> Any:
        """Transpose ``a^T``."""
        return a.T if not isinstance(a, flint.fmpq_mat) else a.transpose()

    def shape(self, a: Any) -> tuple[int, int]:
        """``(rows, cols)``."""
        if isinstance(a, flint.fmpq_mat):
            return (a.nrows(), a.ncols())
        return tuple(a.shape)  # type: ignore[return-value]

    def block(self, blocks: Sequence[Sequence[Any]]) -> Any:
        """Assemble a block matrix from rows of blocks."""
        if self.system == "float64":
            return np.block([[np.asarray(b) for b in row] for row in blocks])
        if all(isinstance(b, flint.fmpq_mat) for row in blocks for b in row):
            heights = [row[0].nrows() for row in blocks]
            widths = [b.ncols() for b in blocks[0]]
            out = flint.fmpq_mat(sum(heights), sum(widths))
            r0 = 0
            for row, h in zip(blocks, heights, strict=True):
                c0 = 0
                for blk, w in zip(row, widths, strict=True):
                    for i in range(h):
                        for j in range(w):
                            out[r0 + i, c0 + j] = blk[i, j]
                    c0 += w
                r0 += h
            return out
        return sympy.ImmutableMatrix(sympy.BlockMatrix([[as_sympy(b) for b in row] for row in blocks]).as_explicit())

    def equal(self, a: Any, b: Any) -> bool:
        """Exact equality for exact/symbolic systems; bitwise equality for float64."""
        if self.shape(a) != self.shape(b):
            return False
        a, b = self._pair(a, b)
        if isinstance(a, np.ndarray):
            return bool(np.array_equal(a, b))
        if isinstance(a, flint.fmpq_mat):
            return bool(a == b)
        diff = a - b
        if self.system == "symbolic":
            return all(sympy.simplify(v) == 0 for v in diff)
        return all(exact_sign(v) == 0 for v in diff)


_ARITH = {s: Arith(s) for s in SYSTEMS}


def arith(system: str) -> Arith:
    """Return the shared :class:`Arith` adapter of a number system.

    Parameters
    ----------
    system : {"float64", "exact", "symbolic"}
        The number system.

    Returns
    -------
    Arith
        The adapter (one shared instance per system).

    Raises
    ------
    InvalidArgumentError
        If ``system`` is not one of the three systems.
    """
    if system not in _ARITH:
        raise InvalidArgumentError(f"system: expected one of {', '.join(SYSTEMS)} but found {system!r}")
    return _ARITH[system]


def arith_of(value: Any) -> Arith:
    """Return ``arith(system_of(value))``: the adapter of the system a native matrix belongs to.

    Parameters
    ----------
    value : numpy.ndarray, flint.fmpq_mat or sympy.MatrixBase
        A native matrix or vector.

    Returns
    -------
    Arith
        The shared adapter of its number system (see :func:`system_of`).

    Raises
    ------
    EntryTypeError
        If ``value`` is not a native matrix.
    """
    return _ARITH[system_of(value)]
