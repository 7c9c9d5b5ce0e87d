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

import math
from collections.abc import Sequence
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.errors import InvalidArgumentError, NonFiniteError
from urnn_sym.numbers.kinds import (
    exact_number,
    fmpq_of,
    is_float,
    is_rational,
    is_rational_number,
    require_numeric,
    sympy_number,
)
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
    "is_float",
    "is_rational",
    "parse_number",
    "require_numeric",
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

    @property
    def is_exact(self) -> bool:
        """True for the exact and symbolic systems (no rounding), False for float64.

        Examples
        --------
        >>> arith("exact").is_exact, arith("float64").is_exact
        (True, False)
        """
        return self.system != "float64"

    @property
    def is_symbolic(self) -> bool:
        """True for the symbolic system (entries may contain symbols).

        Examples
        --------
        >>> arith("symbolic").is_symbolic, arith("exact").is_symbolic
        (True, False)
        """
        return self.system == "symbolic"

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

    def vector(self, values: Sequence[Any], name: str = "vector") -> Any:
        """The native vector of this system from a flat list (1-D for float64, a column otherwise).

        Parameters
        ----------
        values : sequence
            The entries, converted as by :func:`to_vector`.
        name : str, default "vector"
            The argument name used in error messages.

        Examples
        --------
        >>> arith("exact").vector([1, "1/2"]).tolist()
        [[1], [1/2]]
        """
        return to_vector(name, list(values), system=self.system)

    def zero_vector(self, n: int) -> Any:
        """The zero vector of length n: a read-only 1-D array for float64, an ``n x 1`` column otherwise.

        Parameters
        ----------
        n : int
            The length.

        Examples
        --------
        >>> arith("float64").zero_vector(2).tolist(), arith("exact").zero_vector(2).tolist()
        ([0.0, 0.0], [[0], [0]])
        """
        if self.system == "float64":
            z = np.zeros(n)
            z.setflags(write=False)
            return z
        return self.zeros(n, 1)

    def stack(self, parts: Sequence[Any]) -> Any:
        """Stack matrices (or vectors) of equal width on top of each other; float64 vectors stay 1-D.

        Parameters
        ----------
        parts : sequence of native matrices or vectors
            At least one; all of this system (or mixed exact and symbolic).

        Examples
        --------
        >>> arith("float64").stack([np.ones(1), np.zeros(2)]).tolist()
        [1.0, 0.0, 0.0]
        >>> arith("exact").stack([arith("exact").eye(1), arith("exact").zeros(1, 1)]).tolist()
        [[1], [0]]
        """
        if all(isinstance(p, np.ndarray) and p.ndim == 1 for p in parts):
            return np.concatenate(list(parts))
        return self.block([[p] for p in parts])

    def diag(self, values: Sequence[Any]) -> Any:
        """The diagonal matrix with the given diagonal entries.

        float64: a float array; exact: an ``fmpq_mat`` when every entry is
        rational, else an immutable sympy matrix; symbolic: a sympy matrix.

        Parameters
        ----------
        values : sequence
            The diagonal (ints, Fractions, ``flint.fmpq``, sympy numbers or floats).

        Examples
        --------
        >>> from fractions import Fraction
        >>> arith("exact").diag([1, Fraction(1, 2)]).tolist()
        [[1, 0], [0, 1/2]]
        >>> arith("float64").diag([2, 3]).tolist()
        [[2.0, 0.0], [0.0, 3.0]]
        """
        n = len(values)
        if self.system == "float64":
            return np.diag(np.asarray([float(x) for x in values], dtype=np.float64))
        if self.system == "exact" and all(is_rational_number(x) for x in values):
            flat = [fmpq_of(values[i]) if i == j else 0 for i in range(n) for j in range(n)]
            return flint.fmpq_mat(n, n, flat)
        return sympy.ImmutableMatrix(sympy.diag(*[sympy_number(x) for x in values]))

    def sub_matrix(self, M: Any, rows: Sequence[int], cols: Sequence[int] | None = None) -> Any:
        """The submatrix ``M[rows, cols]`` (all columns when ``cols`` is None), in M's own representation.

        A float64 1-D vector gives a 1-D vector.

        Parameters
        ----------
        M : native matrix or vector
            numpy array, ``flint.fmpq_mat`` or sympy matrix.
        rows : sequence of int
            Row indices, in the order wanted (a ``range`` for a block).
        cols : sequence of int, optional
            Column indices; None keeps every column.

        Examples
        --------
        >>> A = arith("exact")
        >>> A.sub_matrix(A.matrix([[1, 2, 3], [4, 5, 6]]), [1], range(1, 3)).tolist()
        [[5, 6]]
        >>> arith("float64").sub_matrix(np.arange(4.0), [3, 0]).tolist()
        [3.0, 0.0]
        """
        rows = list(rows)
        if isinstance(M, np.ndarray):
            if M.ndim == 1 or cols is None:
                return M[rows]
            return M[np.ix_(rows, list(cols))]
        cs = list(cols) if cols is not None else list(range(self.shape(M)[1]))
        if isinstance(M, flint.fmpq_mat):
            return flint.fmpq_mat(len(rows), len(cs), [M[i, j] for i in rows for j in cs])
        return sympy.ImmutableMatrix(len(rows), len(cs), [M[i, j] for i in rows for j in cs])

    def scale_rows(self, M: Any, values: Sequence[Any]) -> Any:
        """``diag(values) M``: row i (entry i of a float64 vector) multiplied by ``values[i]``.

        Parameters
        ----------
        M : native matrix or vector
            Of this system.
        values : sequence
            One factor per row (floats for float64, exact numbers otherwise).

        Examples
        --------
        >>> arith("float64").scale_rows(np.ones((2, 1)), [2, 3]).tolist()
        [[2.0], [3.0]]
        >>> arith("exact").scale_rows(arith("exact").matrix([[1, 1]]), ["1/2"]).tolist()
        [[1/2, 1/2]]
        """
        if isinstance(M, np.ndarray):
            ell = np.array([float(x) for x in values])
            return ell * M if M.ndim == 1 else ell[:, None] * M
        return self.matmul(self.diag([exact_number(x) for x in values]), M)

    def unscale_cols(self, M: Any, values: Sequence[Any]) -> Any:
        """``M diag(values)^-1``: column j divided by ``values[j]`` (all nonzero).

        Parameters
        ----------
        M : native matrix
            Of this system.
        values : sequence
            One nonzero divisor per column.

        Examples
        --------
        >>> arith("float64").unscale_cols(np.ones((1, 2)), [2, 4]).tolist()
        [[0.5, 0.25]]
        >>> arith("exact").unscale_cols(arith("exact").matrix([[1, 1]]), [2, "1/3"]).tolist()
        [[1/2, 3]]
        """
        if isinstance(M, np.ndarray):
            return M / np.array([float(x) for x in values])[None, :]
        return self.matmul(M, self.diag([1 / exact_number(x) for x in values]))

    def for_display(self, M: Any) -> Any:
        """M as it is printed: float64 arrays unchanged, exact and symbolic matrices as sympy matrices.

        Parameters
        ----------
        M : native matrix or vector
            Of this system.

        Examples
        --------
        >>> arith("exact").for_display(arith("exact").eye(1))
        Matrix([[1]])
        """
        return M if isinstance(M, np.ndarray) else as_sympy(M)

    def expand(self, M: Any) -> Any:
        """``M`` with every symbolic entry expanded (``sympy.expand``); numeric systems return M unchanged.

        Parameters
        ----------
        M : native matrix
            Of this system.

        Examples
        --------
        >>> x = sympy.Symbol("x")
        >>> arith("symbolic").expand(sympy.ImmutableMatrix([[(x + 1) ** 2]]))
        Matrix([[x**2 + 2*x + 1]])
        """
        if self.system != "symbolic":
            return M
        return M.applyfunc(sympy.expand)

    def scalar(self, value: Any, name: str = "value") -> Any:
        """An exact number as a scalar of this system: a finite float, a Fraction (rational) or a sympy number.

        Parameters
        ----------
        value : int, Fraction, str or sympy number
            An exact number (a float is taken at its exact dyadic value).
        name : str, default "value"
            The argument name used in error messages.

        Raises
        ------
        NonFiniteError
            float64: the value overflows a double.

        Examples
        --------
        >>> from fractions import Fraction
        >>> arith("float64").scalar(Fraction(1, 4)), arith("exact").scalar(0.25)
        (0.25, Fraction(1, 4))
        """
        if self.system == "float64":
            try:
                out = float(value)
            except OverflowError:
                out = math.inf
            if not math.isfinite(out):
                raise NonFiniteError(f"{name}: expected a finite float64 number but found {value}")
            return out
        if isinstance(value, sympy.Basic) and not value.is_Rational:
            return value
        return as_fraction(value, name=name)

    def is_rational(self, value: Any) -> bool:
        """Whether ``value`` is a rational native matrix (``flint.fmpq_mat``); see :func:`is_rational`.

        Parameters
        ----------
        value : Any
            Any object.

        Examples
        --------
        >>> arith("exact").is_rational(arith("exact").eye(1))
        True
        """
        return is_rational(value)

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
