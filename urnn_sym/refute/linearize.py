"""Exact linearisation of piecewise-linear RNNs: activation patterns, Jacobians, the spaces Z_j.

For a ReLU (or identity) RNN and an input sequence ``x(0..T-1)`` the
pre-activations ``z(j) = W h(j-1) + F x(j) + b`` fix the 0/1 patterns
``P_j = diag[z_i(j) > 0]``, and on the affine region around a *generic* point
(every ``z_i(j)`` nonzero, or identically zero nearby) the chain rule gives the
state Jacobians (math.md section 3, step 3)::

    J_j(j) = P_j F,    J_j(l) = P_j W J_{j-1}(l)  (l < j),    dy(j)/dx(l) = C J_j(l)

Everything is exact rational arithmetic with python-flint (``fmpq_mat``); float64
parameters and inputs are taken as their exact dyadic values.  The linear-algebra
helpers (:func:`rank`, :func:`column_basis`, :func:`nullspace`, :func:`hstack`)
work on any ``fmpq_mat`` and are meant to be reused.

:func:`dimension_count` measures the quantities of the dimension-counting lemma of
Theorem 2 (ranks of ``P_1``, ``dim Z_0``, ``dim Z_1``, the kernel ``K``) and which of
its Jacobian conditions fails.

>>> from urnn_sym import RNN
>>> lin = linearize(RNN([[0, 1], [1, 0]], [[1], [0]], [0, "-1/2"], [[1, 0]]), [[1], [2]])
>>> lin.patterns
[(1, 0), (1, 1)]
>>> lin.output_jacobian(1, 0).entries(), lin.output_jacobian(1, 1).entries()
([0], [1])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint

from urnn_sym.errors import EntryTypeError, InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.model import RNN
from urnn_sym.numbers.activations import PIECEWISE_LINEAR
from urnn_sym.numbers.arith import as_fraction, fmpq_to_fraction
from urnn_sym.refutation.simulate import rational_parameters

__all__ = [
    "LemmaCount",
    "Linearization",
    "column_basis",
    "dimension_count",
    "hstack",
    "linearize",
    "nullspace",
    "pattern_matrix",
    "rank",
    "rational_parameters",
]



# ------------------------------------------------------------------------------
# exact linear algebra on fmpq_mat
# ------------------------------------------------------------------------------


def rank(M: flint.fmpq_mat) -> int:
    """Exact rank over Q (0 for an empty matrix).

    Parameters
    ----------
    M : fmpq_mat
        Any rational matrix.

    Examples
    --------
    >>> rank(flint.fmpq_mat([[1, 2], [2, 4]]))
    1
    """
    if M.nrows() == 0 or M.ncols() == 0:
        return 0
    return int(M.rank())


def _pivots(M: flint.fmpq_mat) -> list[int]:
    R, r = M.rref()
    pivots, row = [], 0
    for j in range(M.ncols()):
        if row < r and R[row, j] != 0:
            pivots.append(j)
            row += 1
    return pivots


def hstack(blocks: Sequence[flint.fmpq_mat], rows: int) -> flint.fmpq_mat:
    """Matrices with ``rows`` rows side by side (an empty list gives ``rows x 0``).

    Parameters
    ----------
    blocks : sequence of fmpq_mat
        Matrices with ``rows`` rows each.
    rows : int
        The common number of rows (needed when ``blocks`` is empty).
    """
    cols = sum(B.ncols() for B in blocks)
    out = flint.fmpq_mat(rows, cols)
    c0 = 0
    for B in blocks:
        if B.nrows() != rows:
            raise ShapeError(f"blocks: expected {rows} rows but found {B.nrows()}")
        for i in range(rows):
            for j in range(B.ncols()):
                out[i, c0 + j] = B[i, j]
        c0 += B.ncols()
    return out


def column_basis(M: flint.fmpq_mat) -> flint.fmpq_mat:
    """A basis of the column space: the pivot columns of ``M`` (``rows x rank``).

    Parameters
    ----------
    M : fmpq_mat
        Any rational matrix.

    Examples
    --------
    >>> column_basis(flint.fmpq_mat([[1, 2, 0], [0, 0, 1]])).entries()
    [1, 0, 0, 1]
    """
    if M.nrows() == 0 or M.ncols() == 0:
        return flint.fmpq_mat(M.nrows(), 0)
    return hstack([_column(M, j) for j in _pivots(M)], M.nrows())


def _column(M: flint.fmpq_mat, j: int) -> flint.fmpq_mat:
    return flint.fmpq_mat(M.nrows(), 1, [M[i, j] for i in range(M.nrows())])


def nullspace(M: flint.fmpq_mat) -> flint.fmpq_mat:
    """A basis of ``{v : M v = 0}`` as the columns of a ``cols x (cols - rank)`` matrix.

    Parameters
    ----------
    M : fmpq_mat
        Any rational matrix.

    Examples
    --------
    >>> N = nullspace(flint.fmpq_mat([[1, 1]]))
    >>> N.entries()
    [-1, 1]
    """
    n = M.ncols()
    if M.nrows() == 0:
        return flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])
    R, _ = M.rref()
    pivots = _pivots(M)
    free = [j for j in range(n) if j not in pivots]
    out = flint.fmpq_mat(n, len(free))
    for k, f in enumerate(free):
        out[f, k] = 1
        for row, p in enumerate(pivots):
            out[p, k] = -R[row, f]
    return out


def pattern_matrix(pattern: Sequence[int]) -> flint.fmpq_mat:
    """The 0/1 diagonal matrix ``P = diag(pattern)``.

    Parameters
    ----------
    pattern : sequence of 0/1
        The diagonal.
    """
    m = len(pattern)
    return flint.fmpq_mat(m, m, [int(pattern[i]) if i == j else 0 for i in range(m) for j in range(m)])


# ------------------------------------------------------------------------------
# linearisation
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Linearization:
    """Exact linearisation of a piecewise-linear RNN along one input sequence.

    Attributes
    ----------
    pre : list of fmpq_mat
        Pre-activations ``z(j)`` (``n x 1``), j = 0..T-1.
    patterns : list of tuple of int
        ``P_j`` diagonals: 1 where ``z_i(j) > 0`` (all ones for the identity).
    state_jacobians : dict
        ``(j, l) -> J_j(l) = dh(j)/dx(l)`` (``n x d``) for ``l <= j``.
    pre_jacobians : dict
        ``(j, l) -> dz(j)/dx(l)`` (``n x d``): ``F`` when ``l = j``, ``W J_{j-1}(l)`` otherwise.
    C : fmpq_mat
        The output matrix (``dy(j)/dx(l) = C J_j(l)``).
    outputs : list of fmpq_mat
        ``y(j)`` (``p x 1``).
    degenerate : list of tuple of int
        ``(j, i)`` with ``z_i(j) = 0`` but a nonzero gradient: the point is not
        generic and the chain rule with ``P_j`` may fail there.
    """

    pre: list[flint.fmpq_mat]
    patterns: list[tuple[int, ...]]
    state_jacobians: dict[tuple[int, int], flint.fmpq_mat]
    pre_jacobians: dict[tuple[int, int], flint.fmpq_mat]
    C: flint.fmpq_mat
    outputs: list[flint.fmpq_mat]
    degenerate: list[tuple[int, int]]

    @property
    def T(self) -> int:
        """Number of time steps."""
        return len(self.pre)

    @property
    def generic(self) -> bool:
        """True when every pre-activation is nonzero or locally constant (the chain rule holds)."""
        return not self.degenerate

    def output_jacobian(self, j: int, l: int) -> flint.fmpq_mat:
        """``dy(j)/dx(l) = C J_j(l)`` (zero for ``l > j``)."""
        if not (0 <= l < self.T and 0 <= j < self.T):
            raise InvalidArgumentError(f"j, l: expected 0 <= j, l < {self.T} but found j={j}, l={l}")
        if l > j:
            return flint.fmpq_mat(self.C.nrows(), self.state_jacobians[(0, 0)].ncols())
        return self.C * self.state_jacobians[(j, l)]

    def margin(self, l: int, c: int) -> Fraction | None:
        """Largest step ``t`` such that moving ``x(l)_c`` by any ``|s| < t`` keeps every pattern.

        Pre-activations are affine on the region: ``z_i(j) + s dz_i(j)/dx(l)_c``.
        None when no pre-activation depends on ``x(l)_c`` (no limit).
        """
        best: Fraction | None = None
        for j in range(l, self.T):
            D = self.pre_jacobians[(j, l)]
            for i in range(D.nrows()):
                slope = D[i, c]
                if slope != 0 and self.pre[j][i, 0] != 0:
                    ratio = abs(fmpq_to_fraction(self.pre[j][i, 0]) / fmpq_to_fraction(slope))
                    best = ratio if best is None or ratio < best else best
        return best

    def Z(self, j: int) -> flint.fmpq_mat:
        """``[J_j(0), ..., J_j(j)]``: its column space is ``Z_j`` of math.md section 3."""
        n = self.pre[0].nrows()
        return hstack([self.state_jacobians[(j, l)] for l in range(j + 1)], n)


def _inputs(xs: Sequence[Sequence[Any]], d: int) -> list[flint.fmpq_mat]:
    if isinstance(xs, (str, bytes)) or len(xs) == 0:
        raise ShapeError("xs: expected T >= 1 rows of inputs but found none")
    cols = []
    for k, row in enumerate(xs):
        if len(row) != d:
            raise ShapeError(f"xs[{k}]: expected {d} entries (the input dimension) but found {len(row)}")
        vals = [as_fraction(v, name=f"xs[{k}][{i}]") for i, v in enumerate(row)]
        cols.append(flint.fmpq_mat(d, 1, [flint.fmpq(v.numerator, v.denominator) for v in vals]))
    return cols


def linearize(rnn: RNN, xs: Sequence[Sequence[Any]]) -> Linearization:
    """Exact pre-activations, patterns ``P_j`` and Jacobians ``J_j(l)`` of a ReLU/identity RNN at ``xs``.

    Parameters
    ----------
    rnn : RNN
        ReLU or identity activation; float64 or rational parameters (floats exactly).
    xs : sequence of rows
        T rows of d numbers (floats exactly, ``Fraction``, ``"3/5"``).

    Notes
    -----
    math.md section 3, steps 1 and 3.  A pre-activation that is exactly zero
    counts as inactive; it is *degenerate* unless its gradient is zero too.

    Examples
    --------
    >>> lin = linearize(RNN([[0]], [[1]], [0], [[1]]), [["1/2"], [-1]])
    >>> lin.patterns, lin.output_jacobian(0, 0).entries(), lin.generic
    ([(1,), (0,)], [1], True)
    """
    if not isinstance(rnn, RNN):
        raise EntryTypeError(f"rnn: expected an RNN but found {type(rnn).__name__}")
    if rnn.activation not in PIECEWISE_LINEAR:
        raise UnsupportedError(
            f"activation: linearize needs a piecewise-linear activation (relu, identity) but found {rnn.activation!r}"
        )
    P = rational_parameters(rnn)
    W, F, b, C, h = P["W"], P["F"], P["b"], P["C"], P["h0"]
    n, d = W.nrows(), F.ncols()
    relu = rnn.activation == "relu"
    pre, patterns, outputs, degenerate = [], [], [], []
    J: dict[tuple[int, int], flint.fmpq_mat] = {}
    Dz: dict[tuple[int, int], flint.fmpq_mat] = {}
    for j, x in enumerate(_inputs(xs, d)):
        z = W * h + F * x + b
        pattern = tuple(int(z[i, 0] > 0) if relu else 1 for i in range(n))
        Pj = pattern_matrix(pattern)
        for l in range(j + 1):
            Dz[(j, l)] = F if l == j else W * J[(j - 1, l)]
            J[(j, l)] = Pj * Dz[(j, l)]
        if relu:
            for i in range(n):
                if z[i, 0] == 0 and any(Dz[(j, l)][i, c] != 0 for l in range(j + 1) for c in range(d)):
                    degenerate.append((j, i))
        h = Pj * z
        pre.append(z)
        patterns.append(pattern)
        outputs.append(C * h)
    return Linearization(pre, patterns, J, Dz, C, outputs, degenerate)


# ------------------------------------------------------------------------------
# the dimension-counting lemma of Theorem 2
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LemmaCount:
    """Measured quantities of the dimension-counting lemma (math.md section 3, step 4).

    For a candidate URNN ``(U, G, c, D, g0)`` with m states linearised at a
    generic point of length 2; the witness has ``dy(j)/dx(l) = I`` for ``l = j``
    and ``0`` for ``l < j``.

    Attributes
    ----------
    n, m : int
        Witness states (= input dimension) and candidate states.
    rank_P0, rank_P1 : int
        Active units at steps 0 and 1.
    dim_Z0, dim_Z1 : int
        ``dim Z_0``, ``dim Z_1``.
    d0, d1 : int
        ``d_0 = 0`` (no earlier inputs) and ``d_1 = dim P_1 U Z_0``.
    dim_K : int
        ``dim K``, ``K = {v in Z_0 : P_1 U v = 0}``.
    dim_UK : int
        ``dim U K`` (equals ``dim_K`` when U is injective on K).
    inactive_1 : int
        ``m - rank P_1``, the room for ``U K``.
    conditions : dict
        ``"D P_0 G = I"``, ``"D P_1 G = I"``, ``"D P_1 U P_0 G = 0"`` -> whether each holds exactly.
    """

    n: int
    m: int
    rank_P0: int
    rank_P1: int
    dim_Z0: int
    dim_Z1: int
    d0: int
    d1: int
    dim_K: int
    dim_UK: int
    inactive_1: int
    conditions: dict[str, bool]

    @property
    def failed(self) -> list[str]:
        """The Jacobian conditions that do not hold (one must when ``m < 2n``)."""
        return [name for name, ok in self.conditions.items() if not ok]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out: dict[str, Any] = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "conditions"}
        out["conditions"] = dict(self.conditions)
        out["failed"] = self.failed
        return out


def dimension_count(candidate: RNN, xs: Sequence[Sequence[Any]]) -> LemmaCount:
    """Quantities of the Theorem 2 lemma for a candidate at a length-2 input (see :class:`LemmaCount`).

    Parameters
    ----------
    candidate : RNN
        A ReLU network with ``d = p = n`` (the witness's size).
    xs : sequence of 2 rows
        A generic point of length 2.

    Notes
    -----
    If all three conditions held, step 4 of math.md section 3 would give
    ``dim K = n + d_0 - d_1 <= m - rank P_1 <= m - n - d_1``, i.e. ``m >= 2n + d_0``;
    so for ``m < 2n`` at least one condition fails, and a direction where it
    fails yields a distinguishing input.

    Examples
    --------
    >>> U = [[0, 1], [1, 0]]
    >>> c = dimension_count(RNN(U, [[1], [0]], [0, -4], [[1, 0]]), [["1/2"], ["1/4"]])
    >>> c.m, c.rank_P1, c.dim_Z1, c.dim_K, c.inactive_1, c.failed
    (2, 1, 1, 1, 1, [])
    """
    if len(xs) != 2:
        raise ShapeError(f"xs: the lemma is stated for inputs of length 2 but found length {len(xs)}")
    if candidate.d != candidate.p:
        raise ShapeError(f"candidate: the witness has d = p but found d = {candidate.d}, p = {candidate.p}")
    lin = linearize(candidate, xs)
    if not lin.generic:
        raise InvalidArgumentError(
            f"xs: not a generic point (zero pre-activations with nonzero gradient at {lin.degenerate})"
        )
    P = rational_parameters(candidate)
    U, G, D = P["W"], P["F"], P["C"]
    n, m = candidate.d, candidate.n
    P0, P1 = pattern_matrix(lin.patterns[0]), pattern_matrix(lin.patterns[1])
    eye, zero = pattern_matrix([1] * n), flint.fmpq_mat(n, n)
    lag0_step0, lag0_step1, lag1_step1 = D * P0 * G, D * P1 * G, D * P1 * U * P0 * G
    conditions = {
        "D P_0 G = I": lag0_step0 == eye,
        "D P_1 G = I": lag0_step1 == eye,
        "D P_1 U P_0 G = 0": lag1_step1 == zero,
    }
    B0 = column_basis(lin.Z(0))
    kernel = B0 * nullspace(P1 * U * B0) if B0.ncols() else flint.fmpq_mat(m, 0)
    return LemmaCount(
        n=n,
        m=m,
        rank_P0=sum(lin.patterns[0]),
        rank_P1=sum(lin.patterns[1]),
        dim_Z0=B0.ncols(),
        dim_Z1=rank(lin.Z(1)),
        d0=0,
        d1=rank(P1 * U * B0) if B0.ncols() else 0,
        dim_K=kernel.ncols(),
        dim_UK=rank(U * kernel),
        inactive_1=m - sum(lin.patterns[1]),
        conditions=conditions,
    )
